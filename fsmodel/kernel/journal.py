"""ext4 data=journal: written data goes through the journal before it is written in place.

Measured on Debian's 6.1 and 6.12 kernels (fsmodel conformance, scenarios 'once', 'content',
'failed-inplace', 'failed-inplace-twice', 'pl-failed-inplace-twice', 'pl-create-dirsync',
'pl-rename-unsynced', 'sfr', 'direct') and ATC20:
  * a journal commit (fsync of any file, a directory's fsync, sync, jbd2's timer) puts every
    file's written pages in the journal: after a power loss they are replayed;
  * jbd2 writes them in place later (its checkpoint); on 6.12 fsync, sync and
    sync_file_range also write the file's pages in place and wait, as with data=ordered;
  * a failed in-place write sets the error a later fsync reports; the page stays cached, and
    once evicted a read returns the old in-place copy; the journal keeps the data, so a power
    loss replays it, but a clean unmount empties the journal and the data is lost;
  * O_DIRECT falls back to buffered I/O (a write is committed at once).
The journal is neither aborted nor the file system made read-only by the failed write
('failed-inplace': rofs reads rw before and after the remount, on both series).
"""
from __future__ import annotations

from ..lang.expr import FALSE, Expr, Or
from ..lang.spec import Spec, Update
from .datapath import InPlace
from .lanes import DISK, PAGE_CACHE
from .states import CLEAN, DIRTY, FAILED, NO_FAULT, NOTHING, PENDING, RETURNS


