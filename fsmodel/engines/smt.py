"""Symbolic model checking with z3, on the same expression trees the explicit engine compiles.

Each ground action's program is executed symbolically once, giving its guard and the next value
of each variable it writes; the transition is one formula over a state, the next state and an
action selector, and step k of an unrolling is that formula with step k's constants put in.

Bounded model checking encodes values as bit-vectors wide enough never to wrap
(``analysis.value_bits``) and runs z3's incremental SAT-based solver for finite domains; it adds
one step at a time and asks at each depth whether a property can be false there, so the first
satisfiable depth is the length of a shortest counterexample, the number the breadth-first
explicit engine reports.  Proofs use integers and z3's Spacer (constrained Horn clauses), with
the configuration bounds either kept or left free ("for every number of writes, ...").
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import z3

from ..lang.expr import Bound, Const, Expr, Local, Op, Var
from ..lang.spec import Assign, Let, Require, Spec
from ..lang.visit import Fold
from ..trace import Trace
from .traces import trace_of_states
from .analysis import commuting, value_bits
from .pycompile import compile_spec

_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
          ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}   # signed on bit-vectors


def _bool(t: z3.ExprRef) -> z3.ExprRef:
    return t if z3.is_bool(t) else t != 0


@dataclass
class Transition:
    """The transition formula over (cur, nxt, sel), built once; ``at`` instantiates it."""
    cur: list[z3.ExprRef]
    nxt: list[z3.ExprRef]
    sel: list[z3.ExprRef]
    formula: z3.ExprRef

    def at(self, cur: list[z3.ExprRef], nxt: list[z3.ExprRef],
           sel: list[z3.ExprRef]) -> z3.ExprRef:
        return z3.substitute(self.formula, *zip(self.cur, cur), *zip(self.nxt, nxt),
                             *zip(self.sel, sel))


class Encoder:
    """Terms for states, actions and properties of one spec: over bit-vectors of ``bits``
    width, or over integers (``bits`` 0), where ``free_bounds`` leaves every configuration
    bound unconstrained and drops the upper limit of the domains that grow with them."""

    def __init__(self, spec: Spec, bits: int = 0, free_bounds: bool = False) -> None:
        if bits and free_bounds:
            raise ValueError("free bounds need unbounded integers")
        self.spec, self.bits, self.free_bounds = spec, bits, free_bounds
        self.free: dict[str, z3.ExprRef] = {}   # the free bounds met so far
        self.bools = [info.domain.kind == "bool" for info in spec.vars]

    # -- sorts -------------------------------------------------------------------------------
    def num(self, v: int) -> z3.ExprRef:
        return z3.BitVecVal(v, self.bits) if self.bits else z3.IntVal(v)

    def _int(self, t: z3.ExprRef) -> z3.ExprRef:
        return z3.If(t, self.num(1), self.num(0)) if z3.is_bool(t) else t

    def _same_sort(self, a: z3.ExprRef, b: z3.ExprRef) -> tuple[z3.ExprRef, z3.ExprRef]:
        return (a, b) if z3.is_bool(a) == z3.is_bool(b) else (self._int(a), self._int(b))

    def _coerce(self, slot: int, v: z3.ExprRef) -> z3.ExprRef:
        return _bool(v) if self.bools[slot] else self._int(v)

    # -- states ------------------------------------------------------------------------------
    def state(self, k: int | str) -> list[z3.ExprRef]:
        return [z3.Bool(f"{info.var.name}@{k}") if b else
                z3.BitVec(f"{info.var.name}@{k}", self.bits) if self.bits else
                z3.Int(f"{info.var.name}@{k}") for info, b in zip(self.spec.vars, self.bools)]

    def selector(self, k: int | str) -> list[z3.ExprRef]:
        """Which action step k takes: one boolean per action (SAT), or one integer."""
        if self.bits:
            return [z3.Bool(f"action@{k}={i}") for i in range(len(self.spec.actions))]
        return [z3.Int(f"action@{k}")]

    def chosen(self, sel: list[z3.ExprRef], i: int) -> z3.ExprRef:
        return sel[i] if self.bits else sel[0] == i

    def one_action(self, sel: list[z3.ExprRef]) -> z3.ExprRef:
        if self.bits:
            return z3.PbEq([(x, 1) for x in sel], 1)
        return z3.And(sel[0] >= 0, sel[0] < len(self.spec.actions))

    def which(self, model: z3.ModelRef, sel: list[z3.ExprRef]) -> int:
        if self.bits:
            return next(i for i, x in enumerate(sel)
                        if z3.is_true(model.eval(x, model_completion=True)))
        return model.eval(sel[0], model_completion=True).as_long()

    def init(self, st: list[z3.ExprRef]) -> z3.ExprRef:
        return z3.And([t == (z3.BoolVal(bool(info.init)) if b else self.num(int(info.init)))
                       for t, info, b in zip(st, self.spec.vars, self.bools)])

    def domains(self, st: list[z3.ExprRef]) -> z3.ExprRef:
        out = []
        for t, info, b in zip(st, self.spec.vars, self.bools):
            if b:
                continue
            out.append(t >= self.num(info.domain.lo))
            if not (self.free_bounds and info.domain.grows):
                out.append(t <= self.num(info.domain.hi))
        return z3.And(out) if out else z3.BoolVal(True)

    def holds(self, e: Expr, st: list[z3.ExprRef]) -> z3.ExprRef:
        return _bool(self.expr(e, st, {}))

    def decode(self, model: z3.ModelRef, st: list[z3.ExprRef]) -> tuple:
        out = []
        for t, b in zip(st, self.bools):
            v = model.eval(t, model_completion=True)
            out.append(z3.is_true(v) if b else v.as_signed_long() if self.bits else v.as_long())
        return tuple(out)

    # -- actions -----------------------------------------------------------------------------
    def action(self, act: Any, st: list[z3.ExprRef]) -> tuple[z3.ExprRef, list[z3.ExprRef]]:
        """The guard and the next state of one ground action, by symbolic execution."""
        cur, env, guards = list(st), {}, []
        for ins in act.program:
            if isinstance(ins, Require):
                guards.append(_bool(self.expr(ins.cond, cur, env)))
            elif isinstance(ins, Let):
                v = self.expr(ins.value, cur, env)
                if ins.cond is not None:
                    zero = z3.BoolVal(False) if z3.is_bool(v) else self.num(0)
                    v = z3.If(_bool(self.expr(ins.cond, cur, env)), v, zero)
                env[ins.local.index] = v
            else:
                c = _bool(self.expr(ins.cond, cur, env)) if ins.cond is not None else None
                v = self.expr(ins.value, cur, env)
                if isinstance(ins, Assign):
                    slots = [(ins.var.slot, c)]
                else:
                    idx = self._int(self.expr(ins.idx, cur, env))
                    slots = [(var.slot, idx == j if c is None else z3.And(c, idx == j))
                             for j, var in enumerate(ins.vars)]
                for slot, when in slots:
                    new = self._coerce(slot, v)
                    cur[slot] = new if when is None else z3.If(when, new, cur[slot])
        return (z3.And(guards) if guards else z3.BoolVal(True)), cur

    def transition(self, by_variable: bool) -> Transition:
        """sel names an action that is enabled, and nxt is what it makes of cur.  By variable:
        each next value is an if-then-else over the actions that write it (BMC on pg-fdpass /
        linux-4.16 runs depth 13 in 43 s this way, 430 s the other).  By action: one
        implication per action fixing the whole next state (Spacer proves pg-retry / freebsd
        in 10 s this way and nothing in 120 s the other)."""
        cur, nxt, sel = self.state("s"), self.state("t"), self.selector("s")
        parts = [self.domains(nxt), self.one_action(sel)]
        nexts = list(cur)
        for i, act in enumerate(self.spec.actions):
            guard, new = self.action(act, cur)
            if not by_variable:
                guard = z3.And(guard, *(t == v for t, v in zip(nxt, new)))
            parts.append(z3.Implies(self.chosen(sel, i), guard))
            for slot, v in enumerate(new):
                if by_variable and not v.eq(cur[slot]):
                    nexts[slot] = z3.If(self.chosen(sel, i), v, nexts[slot])
        if by_variable:
            parts += [t == v for t, v in zip(nxt, nexts)]
        return Transition(cur, nxt, sel, z3.And(parts))

    # -- expressions -------------------------------------------------------------------------
    def expr(self, e: Expr, st: list[z3.ExprRef], env: dict[int, z3.ExprRef]) -> z3.ExprRef:
        return _Terms(self, st, env)(e)


class _Terms(Fold[z3.ExprRef]):
    """The z3 term of an expression over the state terms ``st`` and the locals ``env``."""

    def __init__(self, enc: Encoder, st: list[z3.ExprRef], env: dict[int, z3.ExprRef]) -> None:
        self.enc, self.st, self.env = enc, st, env
        arith = {op: (lambda e, a, b, f=f: f(enc._int(a), enc._int(b)))
                 for op, f in _ARITH.items()}
        super().__init__(arith | {
            "//": self.divide, "%": self.divide, "==": self.equal, "!=": self.equal,
            "and": lambda e, a, b: z3.And(_bool(a), _bool(b)),
            "or": lambda e, a, b: z3.Or(_bool(a), _bool(b)),
            "not": lambda e, a: z3.Not(_bool(a)), "neg": lambda e, a: -enc._int(a),
            "ite": self.ite, "index": self.index})

    def const(self, e: Const) -> z3.ExprRef:
        if isinstance(e, Bound) and self.enc.free_bounds:
            # one constant per bound, a rule variable (prove): each step may read any value
            return self.enc.free.setdefault(e.name, z3.Int(f"bound:{e.name}"))
        return z3.BoolVal(e.value) if isinstance(e.value, bool) else self.enc.num(e.value)

    def var(self, e: Var) -> z3.ExprRef:
        return self.st[e.slot]

    def local(self, e: Local) -> z3.ExprRef:
        return self.env[e.index]

    def divide(self, e: Op, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        """Non-negative operands only (analysis.interval checks)."""
        x, y = self.enc._int(a), self.enc._int(b)
        if self.enc.bits:
            return z3.UDiv(x, y) if e.op == "//" else z3.URem(x, y)
        return x / y if e.op == "//" else x % y

    def equal(self, e: Op, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        x, y = self.enc._same_sort(a, b)
        return x == y if e.op == "==" else x != y

    def ite(self, e: Op, c: z3.ExprRef, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        x, y = self.enc._same_sort(a, b)
        return z3.If(_bool(c), x, y)

    def index(self, e: Op, i: z3.ExprRef, *elems: z3.ExprRef) -> z3.ExprRef:
        """Out of range: the last element (lang.expr.select)."""
        idx, out = self.enc._int(i), elems[-1]
        for k in range(len(elems) - 2, -1, -1):
            x, out = self.enc._same_sort(elems[k], out)
            out = z3.If(idx == self.enc.num(k), x, out)
        return out


# -- bounded model checking ------------------------------------------------------------------
@dataclass
class BmcResult:
    spec: Spec
    verdicts: dict[str, str]            # violated, or "holds up to depth K"
    traces: dict[str, Trace]
    depth: int                          # deepest depth whose check completed
    seconds: float
    per_depth: list[dict[str, float]] = field(default_factory=list)  # depth, solver seconds
    limit: str = ""
    bits: int = 0


def bmc(spec: Spec, max_depth: int, max_seconds: float = 0.0) -> BmcResult:
    """Unroll one step at a time on one solver; report the first violating depth per property.
    Adjacent independent actions are taken in one order only (``analysis.commuting``)."""
    start = time.monotonic()
    enc, comp = Encoder(spec, bits=value_bits(spec)), compile_spec(spec)
    tr, order = enc.transition(by_variable=True), commuting(spec)
    solver = z3.SolverFor("QF_FD")
    states, sels = [enc.state(0)], []
    solver.add(enc.init(states[0]))
    verdicts: dict[str, str] = {}
    traces: dict[str, Trace] = {}
    per_depth, limit, depth = [], "", -1
    for k in range(max_depth + 1):
        t0 = time.monotonic()
        for prop in spec.properties:
            if prop.name in verdicts:
                continue
            if max_seconds:
                left = max_seconds - (time.monotonic() - start)
                solver.set("timeout", max(1, int(left * 1000)))
            bad = z3.Bool(f"bad:{prop.name}@{k}")
            solver.add(z3.Implies(bad, z3.Not(enc.holds(prop.holds, states[k]))))
            answer = solver.check(bad)
            if answer == z3.unknown:
                limit = f"--max-seconds {max_seconds:g}" if max_seconds else solver.reason_unknown()
                break
            if answer == z3.sat:
                verdicts[prop.name] = "violated"
                traces[prop.name] = _decode(spec, comp, enc, solver.model(), states, sels,
                                            prop.name)
        if limit:
            break
        per_depth.append({"depth": k, "seconds": round(time.monotonic() - t0, 3)})
        depth = k
        if len(verdicts) == len(spec.properties) or k == max_depth:
            break
        nxt, sel = enc.state(k + 1), enc.selector(k)
        solver.add(tr.at(states[k], nxt, sel))
        if sels:
            prev = sels[-1]
            solver.add([z3.Implies(enc.chosen(prev, i), z3.And([z3.Not(enc.chosen(sel, j))
                                                               for j in js]))
                        for i, js in order.items()])
        states.append(nxt)
        sels.append(sel)
    for prop in spec.properties:
        verdicts.setdefault(prop.name, f"holds up to depth {depth}")
    return BmcResult(spec, verdicts, traces, depth, time.monotonic() - start, per_depth, limit,
                     enc.bits)


def _decode(spec: Spec, comp: Any, enc: Encoder, model: z3.ModelRef, states: list,
            sels: list, prop: str) -> Trace:
    decoded = [enc.decode(model, states[i]) for i in range(len(sels) + 1)]
    actions: list[int | None] = [None] + [enc.which(model, a) for a in sels]
    return trace_of_states(spec, comp, decoded, actions, prop, "smt")


# -- proofs ----------------------------------------------------------------------------------
@dataclass
class Proof:
    verdict: str        # proved | violated | unknown
    seconds: float
    free: list[str]     # the bounds left free (proved for every value of them)


def prove(spec: Spec, prop_name: str, timeout_s: float, free_bounds: bool = False) -> Proof:
    """Try to prove a property for every trace length with Spacer: find an inductive invariant
    Inv with Inv(init), Inv(s) and a step giving Inv(s'), and no Inv state violating the
    property.  With ``free_bounds`` the guards on the configuration bounds (writes,
    checkpoints, crashes, faults) read any value, so a proof holds for every value of them;
    "violated" then may need more than the configured bounds."""
    enc = Encoder(spec, free_bounds=free_bounds)
    tr = enc.transition(by_variable=False)
    inv = z3.Function("Inv", *[t.sort() for t in tr.cur], z3.BoolSort())
    fp = z3.Fixedpoint()
    fp.set(engine="spacer")
    fp.set("timeout", max(1, int(timeout_s * 1000)))
    fp.register_relation(inv)
    fp.declare_var(*tr.cur, *tr.nxt, *tr.sel, *enc.free.values())
    fp.rule(inv(*tr.cur), enc.init(tr.cur))
    fp.rule(inv(*tr.nxt), [inv(*tr.cur), tr.formula])
    prop = next(p for p in spec.properties if p.name == prop_name)
    start = time.monotonic()
    try:
        answer = fp.query(z3.And(inv(*tr.cur), z3.Not(enc.holds(prop.holds, tr.cur))))
    except z3.Z3Exception:   # Spacer reports its timeout as a cancellation
        answer = z3.unknown
    verdict = ("proved" if answer == z3.unsat else "violated" if answer == z3.sat
               else "unknown")
    return Proof(verdict, time.monotonic() - start, sorted(enc.free))
