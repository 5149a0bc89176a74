"""The request path of PostgreSQL as committed: fd.c's descriptor cache and the shared fsync
request queue (md.c register_dirty_segment, sync.c, checkpointer.c).

A backend queues its segment in shared memory; the checkpointer absorbs the queue into its
pending table and opens the file itself when it fsyncs.  Each process's descriptor cache
closes least recently used files and reopens them on demand (#31, #59).
"""
from __future__ import annotations

from typing import Any

from ....lang.expr import Expr, Or, count
from ....lang.spec import Bool, Update
from ..choices import PANIC
from ..phases import ABSORB, SYNC
from .base import RequestPath


class SharedQueue(RequestPath):
    """``queued[f]``: a request for segment f waits in the queue to be absorbed."""

    def declare(self) -> None:
        """One flag per segment: the queue compacts duplicates."""
        self.queued = self.m.spec.var("queued", Bool(), False, (self.m.F,))

    def file_record(self, f: int) -> list[Any]:
        """A file's queued flag moves with the file."""
        return [self.queued[f]]

    def may_close(self, u: Update, b: int, f: int) -> None:
        """hold-fds (#70) keeps the file open while its request is queued or pending."""
        if self.m.proto.hold_fds:   # the proposal: not while the file awaits its fsync
            u.require(~self.queued[f], ~self.m.pending[f])

    def request(self, u: Update, b: int, f: int, p: int, fate: str) -> None:
        """The queue absorbs duplicates on compaction; full and not compactable: the backend
        fsyncs itself (#31, register_dirty_segment)."""
        m, k = self.m, self.m.k
        room = u.let(self.queued[f] | (count(self.queued) < m.Q))
        with u.when(room):
            u[self.queued[f]] = True
            u[m.bdirty[f][p]] = False
        with u.when(~room):
            err = k.fsync(u, f, m.bfd[b][f], fate)
            if m.proto.on_fsync_error == PANIC:
                with u.when(err):
                    u[m.panicking] = True
            with u.when(~err):  # ERROR keeps the buffer dirty (FlushBuffer aborted)
                u[m.bdirty[f][p]] = False

    def declare_absorb(self, can_run: Expr) -> None:
        """The checkpointer absorbs the whole queue in one step."""
        m, F = self.m, range(self.m.F)

        @m.spec.action("absorb", actor="checkpointer")
        def _(u: Update) -> None:
            """AbsorbSyncRequests: move queued requests into the pending table."""
            u.require(can_run, Or(self.queued[f] for f in F) | (m.phase == ABSORB))
            for f in F:
                u[m.pending[f]] = m.pending[f] | self.queued[f]
                u[self.queued[f]] = False
            with u.when(m.phase == ABSORB):
                u[m.phase] = SYNC

    def declare_cache(self, can_run: Expr) -> None:
        """The checkpointer's own fd.c cache may close a file it fsyncs later."""
        m, k = self.m, self.m.k

        @m.spec.action("ckpt_close_fd", actor="checkpointer", f=range(m.F), fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """The checkpointer's descriptor cache closes a file (fd.c)."""
            u.require(can_run, m.cfd[f] != k.NONE)
            if m.proto.hold_fds:
                u.require(~m.pending[f])
            err = k.close(u, f, m.cfd[f], fate)
            u[m.cfd[f]] = k.NONE
            if m.proto.check_close:
                with u.when(err):
                    m.crash_pg(u)

    def forget(self, u: Update) -> None:
        """The queue is in shared memory: a crash empties it."""
        for f in range(self.m.F):
            u[self.queued[f]] = False
