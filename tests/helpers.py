"""Shared test helpers: build a spec, replay a script, and an independent interpreter."""
from __future__ import annotations

from fsmodel.run import registry
from fsmodel.config import make_config, ranges
from fsmodel.families.base import family_of
from fsmodel.engines import native
from fsmodel.engines.pycompile import compile_spec
from fsmodel.engines.replay import replay
from fsmodel.run.known import SMALLEST
from fsmodel.lang.expr import Const, Expr, Local, Op, Var
from fsmodel.lang.spec import Assign, Let, Require, Spec, Store

# One file, backend, fault and crash: the smallest bounds, where scripts need no parameters.
ONE = {k.replace("-", "_"): v for k, v in SMALLEST.items()}


def build(spec_id: str, os: str, fs: str = "ext4", disable=(), fpw: bool | None = None,
          protocol=None, reduce: bool = True, **bounds) -> Spec:
    """The spec under a configuration; bounds its family does not read are left out (the
    scripts' ONE names backends for every family)."""
    entry = protocol or registry.find(spec_id)
    fam = family_of(entry)
    bounds = {k.replace("_", "-"): v for k, v in bounds.items()}
    bounds = {k: v for k, v in bounds.items() if k in ranges(fam)}
    cfg = make_config(os, fs, list(disable), bounds, defaults=entry.bounds,
                      options={} if fpw is None else {"fpw": fpw}, family=fam, reduce=reduce)
    return entry.build(cfg)


def small(spec_id: str, bounds: dict) -> dict:
    """A cross-check's small ``bounds`` for a spec: a storage engine keeps the files and
    pages its layout needs (its own bounds), with one key and one crash."""
    entry = registry.find(spec_id)
    if not is_engine(spec_id):
        return bounds
    own = {k: v for k, v in entry.bounds.items() if k in ("files", "pages")}
    return bounds | {"keys": 1, "crashes": 1} | own


# Where a cross-check samples policies for the storage engines (each many times larger than
# a PostgreSQL spec at the small bounds): one of each error mechanism (the AS_EIO flag,
# errseq_t, a failed page dropped with its error, failed pages kept dirty).
ENGINE_POLICIES = ("linux-4.12", "linux-5.8", "netbsd", "posix-strict")


def is_engine(spec_id: str) -> bool:
    return family_of(registry.find(spec_id)).group == "kv"


def run(spec_id: str, os: str, script: str, **kw):
    """Replay ``a; b; c`` on the spec; returns (replay, final state as a name->value dict).
    Scripts name actions as one file and one backend show them, unless ``kw`` says more."""
    spec = build(spec_id, os, **ONE | kw)
    labels = [x.strip() for x in script.split(";") if x.strip()]
    r = replay(spec, labels)
    assert r.complete, f"step {r.stuck_at} ({labels[r.stuck_at]}) is not enabled"
    final = {v.var.name: v.domain.show(r.states[-1][v.var.slot]) for v in spec.vars}
    return r, final


def reachable(spec: Spec, limit: int = 0):
    """Yield (state, successors) depth-first over the reachable states (at most ``limit``)."""
    comp = compile_spec(spec)
    seen, frontier = {spec.init_state}, [spec.init_state]
    while frontier and (not limit or len(seen) < limit):
        s = frontier.pop()
        succ = comp.successors(s)
        yield s, succ
        for _, t in succ:
            if t not in seen:
                seen.add(t)
                frontier.append(t)


def shortest(spec_id: str, os: str, **kw) -> dict[str, int | None]:
    """The BFS verdicts as {property: length of the shortest counterexample or None}, from
    the native engine (tested against the Python one in test_native)."""
    spec = build(spec_id, os, **kw)
    res = native.check(spec, progress=None)
    assert res.complete or len(res.traces) == len(spec.properties)
    return {p: (res.traces[p].length if v == "violated" else None)
            for p, v in res.verdicts.items()}


# -- an interpreter written independently of the compiler, to check it ------------------------
def evaluate(e: Expr, state: list, env: dict) -> object:
    if isinstance(e, Const):
        return e.value
    if isinstance(e, Var):
        return state[e.slot]
    if isinstance(e, Local):
        return env[e.index]
    assert isinstance(e, Op)
    if e.op == "and":
        return bool(evaluate(e.args[0], state, env)) and bool(evaluate(e.args[1], state, env))
    if e.op == "or":
        return bool(evaluate(e.args[0], state, env)) or bool(evaluate(e.args[1], state, env))
    if e.op == "ite":
        c = evaluate(e.args[0], state, env)
        return evaluate(e.args[1] if c else e.args[2], state, env)
    v = [evaluate(a, state, env) for a in e.args]
    if e.op == "index":
        return v[1 + v[0]]
    ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
           "//": lambda a, b: a // b, "%": lambda a, b: a % b, "==": lambda a, b: a == b,
           "!=": lambda a, b: a != b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
           ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
    if e.op == "not":
        return not v[0]
    if e.op == "neg":
        return -v[0]
    return ops[e.op](*v)


def interpret_successors(spec: Spec, s: tuple) -> list[tuple[int, tuple]]:
    out = []
    for ai, act in enumerate(spec.actions):
        state, env, ok = list(s), {}, True
        for ins in act.program:
            if isinstance(ins, Require):
                if not evaluate(ins.cond, state, env):
                    ok = False
                    break
            elif isinstance(ins, Let):
                run = ins.cond is None or evaluate(ins.cond, state, env)
                env[ins.local.index] = evaluate(ins.value, state, env) if run else 0
            elif ins.cond is None or evaluate(ins.cond, state, env):
                value = evaluate(ins.value, state, env)
                if isinstance(ins, Assign):
                    state[ins.var.slot] = value
                else:
                    assert isinstance(ins, Store)
                    state[ins.vars[evaluate(ins.idx, state, env)].slot] = value
        if ok:
            out.append((ai, tuple(state)))
    return out
