"""Error records: how a failed write-back is remembered, and how a sync call reports and
consumes it, per policy (docs/model.md §3)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lang.expr import FALSE, Expr, Local
from ..lang.spec import Update
from . import errseq
from .policy import ERRSEQ, FLAG, SYNC_ONLY, UNTIL_CLOSE

if TYPE_CHECKING:
    from .model import Kernel


class ErrorRecords:
    """Recording, reporting and consuming write-back errors (part of ``Kernel``)."""

    def record_error(self: Kernel, u: Update, f: int) -> None:
        if self.fs_errors is not None:
            u[self.fs_errors] = (self.fs_errors + 1) % self.wrap
        if self.pol.record == ERRSEQ:    # mapping_set_error -> errseq_set (lib/errseq.c)
            u[self.err[f]] = errseq.set_error(self.err[f], self.wrap)
            if self.sb is not None:      # 5.8: also the superblock's s_wb_err
                u[self.sb] = errseq.set_error(self.sb, self.wrap)
        elif self.pol.record in (FLAG, UNTIL_CLOSE):
            u[self.err[f]] = 1
        else:
            assert self.pol.record == SYNC_ONLY

    def report(self: Kernel, u: Update, f: int, s: Expr, failed: Expr) -> Expr:
        """Whether a sync of description s reports an error, after a flush that ``failed``,
        and what the report consumes (the policy's error record)."""
        if self.pol.record == ERRSEQ:    # file_check_and_advance_wb_err (mm/filemap.c)
            return self.check_and_advance(u, self.err[f], self.cur[f], s)
        if self.pol.record == FLAG:      # filemap_check_errors: test_and_clear AS_EIO (wiki)
            err = u.let(self.err[f] == 1)
            u[self.err[f]] = 0
            return err
        if self.pol.record == UNTIL_CLOSE:   # OpenBSD: keeps failing until last close (wiki)
            return self.err[f] == 1
        return failed                    # BSD buffer cache: only this call's own failure

    def check_and_advance(self: Kernel, u: Update, value: Expr, cursors, s: Expr) -> Local:
        """errseq_check_and_advance(): report if the value moved past this cursor, mark SEEN."""
        moved = u.let(value != cursors[s])
        with u.when(moved):
            u[value] = errseq.mark_seen(value)
            u.store(cursors, s, value)
        return moved

    def unreported(self: Kernel, f: int) -> Expr:
        """The inode holds an error no fsync has reported yet."""
        if self.pol.record == ERRSEQ:
            return (self.err[f] != 0) & ~errseq.is_seen(self.err[f])
        if self.pol.record in (FLAG, UNTIL_CLOSE):
            return self.err[f] == 1
        return FALSE
