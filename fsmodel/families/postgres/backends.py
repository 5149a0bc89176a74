"""PostgreSQL's backends: transactions commit changes, backends write dirty buffers out and
register their segments for fsync, and fd.c's descriptor cache closes their files."""
from __future__ import annotations

from ...lang.spec import Update


class Backends:
    """The transactions' and the backends' actions (part of ``PgModel``)."""

    def _backends(self) -> None:
        """commit, write_buffer and close_fd, each over every backend, file and page."""
        spec, k = self.spec, self.k
        F, P = range(self.F), range(self.P)

        @spec.action("commit", actor="transactions", f=F, p=P)
        def _(u: Update, f: int, p: int) -> None:
            """A transaction changes page p and commits: WAL flushed, buffer dirty (xlog.c)."""
            u.require(self.alive(), self.writes < self.cfg.limit("writes"),
                      ~self.path.flushing(f, p))
            u[self.ver[f][p]] = self.ver[f][p] + 1
            u[self.bdirty[f][p]] = True
            u[self.writes] = self.writes + 1

        @spec.action("write_buffer", actor="backend{b}", b=range(self.B), f=F, p=P,
                     rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, b: int, f: int, p: int, rule: str, fate: str) -> None:
            """A backend evicts a dirty buffer: write() it, then register the segment for
            fsync (md.c mdwrite -> register_dirty_segment)."""
            u.require(self.alive(), self.bdirty[f][p], ~self.path.flushing(f, p))
            self.path.may_write(u, b)
            self.open_backend(u, b, f, rule)
            k.write(u, f, p, self.ver[f][p])
            self.path.request(u, b, f, p, fate)

        @spec.action("close_fd", actor="backend{b}", b=range(self.B), f=F, fate=k.sync_fates)
        def _(u: Update, b: int, f: int, fate: str) -> None:
            """fd.c's descriptor cache closes a least recently used kernel fd (#31, #59)."""
            fd = self.bfd[b][f]
            u.require(fd != k.NONE, ~self.panicking)
            self.path.may_close(u, b, f)
            err = k.close(u, f, fd, fate)
            u[fd] = k.NONE
            if self.proto.check_close:   # #64, #70: close() failure of a data file is PANIC
                with u.when(err):
                    u[self.panicking] = True
