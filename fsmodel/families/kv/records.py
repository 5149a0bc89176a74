"""Reading an engine's files as its recovery does: a log of records, one per page, each a
value (its key is the client's record of it), read through the page cache.

A page that reads 0 (never written, or past what reached the disk) ends the log: every
engine here checks each record (a CRC, a checksum chain, a length and magic) and stops or
skips at the first that does not parse; ``stop_at_hole`` says which."""
from __future__ import annotations

from typing import Callable

from ...kernel.model import Kernel
from ...lang.expr import TRUE, Expr, ite, lift


def last_in_log(k: Kernel, f: int, key: int, key_of: Callable[[Expr], Expr],
                stop_at_hole: bool = True, start: Expr = lift(0)) -> Expr:
    """The value of the last valid record of ``key`` in file f from page ``start`` on
    (0: none), reading up to the file's size."""
    out: Expr = lift(0)
    alive: Expr = TRUE
    for p in range(k.P):
        rec = k.read(f, p)
        there = (k.size[f] > p) & (rec != 0)
        if stop_at_hole:
            alive = alive & ((start > p) | there)
            ok = alive & there
        else:
            ok = there
        out = ite(ok & (start <= p) & (key_of(rec) == key), rec, out)
    return out


def records(k: Kernel, f: int) -> Expr:
    """How many valid records file f holds from its first page (stops at a hole)."""
    out: Expr = lift(0)
    for p in reversed(range(k.P)):
        out = ite((k.size[f] > p) & (k.read(f, p) != 0), 1 + out, 0)
    return out
