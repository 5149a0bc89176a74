"""The page cache: what a read returns, a write, write-back and the fate of a failed page,
and eviction (docs/model.md §2)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lang.expr import Expr, Local, Or, ite
from ..lang.spec import Update
from .lanes import DISK, PAGE_CACHE
from .policy import INVALIDATE, KEEP, REDIRTY
from .states import ABSENT, CLEAN, DIRTY, EOF, GONE, INVALID, NO_FAULT, PENDING, RETURNS

if TYPE_CHECKING:
    from .model import Kernel


class PageCache:
    """Reads, writes, write-back and eviction (part of ``Kernel``)."""

    # -- views -----------------------------------------------------------------------------
    def cached(self: Kernel, f: int, p: int) -> Expr:
        return (self.page[f][p] == CLEAN) | (self.page[f][p] == DIRTY)

    def read(self: Kernel, f: int, p: int) -> Expr:
        """The version a read() returns: the page cache if it holds the page, else what is in
        place on disk (with data=journal, not what the journal would replay: the kernel runs
        of fsmodel conformance, 'failed-inplace-twice')."""
        return ite(self.cached(f, p), self.cache[f][p], self.disk[f][p])

    def read_call(self: Kernel, u: Update, f: int, p: int) -> Expr:
        """read(): the version it returns (past the end of the file: EOF), as a call."""
        got = self.read(f, p)
        shown = ite(p < self.size[f], got, EOF) if self.names else got
        u.call("read", PAGE_CACHE, result=shown, file=f, page=p)
        return got

    def durable(self: Kernel, f: int, p: int) -> Expr:
        """The version that survives whatever the machine does next: what is in place on
        disk.  With data=journal, a power loss replays the journal, but a clean unmount
        writes it in place, and what fails there is lost ('failed-inplace-twice': version 0
        after the remount, 1 after a power loss): the journal's version survives both only
        while it waits to be written to a range that does not fail (journal.py)."""
        if self.jstate is None:
            return self.disk[f][p]
        safe = (self.jstate[f][p] == PENDING) & (self.fault_at(f, p) == NO_FAULT)
        return ite(safe, self.jver[f][p], self.disk[f][p])

    def fault_at(self: Kernel, f: int, p: int) -> Expr:
        """The device's state for page p of f."""
        return self.fault[f][p] if self.fault_pages else self.fault[f]

    def dirty(self: Kernel, f: int) -> Expr:
        return Or(self.page[f][p] == DIRTY for p in range(self.P))

    # -- writes and write-back -------------------------------------------------------------
    def write(self: Kernel, u: Update, f: int, p: int, version: Expr) -> None:
        """write(): the new content is in the page cache, dirty (docs/model.md §2); a write
        past the end of a file extends it."""
        u.call("write", PAGE_CACHE, result=0, results=RETURNS, file=f, page=p, version=version)
        u[self.page[f][p]] = DIRTY
        u[self.cache[f][p]] = version
        if self.names:
            with u.when(self.size[f] <= p):
                u[self.size[f]] = p + 1

    def flush(self: Kernel, u: Update, f: int, fate: str) -> Local:
        """Write every dirty page of f (each may fail); true if one failed."""
        failed = u.let(self.dirty(f) & (self.fault[f] != NO_FAULT) if not self.fault_pages else
                       Or((self.page[f][p] == DIRTY) & (self.fault[f][p] != NO_FAULT)
                          for p in range(self.P)))
        for p in range(self.P):
            with u.when(self.page[f][p] == DIRTY):
                self.writeback_page(u, f, p, fate)
        return failed

    def writeback_page(self: Kernel, u: Update, f: int, p: int, fate: str) -> None:
        """Write one dirty page: the disk gets it, or the failure follows the policy.  With a
        namespace, a page written past the size on disk extends it (the size is updated at
        the end of the write, ext4 and XFS i_disksize: taken as committed with it)."""
        ok = self.fault_at(f, p) == NO_FAULT
        u.call("write-back", DISK, result=~ok, results=("ok", "EIO"),
               source=PAGE_CACHE, file=f, page=p, version=self.cache[f][p])
        with u.when(ok):
            u[self.disk[f][p]] = self.cache[f][p]
            u[self.page[f][p]] = CLEAN
            if self.names:
                with u.when(self.size_disk[f] <= p):
                    u[self.size_disk[f]] = p + 1
        with u.when(~ok):
            if self.pol.gone_drops:      # FreeBSD 11.1+: dropped once the device is gone (wiki)
                gone = self.fault_at(f, p) == GONE
                with u.when(gone):
                    self._fail(u, f, p, INVALIDATE)
                with u.when(~gone):
                    self._fail(u, f, p, fate)
            else:
                self._fail(u, f, p, fate)

    def _fail(self: Kernel, u: Update, f: int, p: int, fate: str) -> None:
        if self.unfinished is not None:
            u[self.unfinished[f]] = True
        if fate == KEEP:                 # ext4: clean, content kept until evicted (#1, ATC20)
            u[self.page[f][p]] = CLEAN
        elif fate == INVALIDATE:         # NetBSD, XFS per #1, Btrfs: re-read gives the disk
            u[self.page[f][p]] = INVALID
            u[self.cache[f][p]] = 0
        else:
            assert fate == REDIRTY       # FreeBSD, strict POSIX: stays dirty, retried
        self.record_error(u, f)

    # -- eviction --------------------------------------------------------------------------
    def evictable_page(self: Kernel, f: int, p: int) -> Expr:
        """A clean or invalid page; with data=journal not while jbd2 still has to write it in
        place (its buffers are on the checkpoint list)."""
        out = (self.page[f][p] == CLEAN) | (self.page[f][p] == INVALID)
        return out if self.jstate is None else out & (self.jstate[f][p] != PENDING)

    def evict_page(self: Kernel, u: Update, f: int, p: int) -> None:
        u[self.page[f][p]] = ABSENT
        u[self.cache[f][p]] = 0

    def forget_equal_pages(self: Kernel, u: Update) -> None:
        """A reduction an application may declare (``Spec.canonical``): a page the kernel may
        evict (clean or invalid, not waiting in data=journal's journal) whose read returns
        what is on disk is evicted.  No call tells the two apart (a read gets the disk
        either way, a write dirties either, write-back and fsync skip both, a crash drops
        both), and the eviction itself is a step nothing observes, so every verdict and
        shortest length is kept; without it an application's files multiply the states by
        each page's cached-or-not.  A clean page holding content the disk lacks (a failed
        write kept, ext4) is not: its eviction changes reads."""
        for f in range(self.F):
            for p in range(self.P):
                same = u.let(self.evictable_page(f, p) & (self.read(f, p) == self.disk[f][p]))
                with u.when(same):
                    self.evict_page(u, f, p)

    def evictable_inode(self: Kernel, f: int) -> Expr:
        out = self.inode[f] & ~self.referenced(f) & ~self.dirty(f)
        if self.jstate is not None:
            out = out & ~self.data.pending(f)
        if self.unfinished is not None:   # its ordered extents hold the inode
            out = out & ~self.unfinished[f]
        if self.pol.keep_erroring_inodes:   # the LSF/MM 2018 proposal (#1)
            out = out & ~self.unreported(f)
        return out

    def evict_inode(self: Kernel, u: Update, f: int) -> None:
        """The inode and its pages are gone, and with them its error record."""
        u[self.inode[f]] = False
        u[self.err[f]] = 0
        for p in range(self.P):
            self.evict_page(u, f, p)

    def drop_caches(self: Kernel, u: Update) -> None:
        """echo 3 > drop_caches: every clean page and every unreferenced clean inode."""
        u.call("drop_caches", PAGE_CACHE)
        for f in range(self.F):
            for p in range(self.P):
                with u.when(self.evictable_page(f, p)):
                    self.evict_page(u, f, p)
            with u.when(self.evictable_inode(f)):
                self.evict_inode(u, f)
