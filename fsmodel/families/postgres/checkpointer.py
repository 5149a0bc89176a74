"""PostgreSQL's checkpointer: a checkpoint fixes its redo pointer, writes every dirty buffer,
absorbs the fsync requests, fsyncs every requested segment, then writes the checkpoint record
(xlog.c CreateCheckPoint, bufmgr.c CheckPointBuffers, sync.c)."""
from __future__ import annotations

from ...lang.expr import FALSE, Expr, Or
from ...lang.spec import Update
from .choices import FORGET, PANIC
from .phases import ABSORB, IDLE, REPLAY, RUNNING, STOPPED, SYNC, WRITE


class Checkpointer:
    """The checkpointer's actions and what its steps share (part of ``PgModel``)."""

    def _checkpointer(self) -> None:
        """A checkpoint's steps in order: start, write buffers, absorb, fsync, finish."""
        # The checkpointer runs on while a backend's PANIC is pending (#71: no interlock).
        can_run = self.recovery != REPLAY
        if self.proto.forged_start:
            can_run = can_run & (self.recovery != STOPPED)
        self._ckpt_start(can_run)
        self._buffer_sync(can_run)
        self.path.declare_absorb(can_run)
        self._ckpt_fsync(can_run)
        self._ckpt_finish(can_run)
        self.path.declare_cache(can_run)

    def _ckpt_start(self, can_run: Expr) -> None:
        """The backstop's syncfs descriptor is opened here, so the step takes a rule then."""
        opens = {"rule": self.k.sample_rules} if self.backstop else {}

        @self.spec.action("ckpt_start", actor="checkpointer", **opens)
        def _(u: Update, rule: str = "") -> None:
            """Count the checkpoint (ckpt_started) and fix the redo pointer (xlog.c
            CreateCheckPoint); keep-oldest: requests already in the socket were stamped with the
            previous ckpt_started (#57)."""
            u.require(can_run, self.phase == IDLE, self.nckpt < self.cfg.limit("checkpoints"))
            if self.sbfd is not None:   # the backstop's descriptor, opened once and kept
                self.open_as(u, self.sbfd, 0, rule)
            u[self.nckpt] = self.nckpt + 1
            for f, p in self.pages():
                u[self.redo[f][p]] = self.ver[f][p]
            self.path.at_ckpt_start(u)
            u[self.phase] = WRITE

    def _buffer_sync(self, can_run: Expr) -> None:
        """CheckPointBuffers (bufmgr.c)."""
        k, F, P = self.k, range(self.F), range(self.P)

        @self.spec.action("buffer_sync", actor="checkpointer", rule=k.sample_rules)
        def _(u: Update, rule: str) -> None:
            """CheckPointBuffers: write every dirty buffer and remember its segment for fsync;
            FlushBuffer first waits for a write another process has in progress (bufmgr.c)."""
            u.require(can_run, self.phase == WRITE,
                      ~Or(self.path.flushing(f, p) for f in F for p in P))
            for f in F:
                with u.when(Or(self.bdirty[f][p] for p in P)):
                    self.open_ckpt(u, f, rule)
                    u[self.pending[f]] = True
                for p in P:
                    with u.when(self.bdirty[f][p]):
                        k.write(u, f, p, self.ver[f][p])
                        u[self.bdirty[f][p]] = False
            self.path.at_buffers_written(u)
            u[self.phase] = ABSORB

    def _ckpt_fsync(self, can_run: Expr) -> None:
        """mdsyncfiletag, once per pending segment."""
        k = self.k

        @self.spec.action("ckpt_fsync", actor="checkpointer", f=range(self.F),
                          rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, f: int, rule: str, fate: str) -> None:
            """fsync one requested segment, opening it if needed (mdsyncfiletag)."""
            u.require(can_run, self.phase == SYNC, self.pending[f])
            self.open_ckpt(u, f, rule)
            err = k.fsync(u, f, self.cfd[f], fate)
            with u.when(~err):
                u[self.pending[f]] = False
                self.path.synced(u, f, fate)
            self.on_fsync_error(u, err, f)

    def _ckpt_finish(self, can_run: Expr) -> None:
        """The checkpoint record, after a patch's checks (a syncfs fate if the backstop runs)."""
        syncs = {"fate": self.k.sync_fates} if self.backstop else {}

        @self.spec.action("ckpt_finish", actor="checkpointer", **syncs)
        def _(u: Update, fate: str = "") -> None:
            """Write and flush the checkpoint record, update pg_control, recycle WAL before
            the redo pointer (CreateCheckPoint); a patch may check for errors first."""
            u.require(can_run, self.phase == SYNC, ~Or(self.pending[f] for f in range(self.F)))
            if self.sbfd is None and self.errs_seen is None:
                self.record(u)
                return
            failed = u.let(self.pre_record_errors(u, fate))
            with u.when(~failed):
                self.record(u)
            with u.when(failed):   # PANIC instead of a checkpoint
                self.crash_pg(u)

    def on_fsync_error(self, u: Update, err: Expr, f: int) -> None:
        """What the checkpointer does when fsync of segment f fails."""
        with u.when(err):
            if self.proto.on_fsync_error == PANIC:   # #64, #70: PANIC, recover from WAL
                self.crash_pg(u)
            else:
                if self.proto.on_fsync_error == FORGET:  # #1 fn. 3, #64: bitmap consumed
                    for g in range(self.F):
                        u[self.pending[g]] = False
                self.end_checkpoint(u)               # ERROR: checkpoint abandoned, retried

    def record(self, u: Update) -> None:
        """The checkpoint record: the redo pointer becomes the recovery start."""
        for f, p in self.pages():
            u[self.ckpt[f][p]] = self.redo[f][p]
        if self.errs_seen is not None:
            u[self.errs_seen] = self.k.fs_errors
        self.end_checkpoint(u)
        u[self.recovery] = RUNNING

    def end_checkpoint(self, u: Update) -> None:
        """Back to idle.  The redo pointer is read only by the checkpoint record, so once the
        checkpoint is over it is reset: states that differ only in a dead redo pointer are
        one state (the next ckpt_start sets it afresh)."""
        u[self.phase] = IDLE
        if self.cfg.reduce:
            for f, p in self.pages():
                u[self.redo[f][p]] = 0

    def pre_record_errors(self, u: Update, fate: str) -> Expr:
        """The patches' checks between the fsyncs and the checkpoint record: true if one
        found an error (then PANIC: the record is not written)."""
        err: Expr = FALSE
        if self.sbfd is not None:       # syncfs reports through the superblock (5.8+, #1)
            err = err | self.k.syncfs(u, 0, self.sbfd, fate)
        if self.errs_seen is not None:  # LSF/MM 2018 (#1): an error counter per fs
            err = err | (self.k.fs_errors != self.errs_seen)
        return err
