"""Specs: finite state variables, guarded actions with parameters, invariants.

An action is written like a TLA+ action, read top to bottom like a PlusCal label:

    @spec.action("writeback", actor="kernel", f=FILES, p=PAGES)
    def _(u, f, p):
        u.require(page[f][p] == DIRTY)          # the guard
        u[disk[f][p]] = cache[f][p]             # the updates, in order
        u[page[f][p]] = CLEAN

A variable read means its value at that point of the action (after the updates above it);
``u.let`` snapshots a value, ``u.when`` guards a block of updates.  Parameters range over
finite domains and are grounded when the spec is built, so engines see only ground actions.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from .expr import And, Const, Expr, ExprLike, Local, Var, VarArray, lift


@dataclass(frozen=True)
class Domain:
    """The values a variable takes: ``bool``, ``int`` in [lo, hi], or an enum of labels."""
    kind: str
    lo: int = 0
    hi: int = 1
    labels: tuple[str, ...] = ()
    none: int | None = None  # a value that means "nothing" (a closed descriptor), shown "-"
    grows: bool = False      # hi is only a configuration bound (a counter, a version number)

    def show(self, v: int | bool, text: bool = True) -> Any:
        """The value as a person reads it (``text``) or as ITF stores it."""
        if self.kind == "bool":
            return bool(v)
        if self.kind == "enum":
            return self.labels[v]
        return "-" if text and v == self.none else int(v)


def Bool() -> Domain:
    return Domain("bool")


def Int(lo: int, hi: int, grows: bool = False) -> Domain:
    """Integers in [lo, hi]; ``grows``: hi comes from a bound, and a proof for every value of
    the bounds drops it."""
    if hi < lo:
        raise ValueError(f"empty integer range [{lo}, {hi}]")
    return Domain("int", lo, hi, grows=grows)


def Slot(none: int) -> Domain:
    """An index into a pool of ``none`` slots, or ``none`` for "not open"."""
    return Domain("int", 0, none, none=none)


def Enum(*labels: str) -> Domain:
    return Domain("enum", 0, len(labels) - 1, labels)


# Instructions of an action's program (consumed by every engine).
@dataclass(frozen=True)
class Require:
    cond: Expr


@dataclass(frozen=True)
class Let:
    """Bind a local; inside a when() block it is evaluated only if the block runs (else 0)."""
    local: Local
    value: Expr
    cond: Expr | None = None


@dataclass(frozen=True)
class Assign:
    var: Var
    value: Expr
    cond: Expr | None  # None: unconditional


@dataclass(frozen=True)
class Store:
    """``vars[idx] := value`` for a dynamic index."""
    vars: tuple[Var, ...]
    idx: Expr
    value: Expr
    cond: Expr | None


Instr = Require | Let | Assign | Store


@dataclass(frozen=True)
class Call:
    """A system call or an I/O and its result, evaluated where it stands in the action and
    recorded in traces for the diagrams; no engine reads it, so it cannot change a verdict."""
    name: str
    to: str                              # the lane it lands in ("page cache", "disk", ...)
    args: tuple[tuple[str, Expr], ...]
    result: Expr | None
    results: tuple[str, ...]             # names of the result values (0, EIO), if any
    source: str                          # the lane it starts from; "" is the action's actor
    cond: Expr | None


class Update:
    """The builder an action body writes into."""

    def __init__(self) -> None:
        self.program: list[Instr] = []
        self.calls: list[tuple[int, Call]] = []   # (instructions before it, the call)
        self.nlocals = 0
        self._conds: list[Expr] = []

    def require(self, *conds: ExprLike) -> None:
        c = And(*conds)
        if self._conds:
            raise ValueError("require() inside when(): state the guard before the branches")
        self.program.append(Require(c))

    def let(self, value: ExprLike) -> Local:
        loc = Local(self.nlocals)
        self.nlocals += 1
        self.program.append(Let(loc, lift(value), self._cond()))
        return loc

    def __setitem__(self, var: Var, value: ExprLike) -> None:
        if not isinstance(var, Var):
            raise TypeError(f"only a state variable can be assigned, not {var!r}")
        self.program.append(Assign(var, lift(value), self._cond()))

    def store(self, arr: VarArray, idx: ExprLike, value: ExprLike) -> None:
        idx = lift(idx)
        if isinstance(idx, Const):
            self[arr[idx.value]] = value
            return
        self.program.append(Store(tuple(arr.items), idx, lift(value), self._cond()))

    def call(self, name: str, to: str, result: ExprLike | None = None,
             results: Sequence[str] = (), source: str = "", **args: ExprLike) -> None:
        """Record a call and what it returned, for traces (see ``Call``)."""
        self.calls.append((len(self.program), Call(
            name, to, tuple((k, lift(v)) for k, v in args.items()),
            None if result is None else lift(result), tuple(results), source, self._cond())))

    @contextmanager
    def when(self, cond: ExprLike) -> Iterator[Expr]:
        """Updates in the block happen only if ``cond`` held on entering it."""
        c = lift(cond)
        c = c if isinstance(c, (Const, Local)) else self.let(c)
        self._conds.append(c)
        try:
            yield c
        finally:
            self._conds.pop()

    def _cond(self) -> Expr | None:
        return And(*self._conds) if self._conds else None


@dataclass
class Action:
    """A ground action: a name, the parameter values, who performs it, and its program."""
    name: str
    params: dict[str, Any]
    actor: str
    program: list[Instr]
    nlocals: int
    doc: str = ""
    shown: tuple[str, ...] = ()  # parameters with more than one value (the others say nothing)
    calls: list[tuple[int, Call]] = field(default_factory=list)

    @property
    def label(self) -> str:
        args = ", ".join(f"{k}={self.params[k]}" for k in self.shown)
        return f"{self.name}({args})" if args else self.name


@dataclass
class Property:
    name: str
    doc: str
    holds: Expr  # an invariant: must hold in every reachable state
    # one line on a violating state (its shown variables and derived values), for traces
    explain: Callable[[dict[str, Any]], str] | None = None


@dataclass
class Pool:
    """Slots whose labels mean nothing: records[i] holds slot i's variables, and each holder
    is a variable naming a slot (or ``none``); a holder counts only while its ``when`` variable
    equals the given value, if it has one.  Relabelling slots in order of first reference is
    then a bisimulation, so each state is reduced to that labelling."""
    records: list[tuple[int, ...]]
    holders: list[tuple[int, int | None, int]]   # (holder slot, when slot, when value)
    none: int


@dataclass(frozen=True)
class Ref:
    """A variable whose value names a record of a symmetry: ``base + i * stride + j`` names
    record i (``0 <= j < stride``), so permuting the records renames it.  With ``live``
    (slot, n), only while that slot's value exceeds n (a message in a queue)."""
    slot: int
    base: int
    stride: int = 1
    live: tuple[int, int] | None = None

    def rename(self, t: list, inverse: list[int]) -> None:
        """Rewrite the value in ``t`` after the records moved (``inverse[i]``: i's new place)."""
        v = t[self.slot]
        if self.live is not None and not t[self.live[0]] > self.live[1]:
            return
        i, j = divmod(v - self.base, self.stride)
        if v >= self.base and i < len(inverse):
            t[self.slot] = self.base + inverse[i] * self.stride + j


