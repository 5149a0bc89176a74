"""What happens to the kernel without a process asking: background write-back and journal
commits, eviction, device faults, power loss, and a third-party process (docs/model.md §2)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lang.expr import TRUE, Expr, VarArray
from ..lang.spec import Spec, Update
from .states import ABSENT, DIRTY, FAULT, INVALID, NO_FAULT, TRANSIENT

if TYPE_CHECKING:
    from .model import Kernel


class Environment:
    """Crashes, background work, faults and the third party (part of ``Kernel``)."""

    def crash(self: Kernel, u: Update) -> None:
        """OS crash or power loss: the cache, descriptions and error state are lost, the
        disk is what a power loss leaves (docs/model.md §2)."""
        for f in range(self.F):
            for p in range(self.P):
                u[self.page[f][p]] = ABSENT
                u[self.cache[f][p]] = 0
            u[self.inode[f]] = False
            u[self.err[f]] = 0
            for s in range(self.S):
                u[self.ref[f][s]] = 0
                u[self.cur[f][s]] = 0
                if self.sbcur is not None:
                    u[self.sbcur[f][s]] = 0
        if self.sb is not None:
            u[self.sb] = 0
        if self.fs_errors is not None:   # an in-memory count: gone at reboot
            u[self.fs_errors] = 0
        self.data.crash(u)
        if self.names:
            self.crash_names(u)

    def background(self: Kernel, spec: Spec, when: Expr = TRUE) -> None:
        """The kernel's own work, each step allowed while ``when`` holds: write-back (or
        data=journal's checkpoint), journal commits, and on ext4 a size committed ahead of
        its data."""
        self.data.background(spec, when)
        if self.names or self.jstate is not None:
            @spec.action("commit", actor="kernel")
            def _(u: Update) -> None:
                """The journal's timer commits (jbd2 every 5 s, the XFS log, a Btrfs
                transaction): every name and size, and data=journal's data."""
                u.require(when)
                self.commit(u)

        if self.names and self.fs.size_ahead:
            @spec.action("extend", actor="kernel", f=range(self.F), p=range(self.P))
            def _(u: Update, f: int, p: int) -> None:
                """ext4 allocates a dirty page past the end as an unwritten extent and
                commits the new size before the data is written (mpage_map_and_submit_extent,
                dioread_nolock): a power loss then reads zeros ('pl-rename-unsynced')."""
                u.require(when, self.page[f][p] == DIRTY, self.size_disk[f] <= p,
                          self.size[f] > p)
                u[self.size_disk[f]] = p + 1

    def declare_environment(self: Kernel, spec: Spec) -> None:
        self.background(spec)
        self._eviction(spec)
        self._faults(spec)

    def _eviction(self: Kernel, spec: Spec) -> None:
        if not self.cfg.on("eviction"):
            return
        F, P = range(self.F), range(self.P)

        @spec.action("evict_page", actor="kernel", f=F, p=P)
        def _(u: Update, f: int, p: int) -> None:
            """Memory pressure drops a clean page; a read then gets the disk (docs/model.md §2)."""
            u.require(self.evictable_page(f, p))
            self.evict_page(u, f, p)

        @spec.action("evict_inode", actor="kernel", f=F)
        def _(u: Update, f: int) -> None:
            """An unreferenced inode with no dirty page is evicted and its error forgotten
            (wiki; the PostgreSQL commit message quoted in #71)."""
            u.require(self.evictable_inode(f))
            self.evict_inode(u, f)

    def _faults(self: Kernel, spec: Spec) -> None:
        cfg, F = self.cfg, range(self.F)
        if self.fs.eats_errors and cfg.on("faults"):
            @spec.action("thin_lose", actor="disk", f=F, p=range(self.P))
            def _(u: Update, f: int, p: int) -> None:
                """Thin provisioning runs out of space: the dirty page's contents are lost
                and the error is eaten (#1, #14; T8)."""
                u.require(self.page[f][p] == DIRTY)
                u[self.page[f][p]] = INVALID
                u[self.cache[f][p]] = 0

        if not (cfg.on("faults") and cfg.bound("faults") > 0):
            return

        @spec.action("fault", actor="disk", f=F, kind=self.fault_kinds())
        def _(u: Update, f: int, kind: str) -> None:
            """The device starts failing writes to this file's sectors (docs/model.md §2)."""
            u.require(self.fault[f] == NO_FAULT, self.faults < cfg.limit("faults"))
            u[self.fault[f]] = FAULT.labels.index(kind)
            u[self.faults] = self.faults + 1

        @spec.action("heal", actor="disk", f=F)
        def _(u: Update, f: int) -> None:
            """A transient fault ends: later writes succeed (docs/model.md §2)."""
            u.require(self.fault[f] == TRANSIENT)
            u[self.fault[f]] = NO_FAULT

    def fault_kinds(self: Kernel) -> tuple[str, ...]:
        """The kinds of fault that can start.  Reduced, a persistent fault is not one of them:
        it behaves as a transient fault that never heals (no guard and no property tells them
        apart but ``heal``), so every run with one has a run of the same length, through the
        same states but for ``fault``, with the other."""
        kinds = FAULT.labels[1:]
        return tuple(k for k in kinds if k != "persistent") if self.cfg.reduce else kinds

    def declare_other_process(self: Kernel, spec: Spec, fds: VarArray) -> None:
        """A process outside the application that opens, fsyncs and closes its files (T4)."""
        F = range(self.F)

        @spec.action("other_open", actor="other", f=F, rule=self.sample_rules)
        def _(u: Update, f: int, rule: str) -> None:
            """Another process (a backup tool, sync(1)) opens the file."""
            u.require(fds[f] == self.NONE)
            if self.names:   # it opens files by name
                u.require(self.named(f))
            self.open_into(u, fds[f], f, rule)

        @spec.action("other_fsync", actor="other", f=F, fate=self.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """It calls fsync and so consumes the error for its description (#53)."""
            u.require(fds[f] != self.NONE)
            self.fsync(u, f, fds[f], fate)

        @spec.action("other_close", actor="other", f=F, fate=self.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """It closes the file."""
            u.require(fds[f] != self.NONE)
            self.close(u, f, fds[f], fate)
            u[fds[f]] = self.NONE
