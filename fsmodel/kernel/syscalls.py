"""The system calls a process makes on a file: open, dup, fsync and its relatives, direct
I/O, sync, syncfs, close (docs/model.md §2, §3).  What reaches the disk, and when, is the data
path's (datapath.py: in place, or through the journal of data=journal)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lang.expr import FALSE, Expr, Local, Or, Var, ite, lift
from ..lang.spec import Update
from . import errseq
from .lanes import ERRSEQ_LANE, PAGE_CACHE
from .policy import ERRSEQ, MARK_SEEN, UNTIL_CLOSE
from .states import GONE, RETURNS

if TYPE_CHECKING:
    from .model import Kernel


class Syscalls:
    """The calls of a process (part of ``Kernel``)."""

    def referenced(self: Kernel, f: int) -> Expr:
        return Or(self.ref[f][s] > 0 for s in range(self.S))

    def free_slot(self: Kernel, f: int) -> Expr:
        out: Expr = lift(self.NONE)
        for s in reversed(range(self.S)):
            out = ite(self.ref[f][s] == 0, s, out)
        return out

    def open(self: Kernel, u: Update, f: int, rule: str) -> Local:
        """open(): a new description whose cursor samples the mapping's errseq_t
        (docs/model.md §3)."""
        s = u.let(self.free_slot(f))
        u[self.inode[f]] = True
        u.store(self.ref[f], s, 1)
        if self.pol.record == ERRSEQ:
            if rule == MARK_SEEN:  # 4.13/4.15 errseq_sample marks the error SEEN (#1, #14)
                u[self.err[f]] = errseq.mark_seen(self.err[f])
                u.store(self.cur[f], s, self.err[f])
            else:                  # b4678df184b3: 0 if unseen, so someone still reports it
                u.store(self.cur[f], s, errseq.sample_unseen_zero(self.err[f]))
        if self.sb is not None:    # 735e4ae5ba28: f_sb_err = errseq_sample(&sb->s_wb_err)
            u.store(self.sbcur[f], s, errseq.sample_unseen_zero(self.sb))
        u.call("open", ERRSEQ_LANE, result=s, file=f, cursor=self.cur[f][s])
        return s

    def open_into(self: Kernel, u: Update, holder: Var, f: int, rule: str) -> None:
        """open() storing the new description in the process's descriptor variable."""
        u[holder] = self.open(u, f, rule)

    def dup(self: Kernel, u: Update, f: int, s: Expr) -> None:
        """dup() or SCM_RIGHTS: another reference to the same description, same cursor (#53)."""
        u.store(self.ref[f], s, self.ref[f][s] + 1)
        u.call("dup", ERRSEQ_LANE, file=f, desc=s)

    def fsync(self: Kernel, u: Update, f: int, s: Expr, fate: str, name: str = "fsync") -> Local:
        """fsync() / fdatasync() / msync(MS_SYNC) on description s: true if it reports EIO.
        With a namespace, one that returns 0 also makes the file's size durable, and on
        Linux every earlier change of a name (the journal commit it forces: the kernel runs
        of fsmodel conformance, 'pl-create-fsync', 'pl-rename-other'); one that reports an
        error returns before that commit (ext4_sync_file, xfs_file_fsync: the data's
        write-and-wait fails first)."""
        err = self.data.sync_file(u, f, s, fate)
        gone = self.fault_at(f, 0) == GONE     # ENODEV: every later fsync fails (#14)
        if self.data.reports_gone:
            u.call(name, ERRSEQ_LANE, result=ite(gone, 2, ite(err, 1, 0)), results=RETURNS,
                   file=f, desc=s)
            out = u.let(err | gone)
        else:
            u.call(name, ERRSEQ_LANE, result=err, results=RETURNS, file=f, desc=s)
            out = u.let(err)
        if self.names:
            with u.when(~out):
                self.sync_metadata(u, f)
        return out

    def sync_file_range(self: Kernel, u: Update, f: int, fate: str) -> None:
        """sync_file_range(SYNC_FILE_RANGE_WRITE): starts write-back, consumes nothing (#26)."""
        u.call("sync_file_range", PAGE_CACHE, result=0, results=RETURNS, file=f)
        self.data.start_writeback(u, f, fate)

    def sync_file_range_wait(self: Kernel, u: Update, f: int, s: Expr, fate: str) -> Local:
        """sync_file_range(WRITE | WAIT_BEFORE | WAIT_AFTER): writes and waits, and the wait
        (file_fdatawait_range) checks and advances the description's cursor like fsync
        (mm/filemap.c; the kernel runs of fsmodel conformance: "sfr" scenario)."""
        err = self.data.wait_writeback(u, f, s, fate)
        u.call("sync_file_range_wait", ERRSEQ_LANE, result=err, results=RETURNS, file=f,
               desc=s)
        return u.let(err)

    def write_direct(self: Kernel, u: Update, f: int, p: int, version: Expr) -> None:
        """write() with O_DIRECT (conformance "direct")."""
        self.data.write_direct(u, f, p, version)

    def read_direct(self: Kernel, u: Update, f: int, p: int) -> None:
        """read() with O_DIRECT."""
        self.data.read_direct(u, f, p)

    def sync_all(self: Kernel, u: Update, fate: str) -> None:
        """sync(2): write every dirty page; returns nothing, consumes no error."""
        u.call("sync", PAGE_CACHE)
        self.data.sync_all(u, fate)
        if self.names:
            self.commit_metadata(u)

    def remount(self: Kernel, u: Update, fate: str) -> None:
        """umount and mount: every dirty page written, every inode evicted with its error."""
        u.call("remount", PAGE_CACHE)
        for f in range(self.F):
            self.data.unmount(u, f, fate)
            self.evict_inode(u, f)
        if self.names:
            self.commit_metadata(u)

    def syncfs(self: Kernel, u: Update, s_file: int, s: Expr, fate: str) -> Expr:
        """syncfs(): write every file; errors only through the superblock errseq from 5.8."""
        self.data.sync_all(u, fate)
        err = FALSE                      # before 5.8 syncfs returns no file-level errors (#1)
        if self.sb is not None:
            err = self.check_and_advance(u, self.sb, self.sbcur[s_file], s)
        u.call("syncfs", ERRSEQ_LANE, result=err, results=RETURNS, file=s_file, desc=s)
        if self.names:
            self.commit_metadata(u)
        return err

    def close(self: Kernel, u: Update, f: int, s: Expr, fate: str) -> Expr:
        """close(): drop a reference; on NFS the close flushes and reports (#1, #23)."""
        err: Expr = FALSE
        if self.fs.close_flushes:        # nfs_file_flush: the flush reports as fsync would
            err = self.report(u, f, s, self.flush(u, f, fate))
        u.call("close", ERRSEQ_LANE, result=err, results=RETURNS, file=f, desc=s)
        u.store(self.ref[f], s, self.ref[f][s] - 1)
        with u.when(self.ref[f][s] == 0):  # the description is freed: its cursors go too
            u.store(self.cur[f], s, 0)
            if self.sbcur is not None:
                u.store(self.sbcur[f], s, 0)
        if self.pol.record == UNTIL_CLOSE:
            with u.when(~self.referenced(f)):
                u[self.err[f]] = 0
        if self.names:
            self.settle(u, f)
        return err

