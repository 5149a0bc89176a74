"""Crashes and recovery: a PANIC or a kill of PostgreSQL, power loss, crash recovery's sync
and WAL replay (xlog.c StartupXLOG, fd.c SyncDataDirectory), and a clean start from a
forged checkpoint (wal-thread #0)."""
from __future__ import annotations

from ...kernel.model import DIRTY
from ...lang.expr import ite
from ...lang.spec import Update
from ..crashes import declare_power_loss
from ..descriptors import OTHER, OWN
from .phases import END_CKPT, REPLAY, RUNNING, STOPPED


class Recovery:
    """The postmaster's, the disk's and the startup process's actions (part of ``PgModel``)."""

    def forget_pg_memory(self, u: Update) -> None:
        """PostgreSQL's shared memory is gone; recovery must run (xlog.c StartupXLOG)."""
        for f in range(self.F):
            for p in range(self.P):
                u[self.bdirty[f][p]] = False
            u[self.pending[f]] = False
        self.fds.forget(u, OWN)
        self.path.forget(u)
        self.end_checkpoint(u)
        u[self.panicking] = False
        u[self.recovery] = REPLAY

    def crash_pg(self, u: Update) -> None:
        """PANIC or kill: every PostgreSQL descriptor is closed by exit; kernel state stays."""
        self.fds.close(u, self.k, OWN, self.k.sync_fates[0])
        self.forget_pg_memory(u)

    def _crashes(self) -> None:
        """The ways PostgreSQL stops: a PANIC, a kill, power loss (a forged start's clean
        start first)."""
        spec, k, cfg = self.spec, self.k, self.cfg
        room = self.crashes < cfg.limit("crashes")
        if self.proto.forged_start:   # the scenario: does the started copy keep its promise?
            room = room & (self.recovery != STOPPED)
            self._startup()

        @spec.action("panic_exit", actor="postmaster")
        def _(u: Update) -> None:
            """After a backend's PANIC the postmaster kills every process (postmaster.c)."""
            u.require(self.panicking)
            self.crash_pg(u)

        if cfg.on("pg-crash"):
            @spec.action("pg_crash", actor="postmaster")
            def _(u: Update) -> None:
                """PostgreSQL is killed: its memory is lost, the kernel's is not
                (docs/model.md §2)."""
                u.require(room, self.recovery != REPLAY)
                u[self.crashes] = self.crashes + 1
                self.crash_pg(u)

        if cfg.on("os-crash"):
            def forget(u: Update) -> None:
                self.fds.forget(u, OTHER)
                self.forget_pg_memory(u)
            declare_power_loss(spec, k, room, self.crashes, "Power loss: the page cache and "
                               "all error state are lost (docs/model.md §2).", after=forget)

    def init_sync_method(self) -> str:
        """recovery_init_sync_method as it runs: the GUC's syncfs is Linux-only; fsync is the
        default."""
        method = self.proto.init_sync
        return "fsync" if method == "syncfs" and not self.k.pol.has_syncfs else method

    def _replay(self) -> None:
        """Crash recovery's one step: the sync before replay, then every page replayed; the
        end-of-recovery checkpoint follows."""
        k = self.k

        @self.spec.action("replay", actor="startup", rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, rule: str, fate: str) -> None:
            """Sync the data directory (fd.c SyncDataDirectory: open and fsync every file,
            errors only LOGged), then replay WAL from the last checkpoint's redo pointer.
            full_page_writes=on restores each changed page's image unconditionally; off, a
            record is skipped when the page read back already has it (BLK_DONE, wal-thread)."""
            u.require(self.recovery == REPLAY)
            method = self.init_sync_method()
            if method == "fsync":
                self.sync_data_directory(u, rule, fate)
            elif method == "syncfs":   # syncfs on the data directory's file system, LOG only
                desc = k.open(u, 0, rule)
                k.syncfs(u, 0, desc, fate)
                k.close(u, 0, desc, fate)
            for f, p in self.pages():
                self.replay_page(u, f, p, method)
            if self.errs_seen is not None:   # a new postmaster reads the error count afresh
                u[self.errs_seen] = k.fs_errors
            u[self.recovery] = END_CKPT

    def replay_page(self, u: Update, f: int, p: int, method: str) -> None:
        """Read page p of f back and replay its WAL; with full_page_writes=off, "wal" and
        "wal-paranoid" act on a record skipped by LSN (BLK_DONE)."""
        fpw = self.cfg.option("fpw")
        got = self.k.read_call(u, f, p)
        in_wal = self.ver[f][p] > self.ckpt[f][p]
        need = ite(in_wal, 0 if fpw else self.ckpt[f][p], self.ver[f][p])
        behind = u.let(got < need)
        u[self.lost] = self.lost | behind
        if self.read_old is not None:    # a page is a row, version v its v-th commit
            u[self.read_old] = self.read_old | (behind & (got > 0))
            u[self.read_missing] = self.read_missing | (behind & (got == 0))
        u[self.bdirty[f][p]] = in_wal & (fpw | (got < self.ver[f][p]))
        if fpw or method not in ("wal", "wal-paranoid"):
            return
        skipped = in_wal & (got >= self.ver[f][p])   # BLK_DONE
        if method == "wal":            # register an fsync for its file
            u[self.pending[f]] = self.pending[f] | skipped
        else:                          # paranoid: also write it out again
            u[self.bdirty[f][p]] = self.bdirty[f][p] | skipped

    def sync_data_directory(self, u: Update, rule: str, fate: str) -> None:
        """fd.c SyncDataDirectory: open and fsync every file; errors are only LOGged."""
        for f in range(self.F):
            desc = self.k.open(u, f, rule)
            self.k.fsync(u, f, desc, fate)
            self.k.close(u, f, desc, fate)

    def _startup(self) -> None:
        """The forged-start scenario's clean start."""
        k = self.k

        @self.spec.action("startup", actor="startup", rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, rule: str, fate: str) -> None:
            """A clean start trusts the shutdown checkpoint (wal-thread #0); the proposal
            syncs the data directory first, as crash recovery does."""
            u.require(self.recovery == STOPPED)
            if self.proto.start_sync:
                self.sync_data_directory(u, rule, fate)
            u[self.recovery] = RUNNING

    def forge(self, W: int) -> None:
        """R3/R4 (wal-thread #0): the cluster is stopped after a clean shutdown whose
        checkpoint claims every page at version 1, but the pages are only dirty in the page
        cache: it ran with fsync=off, or its files were just copied (cp, rsync)."""
        k, start = self.k, self.spec.start
        for f in range(self.F):
            start(k.inode[f], True)
            for p in range(self.P):
                for var in (self.ver[f][p], self.ckpt[f][p], self.redo[f][p], k.cache[f][p]):
                    start(var, min(1, W))
                start(k.page[f][p], DIRTY)
