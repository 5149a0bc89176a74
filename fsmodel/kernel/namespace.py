"""The file namespace: one directory of names pointing to inodes, files created, renamed,
unlinked, grown and truncated, and what of it a power loss keeps.

Measured on Debian's 6.1 and 6.12 kernels on ext4, ext4 data=journal, XFS and Btrfs
(fsmodel conformance, the 'namespace' scenario and the power-loss scenarios 'pl-*', each run
up to a power loss, the disk cut off, then mounted again):
  * the page cache shows every change at once ('namespace');
  * a name (created, renamed, unlinked) and a truncation are durable after a commit: the
    directory's fsync, sync, the journal's timer (jbd2, the XFS log, a Btrfs transaction), or
    on Linux the fsync of any file, which commits every earlier change ('pl-create-fsync',
    'pl-rename-other'; fsync(2) promises only the file: the policies' ``fsync_names``);
  * fsync makes the file's own size and data durable ('pl-append', 'pl-truncate');
  * a page written past the end is durable when it is written back, and the size covers it
    then (i_disksize is updated as the write ends); on ext4 (delayed allocation, unwritten
    extents) the size can be committed ahead of the data, so the page reads as zeros
    ('pl-rename-unsynced' on 6.12: size 1, version 0): the ``extend`` action;
  * an inode no name points to, in memory or on disk, and no description holds, is free: its
    pages and blocks are gone.
Simplifications, of granularity: one directory; a commit writes every change at once; a
truncation followed by growth before any commit is committed as the smaller size.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..lang.expr import TRUE, And, Expr, Or, ite, lift
from ..lang.spec import Update
from .lanes import PAGE_CACHE
from .states import ABSENT

if TYPE_CHECKING:
    from .model import Kernel

NAME_RESULTS = ("0", "ENOENT")


class Namespace:
    """Names, sizes and their durability (part of ``Kernel``; only with ``names``)."""

    # -- views -----------------------------------------------------------------------------
    def name(self: Kernel, name: str) -> int:
        """The index of a name of the directory."""
        return self.names.index(name)

    def lookup(self: Kernel, n: int) -> Expr:
        """The inode name n points to (F: none)."""
        return self.dentry[n]

    def on_name(self: Kernel, n: int, of: Callable[[int], Expr]) -> Expr:
        """``of(f)`` for the inode f name n points to (0: none)."""
        out: Expr = lift(0)
        for f in range(self.F):
            out = ite(self.dentry[n] == f, of(f), out)
        return out

    def named(self: Kernel, f: int) -> Expr:
        return Or(self.dentry[n] == f for n in range(len(self.names)))

    def named_on_disk(self: Kernel, f: int) -> Expr:
        return Or(self.dentry_disk[n] == f for n in range(len(self.names)))

    def free(self: Kernel, f: int) -> Expr:
        """No name points to inode f, in memory or on disk, and no description holds it."""
        return ~self.named(f) & ~self.named_on_disk(f) & ~self.referenced(f)

    def lowest_free(self: Kernel, f: int, besides: tuple[int, ...] = ()) -> Expr:
        """Inode f is the one a create takes: the lowest free one (``besides``: inodes the
        same action creates first)."""
        return self.free(f) & And(~self.free(g) for g in range(f) if g not in besides)

    # -- calls -----------------------------------------------------------------------------
    def may_open_name(self: Kernel, n: int, f: int, create: bool = True,
                      besides: tuple[int, ...] = ()) -> Expr:
        """Inode f is what open(name[, O_CREAT]) opens: the one the name points to or, if it
        points to none, the one a create takes (after the creates of ``besides``)."""
        absent = self.dentry[n] == self.F
        return (self.dentry[n] == f) | (absent & self.lowest_free(f, besides)) if create \
            else self.dentry[n] == f

    def open_name(self: Kernel, u: Update, holder, n: int, f: int, rule: str,
                  create: bool = True, guarded: bool = False) -> None:
        """open(name[, O_CREAT]) into ``holder``, for an action grounded on f
        (``may_open_name``; ``guarded``: the caller required it before any update, as an
        action opening two names must)."""
        absent = self.dentry[n] == self.F
        if not guarded:
            u.require(self.may_open_name(n, f, create))
        if create:
            with u.when(absent):
                u.call("create", PAGE_CACHE, result=0, results=NAME_RESULTS, entry=n, file=f)
                u[self.dentry[n]] = f
                u[self.inode[f]] = True
        self.open_into(u, holder, f, rule)

    def unlink(self: Kernel, u: Update, n: int) -> None:
        """unlink(name): gone from the directory; the inode lives while a description holds
        it (and its blocks while the name is on disk)."""
        u.call("unlink", PAGE_CACHE, result=self.dentry[n] == self.F, results=NAME_RESULTS,
               entry=n)
        u[self.dentry[n]] = self.F
        self.settle_all(u)

    def rename(self: Kernel, u: Update, a: int, b: int) -> None:
        """rename(a, b): b points to a's inode at once, atomically; b's old inode loses its
        name."""
        src = u.let(self.dentry[a])
        u.call("rename", PAGE_CACHE, result=src == self.F, results=NAME_RESULTS, entry=a, target=b)
        with u.when(src != self.F):
            u[self.dentry[b]] = src
            u[self.dentry[a]] = self.F
        self.settle_all(u)

    def append(self: Kernel, u: Update, f: int, version: Expr) -> None:
        """write() at the end of f: a new page (the caller guards size < pages)."""
        end = u.let(self.size[f])
        for p in range(self.P):
            with u.when(end == p):
                self.write(u, f, p, version)

    def truncate(self: Kernel, u: Update, f: int, pages: int) -> None:
        """ftruncate(f, pages): the pages past the new end are dropped, dirty or not."""
        u.call("ftruncate", PAGE_CACHE, result=0, file=f, size=pages)
        u[self.size[f]] = pages
        for p in range(pages, self.P):
            u[self.page[f][p]] = ABSENT
            u[self.cache[f][p]] = 0

    def fsync_dir(self: Kernel, u: Update) -> None:
        """fsync of the directory: a commit ('pl-create-dirsync', 'pl-rename-dirsync')."""
        u.call("fsync_dir", PAGE_CACHE, result=0, results=("0", "EIO"))
        self.commit(u)

    def size_of(self: Kernel, u: Update, n: int) -> None:
        """stat(name): its size in pages (ENOENT: -1), as a call."""
        f = self.dentry[n]
        size = -1
        for g in reversed(range(self.F)):
            size = ite(f == g, self.size[g], size)
        u.call("stat", PAGE_CACHE, result=size, entry=n)

    # -- durability ------------------------------------------------------------------------
    def commit(self: Kernel, u: Update) -> None:
        """A journal commit: the data of data=journal, then every name and size."""
        self.data.commit(u)
        if self.names:
            self.commit_metadata(u)

    def commit_metadata(self: Kernel, u: Update) -> None:
        """Every name as it is now, and every truncation, durable (data=journal: every size,
        the data being in the same commit)."""
        for n in range(len(self.names)):
            u[self.dentry_disk[n]] = self.dentry[n]
        for f in range(self.F):
            # data=journal: the data is in this commit too
            settled = TRUE if self.fs.journal_data else self.size[f] < self.size_disk[f]
            with u.when(settled):
                u[self.size_disk[f]] = self.size[f]
            self.trim(u, f)
        self.settle_all(u)

    def sync_metadata(self: Kernel, u: Update, f: int) -> None:
        """fsync's metadata: the file's size; on Linux every change before it too."""
        if self.pol.fsync_names:
            self.commit_metadata(u)
        u[self.size_disk[f]] = self.size[f]
        self.trim(u, f)

    def trim(self: Kernel, u: Update, f: int) -> None:
        """Blocks past the end on disk are free (nothing can read them); under data=journal
        the commit that frees them revokes their journalled copies (jbd2_journal_revoke,
        called from ext4_free_blocks), so no replay brings them back."""
        for p in range(self.P):
            with u.when(self.size_disk[f] <= p):
                u[self.disk[f][p]] = 0
                if self.jstate is not None:
                    self.data.forget_page(u, f, p)

    def settle_all(self: Kernel, u: Update) -> None:
        for f in range(self.F):
            self.settle(u, f)

    def settle(self: Kernel, u: Update, f: int) -> None:
        """An inode no name in memory points to and no description holds leaves memory with
        its pages (dirty ones unwritten); with no name on disk either, its blocks are free."""
        with u.when(self.inode[f] & ~self.named(f) & ~self.referenced(f)):
            self.evict_inode(u, f)
            u[self.size[f]] = 0
        with u.when(self.free(f)):
            u[self.size[f]] = 0      # a create reuses it empty (after a power loss too)
            u[self.size_disk[f]] = 0
            for p in range(self.P):
                u[self.disk[f][p]] = 0
            if self.jstate is not None:
                self.data.forget(u, f)

    def crash_names(self: Kernel, u: Update) -> None:
        """After a power loss the directory and the sizes are what is on disk."""
        for n in range(len(self.names)):
            u[self.dentry[n]] = self.dentry_disk[n]
        for f in range(self.F):
            u[self.size[f]] = self.size_disk[f]
        self.settle_all(u)
