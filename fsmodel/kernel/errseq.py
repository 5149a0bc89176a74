"""errseq_t as expressions, transcribed from Linux lib/errseq.c.

A value packs (error, SEEN, counter) as in the kernel: the low bit is the error (EIO is the
only code modelled), the next bit is ERRSEQ_SEEN, the rest is the counter: ``err + 2*seen +
4*ctr``.  Zero means "never an error".  The kernel's counter wraps (errseq.c: "there is a risk
of collisions"); here it wraps modulo ``wrap`` (the ``--errseq-wrap`` bound), so two errors
alias only if one description misses ``wrap`` increments between two of its checks.
"""
from __future__ import annotations

from ..lang.expr import Expr, ExprLike, ite, lift

SEEN = 2
CTR_INC = 4


def is_seen(v: ExprLike) -> Expr:
    return (lift(v) // SEEN) % 2 == 1


def counter(v: ExprLike) -> Expr:
    return lift(v) // CTR_INC


def set_error(v: ExprLike, wrap: int) -> Expr:
    """errseq_set(): store the error, clear SEEN, bump the counter only if SEEN was set."""
    return ite(is_seen(v), ((counter(v) + 1) % wrap) * CTR_INC + 1, counter(v) * CTR_INC + 1)


def mark_seen(v: ExprLike) -> Expr:
    """The value with ERRSEQ_SEEN set (what check_and_advance and the 4.13 sample store)."""
    v = lift(v)
    return ite((v == 0) | is_seen(v), v, v + SEEN)


def sample_unseen_zero(v: ExprLike) -> Expr:
    """errseq_sample() since b4678df184b3: 0 if nobody has seen the error yet."""
    return ite(is_seen(v), v, 0)


def largest(wrap: int) -> int:
    """The largest errseq value with a counter below ``wrap``."""
    return (wrap - 1) * CTR_INC + SEEN + 1