class Journalled(InPlace):
    """The data path of ext4 data=journal (``in_place_at_sync``: 6.12's fsync, sync and
    sync_file_range write in place and wait).  The journal's state is per page: each of a
    file's pages is committed, written in place or fails on its own."""
    reports_gone = False

    @property
    def in_place_at_sync(self) -> bool:
        return self.k.fs.journal_in_place

    def pending(self, f: int) -> Expr:
        """A page of f waits in the journal for its in-place write."""
        return Or(self.k.jstate[f][p] == PENDING for p in range(self.k.P))

    # -- the journal -------------------------------------------------------------------------
    def commit(self, u: Update) -> None:
        """A jbd2 commit: every file's dirty pages go into the journal."""
        for f in range(self.k.F):
            self.commit_file(u, f)

    def commit_file(self, u: Update, f: int) -> None:
        """File f's dirty pages into the journal."""
        k = self.k
        for p in range(k.P):
            with u.when(k.page[f][p] == DIRTY):
                u[k.jver[f][p]] = k.cache[f][p]
                u[k.jstate[f][p]] = PENDING
                u[k.page[f][p]] = CLEAN

    def checkpoint(self, u: Update, f: int) -> None:
        """jbd2 writes f's committed pages in place; a page whose range fails keeps its
        journal copy (replayed by a power loss, dropped by a clean unmount), is never
        written in place again, and records the error ('failed-inplace-twice')."""
        k = self.k
        waiting = [k.jstate[f][p] == PENDING for p in range(k.P)]
        bad = u.let(Or(w & (k.fault_at(f, p) != NO_FAULT) for p, w in enumerate(waiting)))
        u.call("checkpoint", DISK, result=bad, results=("ok", "EIO"), source=PAGE_CACHE, file=f)
        for p, w in enumerate(waiting):
            ok = u.let(w & (k.fault_at(f, p) == NO_FAULT))
            with u.when(ok):
                u[k.disk[f][p]] = k.jver[f][p]
                self.forget_page(u, f, p)
            with u.when(w & ~ok):
                u[k.jstate[f][p]] = FAILED
        with u.when(bad):
            k.record_error(u, f)

    def forget_page(self, u: Update, f: int, p: int) -> None:
        u[self.k.jstate[f][p]] = NOTHING
        u[self.k.jver[f][p]] = 0

    def forget(self, u: Update, f: int) -> None:
        """Nothing of f left in the journal."""
        for p in range(self.k.P):
            self.forget_page(u, f, p)

    def checkpoint_pending(self, u: Update, f: int) -> None:
        with u.when(self.pending(f)):
            self.checkpoint(u, f)

    def finish(self, u: Update) -> None:
        """jbd2 writes every committed page in place, at a time of its choosing."""
        for f in range(self.k.F):
            self.checkpoint_pending(u, f)

    # -- what the calls do ------------------------------------------------------------------
    def sync_file(self, u: Update, f: int, s: Expr, fate: str) -> Expr:
        """fsync commits the journal and returns 0 for the data in it (ATC20); it reports an
        error an earlier in-place write recorded, and then returns before the commit
        (ext4_sync_file: file_write_and_wait_range fails first); on 6.12 it writes in place
        and reports its own failure ('once')."""
        k = self.k
        if self.in_place_at_sync:
            self.commit(u)
            self.checkpoint_pending(u, f)
            return u.let(k.report(u, f, s, FALSE))
        err = u.let(k.report(u, f, s, FALSE))
        with u.when(~err):
            self.commit(u)
        return err

    def start_writeback(self, u: Update, f: int, fate: str) -> None:
        """sync_file_range does nothing on 6.1; on 6.12 it writes in place as with
        data=ordered ('sfr'; 6.5 moved data=journal write-back to ext4_writepages)."""
        if self.in_place_at_sync:
            self.commit_file(u, f)
            self.checkpoint_pending(u, f)

    def wait_writeback(self, u: Update, f: int, s: Expr, fate: str) -> Expr:
        if not self.in_place_at_sync:
            return FALSE
        self.start_writeback(u, f, fate)
        return self.k.report(u, f, s, FALSE)

    def write_direct(self, u: Update, f: int, p: int, version: Expr) -> None:
        """No O_DIRECT: a buffered write, committed at once (ext4 commit "fake direct I/O
        mode for data=journal")."""
        u.call("write_direct", DISK, result=0, results=RETURNS, file=f, page=p,
               version=version)
        self.k.write(u, f, p, version)
        self.commit_file(u, f)

    def read_direct(self, u: Update, f: int, p: int) -> None:
        """No O_DIRECT: a buffered read ('partial', 'content' on 6.12: read_direct returns
        the cached version)."""
        u.call("read_direct", DISK, result=self.k.read(f, p), file=f, page=p)

    def sync_all(self, u: Update, fate: str) -> None:
        """sync commits the journal (6.12: and writes every file in place)."""
        self.commit(u)
        if self.in_place_at_sync:
            for f in range(self.k.F):
                self.checkpoint_pending(u, f)

    def unmount(self, u: Update, f: int, fate: str) -> None:
        """A clean unmount commits and writes everything in place, then empties the journal:
        what failed in place is lost ('failed-inplace-twice': v0 after the remount)."""
        self.commit_file(u, f)
        self.checkpoint_pending(u, f)
        for p in range(self.k.P):
            with u.when(self.k.jstate[f][p] == FAILED):
                self.forget_page(u, f, p)

    def crash(self, u: Update) -> None:
        """Mounting after a power loss replays the journal ('pl-failed-inplace-twice': v1)."""
        k = self.k
        for f in range(k.F):
            for p in range(k.P):
                with u.when(k.jstate[f][p] != NOTHING):
                    u[k.disk[f][p]] = k.jver[f][p]
                self.forget_page(u, f, p)

    def background(self, spec: Spec, when: Expr) -> None:
        """jbd2's checkpoint of one file, at a time of its choosing (the commit timer is the
        kernel's ``commit``, environment.py)."""
        k = self.k

        @spec.action("checkpoint", actor="kernel", f=range(k.F))
        def _(u: Update, f: int) -> None:
            """jbd2 writes journalled data in place (ext4 data=journal)."""
            u.require(when, self.pending(f))
            self.checkpoint(u, f)
