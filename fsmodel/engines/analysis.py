"""Static facts about a spec's ground actions, used by the symbolic engine: the range of every
value an expression can take (so bit-vectors can be wide enough never to wrap) and which
actions commute (so the unrolling can fix one order of independent neighbours)."""
from __future__ import annotations

from ..lang.expr import Const, Expr, Local, Op, Var
from ..lang.spec import Action, Assign, Let, Require, Spec, Store
from ..lang.visit import COMPARISONS, Fold

Interval = tuple[int, int]
_BOOL: Interval = (0, 1)


class _Interval(Fold[Interval]):
    """The interval of an expression given those of the state slots and the locals."""

    def __init__(self, slots: list[Interval], env: dict[int, Interval]) -> None:
        self.slots, self.env = slots, env
        tests = {op: _test for op in COMPARISONS + ("and", "or", "not")}
        super().__init__(tests | {
            "+": lambda e, a, b: (a[0] + b[0], a[1] + b[1]),
            "-": lambda e, a, b: (a[0] - b[1], a[1] - b[0]),
            "*": _times,
            "//": self.divide, "%": self.divide, "neg": lambda e, a: (-a[1], -a[0]),
            "ite": lambda e, c, a, b: _hull(a, b), "index": lambda e, i, *xs: _hull(*xs)})

    def const(self, e: Const) -> Interval:
        return (int(e.value), int(e.value))

    def var(self, e: Var) -> Interval:
        return self.slots[e.slot]

    def local(self, e: Local) -> Interval:
        return self.env[e.index]

    @staticmethod
    def divide(e: Op, a: Interval, b: Interval) -> Interval:
        if a[0] < 0 or b[0] <= 0:
            raise ValueError(f"'{e.op}' is encoded for non-negative dividends and positive "
                             f"divisors only, got {a} and {b}")
        return (a[0] // b[1], a[1] // b[0]) if e.op == "//" else (0, b[1] - 1)


def _test(e: Op, *args: Interval) -> Interval:
    return _BOOL


def _times(e: Op, a: Interval, b: Interval) -> Interval:
    products = [x * y for x in a for y in b]
    return (min(products), max(products))


def interval(e: Expr, slots: list[Interval], env: dict[int, Interval]) -> Interval:
    """An interval holding every value of ``e`` (booleans as 0/1) given those of its inputs."""
    return _Interval(slots, env)(e)


def _hull(*ivs: Interval) -> Interval:
    return (min(i[0] for i in ivs), max(i[1] for i in ivs))


def value_bits(spec: Spec) -> int:
    """The width of a signed bit-vector that holds every value any expression of the spec can
    take, intermediate ones included, starting from states within the declared domains."""
    domains = [(info.domain.lo, info.domain.hi) for info in spec.vars]
    seen = [_hull(*domains)] if domains else [(0, 1)]

    def note(e: Expr, slots: list[Interval], env: dict[int, Interval]) -> Interval:
        if isinstance(e, Op):
            for x in e.args:
                note(x, slots, env)
        iv = interval(e, slots, env)
        seen.append(iv)
        return iv

    for act in spec.actions:
        slots, env = list(domains), {}
        for ins in act.program:
            exprs = [getattr(ins, f) for f in ("cond", "idx") if getattr(ins, f, None) is not None]
            for e in exprs:
                note(e, slots, env)
            if isinstance(ins, Require):
                continue
            v = note(ins.value, slots, env)
            if isinstance(ins, Let):
                env[ins.local.index] = _hull(v, (0, 0)) if ins.cond is not None else v
            else:
                for var in (ins.vars if isinstance(ins, Store) else (ins.var,)):
                    slots[var.slot] = _hull(slots[var.slot], v)
    for e in [p.holds for p in spec.properties] + list(spec.derived.values()):
        note(e, domains, {})
    lo, hi = _hull(*seen)
    return max(hi.bit_length(), (-lo - 1).bit_length()) + 1


def reads_writes(act: Action) -> tuple[set[int], set[int]]:
    """The state slots an action's program reads (guard included) and may write."""
    reads: set[int] = set()
    writes: set[int] = set()
    for ins in act.program:
        for f in ("cond", "value", "idx"):
            e = getattr(ins, f, None)
            if e is not None:
                _vars(e, reads)
        if isinstance(ins, Assign):
            writes.add(ins.var.slot)
        elif isinstance(ins, Store):
            writes.update(v.slot for v in ins.vars)
    return reads, writes


def _vars(e: Expr, out: set[int]) -> None:
    if isinstance(e, Var):
        out.add(e.slot)
    elif isinstance(e, Op):
        for x in e.args:
            _vars(x, out)


def commuting(spec: Spec) -> dict[int, list[int]]:
    """For each action i, the actions j < i independent of it: neither writes what the other
    reads or writes, so ``i; j`` and ``j; i`` are enabled in the same states and end in the
    same state.  Allowing only ``j; i`` keeps, for every path, one of the same length ending in
    the same state (sort each run of independent neighbours), so BMC's shortest lengths stay."""
    rw = [reads_writes(a) for a in spec.actions]
    out: dict[int, list[int]] = {}
    for i, (ri, wi) in enumerate(rw):
        later = [j for j, (rj, wj) in enumerate(rw[:i]) if not wi & (rj | wj) and not wj & ri]
        if later:
            out[i] = later
    return out