@dataclass
class Symmetry:
    """Interchangeable records (each a tuple of slots, all of one length) and the variables
    that name them.  Every action and property treats the records alike, so states that
    differ by a permutation of them, with the names renamed, are one state."""
    records: list[tuple[int, ...]]
    refs: list[Ref]
    name: str = ""          # what the records are ("pages", "files"), for a reader

    def permute(self, t: list, order: Sequence[int]) -> None:
        """Record k becomes the old record ``order[k]``; names follow."""
        old = [tuple(t[i] for i in r) for r in self.records]
        for r, k in zip(self.records, order):
            for i, v in zip(r, old[k]):
                t[i] = v
        inverse = [0] * len(order)
        for new, k in enumerate(order):
            inverse[k] = new
        for ref in self.refs:
            ref.rename(t, inverse)

    def sort(self, t: list) -> None:
        """The canonical order: records sorted (stably) by their values."""
        order = sorted(range(len(self.records)),
                       key=lambda k: tuple(t[i] for i in self.records[k]))
        if order != list(range(len(order))):
            self.permute(t, order)


@dataclass
class VarInfo:
    var: Var
    domain: Domain
    init: int | bool
    array: str  # the array it belongs to (its own name for a scalar)


class Spec:
    """A finite transition system: variables, an initial state, ground actions, invariants."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name, self.doc = name, doc
        self.vars: list[VarInfo] = []
        self.arrays: dict[str, VarArray | Var] = {}
        self.actions: list[Action] = []
        self.properties: list[Property] = []
        self.derived: dict[str, Expr] = {}
        self.meta: dict[str, Any] = {}
        self.symmetry: list[Symmetry] = []           # applied in order, then the pools
        self.pools: list[Pool] = []                  # pools of interchangeable slots
        self._canonical: list[Callable[[Update], None]] = []

    # -- variables ------------------------------------------------------------------------
    def var(self, name: str, domain: Domain, init: int | bool = 0,
            shape: Sequence[int] = ()) -> Any:
        """Declare a variable or an array of them (``shape`` gives the dimensions)."""
        if name in self.arrays:
            raise ValueError(f"variable {name} declared twice")

        def make(prefix: str, dims: Sequence[int]) -> Any:
            if not dims:
                v = Var(len(self.vars), prefix)
                self.vars.append(VarInfo(v, domain, init, name))
                return v
            return VarArray(prefix, [make(f"{prefix}[{i}]", dims[1:]) for i in range(dims[0])])

        out = make(name, tuple(shape))
        self.arrays[name] = out
        return out

    def start(self, var: Var, value: int | bool) -> None:
        """Start ``var`` at ``value`` instead of its declared initial value (a scenario that
        begins from a given state)."""
        self.vars[var.slot].init = value

    @property
    def init_state(self) -> tuple:
        return tuple(v.init for v in self.vars)

    # -- actions ---------------------------------------------------------------------------
    def action(self, name: str, actor: str = "", **params: Sequence[Any]) -> Callable:
        """Decorator: ground ``fn(u, **params)`` over every combination of parameter values.

        ``actor`` may name parameters in braces, e.g. ``"backend{b}"``.  A combination whose
        guard is constantly false is dropped.
        """
        def deco(fn: Callable[..., None]) -> Callable[..., None]:
            keys = list(params)
            shown = tuple(k for k in keys if len(list(params[k])) > 1)
            doc = " ".join((fn.__doc__ or "").split())
            for values in itertools.product(*(list(params[k]) for k in keys)):
                binding = dict(zip(keys, values))
                u = Update()
                fn(u, **binding)
                for canon in self._canonical:
                    canon(u)
                if any(isinstance(i, Require) and isinstance(i.cond, Const)
                       and i.cond.value is False for i in u.program):
                    continue
                self.actions.append(Action(name, binding, actor.format(**binding), u.program,
                                           u.nlocals, doc, shown, u.calls))
            return fn
        return deco

    def canonical(self, fn: Callable[[Update], None]) -> Callable[[Update], None]:
        """Updates appended to every action declared after this, to reset values nobody can
        observe any more (the cursor of a closed description): fewer states, same behaviours."""
        self._canonical.append(fn)
        return fn

    def symmetric(self, records: Sequence[Sequence[Any]], refs: Sequence[Ref] = (),
                  name: str = "") -> None:
        """Declare records (one per process, file or page) interchangeable, with the
        variables that name them (see ``Symmetry``).  Symmetries are reduced in the order they
        are declared: the inner ones (pages of a file) before the outer (files)."""
        def slots(items: Sequence[Any]) -> tuple[int, ...]:
            out: list[int] = []
            for x in items:
                out += [v.slot for v in (x.flat() if isinstance(x, VarArray) else [x])]
            return tuple(out)
        recs = [slots(r) for r in records]
        if len({len(r) for r in recs}) > 1:
            raise ValueError("symmetric records must have one length")
        if len(recs) > 1:
            self.symmetry.append(Symmetry(recs, list(refs), name))

    def reductions(self) -> list[str]:
        """What the symmetry reduction treats as interchangeable, for a reader."""
        names = [s.name or "records" for s in self.symmetry]
        return list(dict.fromkeys(names + (["description slots"] if self.pools else [])))

    def pool(self, records: Sequence[Sequence[Var]], holders: Sequence[tuple[Var, Var | None,
                                                                              int]],
             none: int) -> None:
        """Declare a pool of interchangeable slots (see ``Pool``)."""
        self.pools.append(Pool([tuple(v.slot for v in r) for r in records],
                               [(h.slot, w.slot if w is not None else None, val)
                                for h, w, val in holders], none))

    # -- properties and views --------------------------------------------------------------
    def invariant(self, name: str, doc: str, holds: ExprLike,
                  explain: Callable[[dict[str, Any]], str] | None = None) -> None:
        self.properties.append(Property(name, doc, lift(holds), explain))

    def derive(self, name: str, value: ExprLike) -> None:
        """A named expression shown beside the trace (it explains, it does not constrain)."""
        self.derived[name] = lift(value)

    def show(self, state: Sequence[int]) -> dict[str, Any]:
        """A state as nested JSON values keyed by array name (ITF's shape)."""
        out: dict[str, Any] = {}

        def build(x: Any) -> Any:
            if isinstance(x, VarArray):
                return [build(i) for i in x.items]
            return self.vars[x.slot].domain.show(state[x.slot], text=False)

        for name, arr in self.arrays.items():
            out[name] = build(arr)
        return out
