"""One fold over expression trees for every consumer: the compilers (Python, C, Promela), the
SMT encoder and the analyses.  A consumer gives the leaves and one function per operator;
``Fold`` refuses to be built unless it covers every operator of the language, so a new
operator cannot be forgotten by one of them."""
from __future__ import annotations

from typing import Callable, Generic, Mapping, TypeVar

from .expr import Const, Expr, Local, Op, Var

T = TypeVar("T")

# Every operator an expression tree can hold (lang.expr builds them).
ARITHMETIC = ("+", "-", "*", "//", "%")
COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
OPERATORS = frozenset(ARITHMETIC + COMPARISONS + ("neg", "and", "or", "not", "ite", "index"))

# An operator's function: the node (for what its children are, not only their values) and
# the children's results.
OpFn = Callable[..., T]


class Fold(Generic[T]):
    """Bottom-up translation or evaluation of an expression."""

    def __init__(self, ops: Mapping[str, OpFn]) -> None:
        missing, unknown = OPERATORS - set(ops), set(ops) - OPERATORS
        if missing or unknown:
            raise TypeError(f"{type(self).__name__}: operators missing {sorted(missing)}, "
                            f"unknown {sorted(unknown)}")
        self.ops = dict(ops)

    def const(self, e: Const) -> T:
        raise NotImplementedError

    def var(self, e: Var) -> T:
        raise NotImplementedError

    def local(self, e: Local) -> T:
        raise NotImplementedError

    def __call__(self, e: Expr) -> T:
        if isinstance(e, Const):
            return self.const(e)
        if isinstance(e, Var):
            return self.var(e)
        if isinstance(e, Local):
            return self.local(e)
        if isinstance(e, Op):
            return self.ops[e.op](e, *[self(x) for x in e.args])
        raise TypeError(f"not an expression: {e!r}")


def infix(symbols: Mapping[str, str]) -> dict[str, OpFn]:
    """``(a SYM b)`` for each operator of ``symbols``: what the C-like languages share."""
    return {op: (lambda e, a, b, s=sym: f"({a} {s} {b})") for op, sym in symbols.items()}
