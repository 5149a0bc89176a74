"""Typed expression trees: the one representation of semantics every engine consumes.

Expressions are built with Python operators (like z3's): ``a + 1``, ``x == y``, ``p & q``,
``~p``, ``ite(c, a, b)``, ``arr[i]`` with ``i`` an expression.  Truth-testing an expression
raises, so an accidental ``if expr:`` in a spec fails loudly instead of silently choosing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence, Union

ExprLike = Union["Expr", int, bool]

class Expr:
    """A node of the tree. Subclasses: Const (and Bound), Var, Local, Op."""

    __slots__ = ()

    def __bool__(self) -> bool:
        raise TypeError("an fsmodel expression has no truth value; use ite(), when() or require()")

    # arithmetic
    def __add__(self, o: ExprLike) -> Expr: return Op("+", (self, lift(o)))
    def __radd__(self, o: ExprLike) -> Expr: return Op("+", (lift(o), self))
    def __sub__(self, o: ExprLike) -> Expr: return Op("-", (self, lift(o)))
    def __rsub__(self, o: ExprLike) -> Expr: return Op("-", (lift(o), self))
    def __mul__(self, o: ExprLike) -> Expr: return Op("*", (self, lift(o)))
    def __rmul__(self, o: ExprLike) -> Expr: return Op("*", (lift(o), self))
    def __floordiv__(self, o: ExprLike) -> Expr: return Op("//", (self, lift(o)))
    def __mod__(self, o: ExprLike) -> Expr: return Op("%", (self, lift(o)))
    def __neg__(self) -> Expr: return Op("neg", (self,))

    # comparisons
    def __eq__(self, o: ExprLike) -> Expr: return Op("==", (self, lift(o)))  # type: ignore[override]
    def __ne__(self, o: ExprLike) -> Expr: return Op("!=", (self, lift(o)))  # type: ignore[override]
    def __lt__(self, o: ExprLike) -> Expr: return Op("<", (self, lift(o)))
    def __le__(self, o: ExprLike) -> Expr: return Op("<=", (self, lift(o)))
    def __gt__(self, o: ExprLike) -> Expr: return Op(">", (self, lift(o)))
    def __ge__(self, o: ExprLike) -> Expr: return Op(">=", (self, lift(o)))

    # boolean connectives
    def __and__(self, o: ExprLike) -> Expr: return And(self, o)
    def __rand__(self, o: ExprLike) -> Expr: return And(o, self)
    def __or__(self, o: ExprLike) -> Expr: return Or(self, o)
    def __ror__(self, o: ExprLike) -> Expr: return Or(o, self)
    def __invert__(self) -> Expr: return Not(self)

    __hash__ = object.__hash__


@dataclass(frozen=True, eq=False)
class Const(Expr):
    value: int | bool


@dataclass(frozen=True, eq=False)
class Bound(Const):
    """A constant that is a bound of the configuration (``--writes``): every engine reads its
    value, except a proof for every value of the bound, which leaves it free."""
    name: str = ""


@dataclass(frozen=True, eq=False)
class Var(Expr):
    """A state variable: one slot of the state vector."""
    slot: int
    name: str


@dataclass(frozen=True, eq=False)
class Local(Expr):
    """A value bound inside an action by ``let`` (a snapshot, like a TLA+ LET)."""
    index: int


@dataclass(frozen=True, eq=False)
class Op(Expr):
    op: str
    args: tuple[Expr, ...]


def lift(x: ExprLike) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, (bool, int)):
        return Const(x)
    raise TypeError(f"cannot use {type(x).__name__} {x!r} in an fsmodel expression")


TRUE, FALSE = Const(True), Const(False)


def And(*xs: ExprLike) -> Expr:
    return _connective("and", xs, unit=True)


def Or(*xs: ExprLike) -> Expr:
    return _connective("or", xs, unit=False)


def _connective(op: str, xs: tuple, unit: bool) -> Expr:
    """Fold ``op`` over xs (nested lists flattened), simplifying constant operands."""
    items = [lift(x) for x in _flat(xs)]
    items = [x for x in items if not (isinstance(x, Const) and x.value is unit)]
    if any(isinstance(x, Const) and x.value is (not unit) for x in items):
        return FALSE if unit else TRUE
    return _fold(op, items, TRUE if unit else FALSE)


def Not(x: ExprLike) -> Expr:
    x = lift(x)
    if isinstance(x, Const):
        return Const(not x.value)
    return Op("not", (x,))


def ite(c: ExprLike, a: ExprLike, b: ExprLike) -> Expr:
    c = lift(c)
    if isinstance(c, Const):
        return lift(a) if c.value else lift(b)
    return Op("ite", (c, lift(a), lift(b)))


def Sum(xs: Iterable[ExprLike]) -> Expr:
    items = [lift(x) for x in xs]
    return _fold("+", items, Const(0))


def count(xs: Iterable[ExprLike]) -> Expr:
    """How many of the boolean expressions hold."""
    return Sum(ite(x, 1, 0) for x in xs)


def select(idx: ExprLike, elems: Sequence[ExprLike]) -> Expr:
    """``elems[idx]`` for a dynamic index over a finite set (out of range: the last element)."""
    idx = lift(idx)
    if isinstance(idx, Const):
        return lift(elems[idx.value])
    return Op("index", (idx, *(lift(e) for e in elems)))


def _fold(op: str, items: list[Expr], unit: Expr) -> Expr:
    if not items:
        return unit
    out = items[0]
    for x in items[1:]:
        out = Op(op, (out, x))
    return out


def _flat(xs: Iterable) -> Iterable:
    for x in xs:
        if isinstance(x, (list, tuple)) or (hasattr(x, "__iter__") and not isinstance(x, Expr)):
            yield from _flat(x)
        else:
            yield x


class VarArray:
    """A fixed-shape array of state variables; ``a[i]`` with ``i`` an int or an expression."""

    def __init__(self, name: str, items: list):
        self.name, self.items = name, items

    def __getitem__(self, i: ExprLike):
        if isinstance(i, (int, Const)) and not isinstance(i, bool):
            return self.items[i.value if isinstance(i, Const) else i]
        if not all(isinstance(x, Var) for x in self.items):
            raise TypeError(f"{self.name}: a dynamic index selects only along the last dimension")
        return select(i, self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def flat(self) -> list[Var]:
        return [v for x in self.items for v in (x.flat() if isinstance(x, VarArray) else [x])]
