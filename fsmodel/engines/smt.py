"""Symbolic model checking with z3, on the same expression trees the explicit engine compiles.

Each ground action's program is executed symbolically (a guard and a next-state term per
variable); step k of the unrolling chooses one action with an integer selector.  Bounded model
checking adds one step at a time to one incremental solver and asks, at each depth, whether a
property can be false there: the first depth that is satisfiable is the length of a shortest
counterexample, the same number the breadth-first explicit engine reports.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import z3

from ..lang.expr import Const, Expr, Local, Op, Var
from ..lang.spec import Action, Assign, Let, Require, Spec
from ..trace import Trace, trace_of_states
from .pycompile import compile_spec


def _int(t: z3.ExprRef) -> z3.ExprRef:
    return z3.If(t, z3.IntVal(1), z3.IntVal(0)) if z3.is_bool(t) else t


def _bool(t: z3.ExprRef) -> z3.ExprRef:
    return t if z3.is_bool(t) else t != 0


def _same_sort(a: z3.ExprRef, b: z3.ExprRef) -> tuple[z3.ExprRef, z3.ExprRef]:
    if z3.is_bool(a) == z3.is_bool(b):
        return a, b
    return _int(a), _int(b)


_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "//": lambda a, b: a / b, "%": lambda a, b: a % b,
          "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
          ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


class Encoder:
    """Terms for states, initial condition, domains, actions and properties of one spec."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.bools = [info.domain.kind == "bool" for info in spec.vars]

    def state(self, k: int) -> list[z3.ExprRef]:
        return [z3.Bool(f"{info.var.name}@{k}") if b else z3.Int(f"{info.var.name}@{k}")
                for info, b in zip(self.spec.vars, self.bools)]

    def init(self, st: list[z3.ExprRef]) -> z3.ExprRef:
        return z3.And([t == self._value(i, info.init) for i, (t, info) in
                       enumerate(zip(st, self.spec.vars))])

    def domains(self, st: list[z3.ExprRef]) -> z3.ExprRef:
        out = [z3.And(t >= info.domain.lo, t <= info.domain.hi)
               for t, info, b in zip(st, self.spec.vars, self.bools) if not b]
        return z3.And(out) if out else z3.BoolVal(True)

    def holds(self, e: Expr, st: list[z3.ExprRef]) -> z3.ExprRef:
        return _bool(self.expr(e, st, {}))

    def action(self, act: Action, st: list[z3.ExprRef]) -> tuple[z3.ExprRef, list[z3.ExprRef]]:
        """The guard and the next state of one ground action, by symbolic execution."""
        cur, env, guards = list(st), {}, []
        for ins in act.program:
            if isinstance(ins, Require):
                guards.append(_bool(self.expr(ins.cond, cur, env)))
            elif isinstance(ins, Let):
                v = self.expr(ins.value, cur, env)
                if ins.cond is not None:
                    zero = z3.BoolVal(False) if z3.is_bool(v) else z3.IntVal(0)
                    v = z3.If(_bool(self.expr(ins.cond, cur, env)), v, zero)
                env[ins.local.index] = v
            else:
                c = _bool(self.expr(ins.cond, cur, env)) if ins.cond is not None else None
                v = self.expr(ins.value, cur, env)
                if isinstance(ins, Assign):
                    slots = [(ins.var.slot, c)]
                else:
                    idx = _int(self.expr(ins.idx, cur, env))
                    slots = [(var.slot, idx == j if c is None else z3.And(c, idx == j))
                             for j, var in enumerate(ins.vars)]
                for slot, when in slots:
                    new = self._coerce(slot, v)
                    cur[slot] = new if when is None else z3.If(when, new, cur[slot])
        return (z3.And(guards) if guards else z3.BoolVal(True)), cur

    def step(self, st: list[z3.ExprRef], nxt: list[z3.ExprRef],
             act: z3.ExprRef) -> z3.ExprRef:
        """One transition: the selector names an enabled action and nxt is its result."""
        parts = [z3.And(act >= 0, act < len(self.spec.actions))]
        for ai, a in enumerate(self.spec.actions):
            guard, new = self.action(a, st)
            parts.append(z3.Implies(act == ai, z3.And(guard, *(n == v for n, v in zip(nxt, new)))))
        return z3.And(parts)

    # -- expressions -----------------------------------------------------------------------
    def expr(self, e: Expr, st: list[z3.ExprRef], env: dict[int, z3.ExprRef]) -> z3.ExprRef:
        if isinstance(e, Const):
            return z3.BoolVal(e.value) if isinstance(e.value, bool) else z3.IntVal(e.value)
        if isinstance(e, Var):
            return st[e.slot]
        if isinstance(e, Local):
            return env[e.index]
        assert isinstance(e, Op), e
        a = [self.expr(x, st, env) for x in e.args]
        if e.op in _ARITH:
            return _ARITH[e.op](_int(a[0]), _int(a[1]))
        if e.op in ("==", "!="):
            x, y = _same_sort(a[0], a[1])
            return x == y if e.op == "==" else x != y
        if e.op == "and":
            return z3.And(_bool(a[0]), _bool(a[1]))
        if e.op == "or":
            return z3.Or(_bool(a[0]), _bool(a[1]))
        if e.op == "not":
            return z3.Not(_bool(a[0]))
        if e.op == "neg":
            return -_int(a[0])
        if e.op == "ite":
            x, y = _same_sort(a[1], a[2])
            return z3.If(_bool(a[0]), x, y)
        if e.op == "index":   # out of range: the last element (lang.expr.select)
            idx, elems = _int(a[0]), a[1:]
            out = elems[-1]
            for i in range(len(elems) - 2, -1, -1):
                x, out = _same_sort(elems[i], out)
                out = z3.If(idx == i, x, out)
            return out
        raise ValueError(f"unknown operator {e.op}")

    def _coerce(self, slot: int, v: z3.ExprRef) -> z3.ExprRef:
        return _bool(v) if self.bools[slot] else _int(v)

    def _value(self, slot: int, v: int | bool) -> z3.ExprRef:
        return z3.BoolVal(bool(v)) if self.bools[slot] else z3.IntVal(int(v))

    def decode(self, model: z3.ModelRef, st: list[z3.ExprRef]) -> tuple:
        out = []
        for t, b in zip(st, self.bools):
            v = model.eval(t, model_completion=True)
            out.append(z3.is_true(v) if b else v.as_long())
        return tuple(out)


