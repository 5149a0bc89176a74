"""How a backend's fsync request reaches the checkpointer: the request path, a strategy.

The model asks its path, never the ``fd_passing`` knob, about everything a path changes: its
variables and actions, its descriptor holders, its part of a file's and a backend's records
and the variables that name records (the symmetries), whether a buffer is being flushed, and
what happens when a backend writes or closes, when a descriptor is opened, when a checkpoint
starts, has written its buffers or has fsynced a file, and at a crash.  Every hook but the
few each path must define does nothing by default.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ....lang.expr import FALSE, Expr
from ....lang.spec import Ref, Update
from ...descriptors import Group

if TYPE_CHECKING:
    from ..model import PgModel


class RequestPath:
    """The shared part of every request path: the hooks, and the model they act on."""

    def __init__(self, m: PgModel) -> None:
        """A path acts on the model's state; it declares its own in ``declare``."""
        self.m = m

    # -- declarations, in the model's order ---------------------------------------------------
    def holders(self) -> list[Group]:
        """The path's descriptor holders (asked before any variable exists)."""
        return []

    def in_flight(self) -> int:
        """How many descriptions of one file the path itself can hold."""
        return sum(g.per_file for g in self.holders())

    def declare(self) -> None:
        """The path's variables, declared after PostgreSQL's own."""
        raise NotImplementedError

    def declare_send(self) -> None:
        """A backend's actions besides writing and closing (declared after those)."""

    def declare_absorb(self, can_run: Expr) -> None:
        """How the checkpointer takes the requests in (after buffer_sync)."""
        raise NotImplementedError

    def declare_cache(self, can_run: Expr) -> None:
        """The checkpointer's own descriptor management (after ckpt_finish)."""

    # -- records and symmetry -----------------------------------------------------------------
    def file_record(self, f: int) -> list[Any]:
        """The path's variables of file f (after PostgreSQL's in the file's record)."""
        return []

    def backend_record(self, b: int) -> list[Any]:
        """Backend b's variables besides its descriptors."""
        return []

    def page_refs(self, f: int) -> list[Ref]:
        """Variables that name a page of file f (renamed when its pages are permuted)."""
        return []

    def file_refs(self) -> list[Ref]:
        """Variables that name a file (renamed when files are permuted)."""
        return []

    # -- views and hooks ----------------------------------------------------------------------
    def flushing(self, f: int, p: int) -> Expr:
        """A backend is between write() and sending the request of this buffer."""
        return FALSE

    def may_write(self, u: Update, b: int) -> None:
        """Backend b's guard to write a buffer, besides the buffer's own."""

    def may_close(self, u: Update, b: int, f: int) -> None:
        """Backend b's guard to close its descriptor of f."""

    def backend_opened(self, u: Update, opening: Expr, b: int, f: int) -> None:
        """Backend b opened f (``opening``: it was closed) before writing."""

    def ckpt_opened(self, u: Update, opening: Expr, f: int) -> None:
        """The checkpointer opened f (``opening``: it was closed) to write or fsync it."""

    def request(self, u: Update, b: int, f: int, p: int, fate: str) -> None:
        """Backend b has written page p of f: register the segment for fsync."""
        raise NotImplementedError

    def at_ckpt_start(self, u: Update) -> None:
        """A checkpoint has counted itself and fixed its redo pointer."""

    def at_buffers_written(self, u: Update) -> None:
        """The checkpoint has written every dirty buffer and starts absorbing."""

    def synced(self, u: Update, f: int, fate: str) -> None:
        """The checkpointer's fsync of f returned 0 and the request is done."""

    def forget(self, u: Update) -> None:
        """PostgreSQL's memory is gone: no request is on its way (descriptors aside)."""
        raise NotImplementedError