@dataclass
class BmcResult:
    spec: Spec
    verdicts: dict[str, str]            # violated, or "holds up to depth K"
    traces: dict[str, Trace]
    depth: int                          # deepest depth whose check completed
    seconds: float
    per_depth: list[dict[str, float]] = field(default_factory=list)  # depth, solver seconds
    limit: str = ""


def bmc(spec: Spec, max_depth: int, max_seconds: float = 0.0) -> BmcResult:
    """Unroll one step at a time on one solver; report the first violating depth per property."""
    enc, comp = Encoder(spec), compile_spec(spec)
    solver = z3.Solver()
    start = time.monotonic()
    states = [enc.state(0)]
    acts: list[z3.ExprRef] = []
    solver.add(enc.init(states[0]))
    verdicts: dict[str, str] = {}
    traces: dict[str, Trace] = {}
    per_depth, limit, depth = [], "", -1
    for k in range(max_depth + 1):
        t0 = time.monotonic()
        for prop in spec.properties:
            if prop.name in verdicts:
                continue
            bad = z3.Bool(f"bad:{prop.name}@{k}")
            solver.add(z3.Implies(bad, z3.Not(enc.holds(prop.holds, states[k]))))
            if solver.check(bad) == z3.sat:
                verdicts[prop.name] = "violated"
                traces[prop.name] = _decode(spec, comp, enc, solver.model(), states, acts,
                                            prop.name)
        per_depth.append({"depth": k, "seconds": round(time.monotonic() - t0, 3)})
        depth = k
        if len(verdicts) == len(spec.properties) or k == max_depth:
            break
        if max_seconds and time.monotonic() - start >= max_seconds:
            limit = f"--max-seconds {max_seconds:g}"
            break
        nxt, act = enc.state(k + 1), z3.Int(f"action@{k}")
        solver.add(enc.domains(nxt), enc.step(states[k], nxt, act))
        states.append(nxt)
        acts.append(act)
    for prop in spec.properties:
        verdicts.setdefault(prop.name, f"holds up to depth {depth}")
    return BmcResult(spec, verdicts, traces, depth, time.monotonic() - start, per_depth, limit)


def _decode(spec: Spec, comp: Any, enc: Encoder, model: z3.ModelRef, states: list,
            acts: list, prop: str) -> Trace:
    k = len(acts)
    decoded = [enc.decode(model, states[i]) for i in range(k + 1)]
    actions: list[int | None] = [None] + [model.eval(a, model_completion=True).as_long()
                                          for a in acts]
    return trace_of_states(spec, comp, decoded, actions, prop, "smt")


def prove(spec: Spec, prop_name: str, timeout_s: float) -> tuple[str, float]:
    """Try to prove a property for every trace length with Spacer (constrained Horn clauses:
    an inductive invariant Inv over the state, Inv(init), Inv(s) and a step give Inv(s'),
    and no Inv state violates the property).  Returns (proved | unknown | violated, seconds)."""
    enc = Encoder(spec)
    s, s2, act = enc.state(0), enc.state(1), z3.Int("action")
    inv = z3.Function("Inv", *[t.sort() for t in s], z3.BoolSort())
    fp = z3.Fixedpoint()
    fp.set(engine="spacer")
    fp.set("timeout", max(1, int(timeout_s * 1000)))
    fp.register_relation(inv)
    fp.declare_var(*s, *s2, act)
    fp.rule(inv(*s), enc.init(s))
    fp.rule(inv(*s2), [inv(*s), enc.domains(s2), enc.step(s, s2, act)])
    prop = next(p for p in spec.properties if p.name == prop_name)
    start = time.monotonic()
    try:
        answer = fp.query(z3.And(inv(*s), z3.Not(enc.holds(prop.holds, s))))
    except z3.Z3Exception:   # Spacer reports its timeout as a cancellation
        answer = z3.unknown
    verdict = ("proved" if answer == z3.unsat else "violated" if answer == z3.sat
               else "unknown")
    return verdict, time.monotonic() - start
