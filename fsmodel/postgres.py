"""PostgreSQL's write, fsync-request, checkpoint and recovery protocol (docs/model.md §5).

One model; the shipped specs in ``specs/`` are its variants and state only what differs
(what an fsync failure does, how descriptors reach the checkpointer, whether close() is
checked).  Processes: backends (writing buffers, with the descriptor cache closing and
reopening files), the checkpointer, a third-party process, and the crash and recovery steps.

Abstraction: a page's content is the number of committed changes it holds (its version).
``ver[f][p]`` is the latest committed version (WAL is flushed at commit, before any data
write: log before data, xlog.c).  A completed checkpoint records the versions at its redo
pointer in ``ckpt``; WAL before it is recycled, so only changes after ``ckpt`` can be replayed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .config import BadConfig, Config, check_bounds, check_options
from .kernel.policy import UnknownChoice, check_kernel_patch, policy_names
from .kernel.model import DIRTY, Kernel
from .lang.expr import FALSE, And, Expr, Or, count, ite
from .lang.spec import Bool, Enum, Int, Ref, Slot, Spec, Update

FORGET, RETRY, PANIC = "forget", "retry", "panic"
FIRST, OLDEST = "first", "oldest"
# recovery_init_sync_method (wal-thread): what crash recovery syncs before replay.
INIT_SYNC = ("fsync", "syncfs", "wal", "wal-paranoid", "none")
IDLE, WRITE, ABSORB, SYNC = range(4)
RUNNING, REPLAY, END_CKPT, STOPPED = range(4)
# The lane of a trace diagram each process's own variables are drawn in ({0}: first index).
LANES = {"backend_fd": "backend{0}", "sending": "backend{0}", "backend_seq": "backend{0}",
         "ckpt_fd": "checkpointer", "pending": "checkpointer", "ckpt_phase": "checkpointer",
         "redo": "checkpointer", "ckpt": "checkpointer", "checkpoints": "checkpointer",
         "ckpt_seq": "checkpointer", "other_fd": "other", "recovery": "startup",
         "lost": "startup"}
LANE_DOCS = {
    "transactions": "each changes a page and commits (WAL flushed, the shared "
                    "buffer dirty); which backend runs it does not matter",
    "backend{0}": "a backend process writing dirty buffers out through its own descriptors "
                  "and asking the checkpointer to fsync them (backends are interchangeable: "
                  "symmetry)",
    "checkpointer": "absorbs fsync requests, writes buffers at a checkpoint, "
                    "fsyncs every requested file, then writes the checkpoint record",
    "postmaster": "a PANIC or a crash of PostgreSQL, restarting it (the kernel "
                  "and its page cache survive)",
    "startup": "crash recovery, replaying WAL from the last checkpoint's "
               "redo pointer",
}


@dataclass(frozen=True)
class Protocol:
    """A variant of the protocol: what the shipped spec files declare."""
    id: str
    summary: str
    sources: tuple[str, ...]
    on_fsync_error: str                      # FORGET, RETRY or PANIC
    fd_passing: str | None = None            # None (fd.c's cache), FIRST or OLDEST
    check_close: bool = False                # close() failure of a data file is PANIC
    init_sync: str = "fsync"                 # recovery_init_sync_method, one of INIT_SYNC
    hold_fds: bool = False                   # no descriptor closed between write and fsync
    syncfs_backstop: bool = False            # syncfs before the checkpoint record (5.8+)
    error_hook: bool = False                 # fs error counter checked before the record
    forged_start: bool = False               # R3/R4: starts from a checkpoint not on disk
    start_sync: bool = False                 # sync the data directory at a clean start too
    bounds: dict[str, int] = field(default_factory=dict)
    # A patch: the spec it changes, the kernel-side change (policy fields, on any policy),
    # default options (fs, fpw), and the verdicts its authors claimed ({"holds": policies}).
    baseline: str = ""
    kernel: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Every field among its choices, checked when a spec file is loaded (BadConfig
        naming the field)."""
        def need(ok: bool, field: str, choices: str) -> None:
            if not ok:
                raise BadConfig(f"{self.id}: {field} = {getattr(self, field)!r}: takes "
                                f"{choices}")
        need(isinstance(self.id, str) and bool(self.id), "id", "a non-empty string")
        need(self.on_fsync_error in (FORGET, RETRY, PANIC), "on_fsync_error",
             f"{FORGET}, {RETRY} or {PANIC}")
        need(self.fd_passing in (None, FIRST, OLDEST), "fd_passing",
             f"None, {FIRST} or {OLDEST}")
        need(self.init_sync in INIT_SYNC, "init_sync", ", ".join(INIT_SYNC))
        for flag in ("check_close", "hold_fds", "syncfs_backstop", "error_hook",
                     "forged_start", "start_sync"):
            need(type(getattr(self, flag)) is bool, flag, "True or False")
        need(isinstance(self.bounds, dict), "bounds", "a dict of bounds")
        check_bounds(self.bounds, f"{self.id}: bound")
        need(isinstance(self.kernel, dict), "kernel", "a dict of policy fields")
        try:
            check_kernel_patch(self.kernel)
        except UnknownChoice as e:
            raise BadConfig(f"{self.id}: {e}") from None
        check_options(self.id, self.options)
        need(isinstance(self.expect, dict) and set(self.expect) <= {"holds", "violated"}
             and all(isinstance(v, tuple) and set(v) <= set(policy_names())
                     for v in self.expect.values()), "expect",
             "{'holds' or 'violated': a tuple of policy ids}")

    def build(self, cfg: Config) -> Spec:
        return PgModel(self, cfg.patched(self.kernel)).spec

    def variant(self, **changes: Any) -> "Protocol":
        """This protocol with only what a variant changes (a new id, a knob, bounds)."""
        return replace(self, **changes)


class PgModel:
    def __init__(self, proto: Protocol, cfg: Config) -> None:
        self.proto, self.cfg = proto, cfg
        spec = self.spec = Spec(proto.id, proto.summary)
        b = cfg.bound
        F, P, B, Q, W = b("files"), b("pages"), b("backends"), b("queue"), b("writes")
        self.F, self.P, self.B, self.Q = F, P, B, Q
        passing = proto.fd_passing is not None
        # Descriptions of one file that can be open at once: one per backend, the
        # checkpointer's, the third party's, and those in flight in the socket.
        self.backstop = proto.syncfs_backstop and cfg.kernel_policy.has_syncfs
        slots = B + 2 + (Q if passing else 0) + self.backstop
        holders = B + 2 + Q + self.backstop
        # A forged start begins at version 1, so commits reach one more (found by the native
        # engine's domain check: version 2 in Int(0, 1) with --writes 1).
        V = W + int(proto.forged_start)
        k = self.k = Kernel(spec, cfg, slots, holders, versions=V)
        NONE = k.NONE
        fd = Slot(NONE)

        # PostgreSQL's shared memory and processes.
        self.ver = spec.var("ver", Int(0, V, grows=True), 0, (F, P))
        self.bdirty = spec.var("buf_dirty", Bool(), False, (F, P))
        self.writes = spec.var("writes", Int(0, W, grows=True), 0)
        self.bfd = spec.var("backend_fd", fd, NONE, (B, F))
        self.cfd = spec.var("ckpt_fd", fd, NONE, (F,))
        self.pending = spec.var("pending", Bool(), False, (F,))
        self.phase = spec.var("ckpt_phase", Enum("idle", "write", "absorb", "sync"), IDLE)
        self.redo = spec.var("redo", Int(0, V, grows=True), 0, (F, P))
        self.ckpt = spec.var("ckpt", Int(0, V, grows=True), 0, (F, P))
        self.nckpt = spec.var("checkpoints", Int(0, b("checkpoints"), grows=True), 0)
        phases = ("running", "replay", "end-ckpt") + (("stopped",) if proto.forged_start else ())
        self.recovery = spec.var("recovery", Enum(*phases),
                                 STOPPED if proto.forged_start else RUNNING)
        self.crashes = spec.var("crashes", Int(0, b("crashes"), grows=True), 0)
        self.panicking = spec.var("panicking", Bool(), False)
        self.lost = spec.var("lost", Bool(), False)
        if passing:
            self.sending = spec.var("sending", Int(0, F * P), 0, (B,))
            self.sock_f = spec.var("sock_file", Int(0, F - 1), 0, (Q,))
            self.sock_s = spec.var("sock_desc", fd, NONE, (Q,))
            self.sock_ahead = spec.var("sock_ahead", Bool(), False, (Q,))   # see mark_socket
            self.sock_n = spec.var("sock_len", Int(0, Q), 0)
            if proto.fd_passing == OLDEST:
                cap = W + b("checkpoints") * F + 1
                self.open_seq = spec.var("open_seq", Int(0, cap, grows=True), 0)
                self.bseq = spec.var("backend_seq", Int(0, cap, grows=True), 0, (B, F))
                self.sock_q = spec.var("sock_seq", Int(0, cap, grows=True), 0, (Q,))
                self.cseq = spec.var("ckpt_seq", Int(0, cap, grows=True), 0, (F,))
        else:
            self.queued = spec.var("queued", Bool(), False, (F,))
        self.tfd = spec.var("other_fd", fd, NONE, (F,)) if cfg.on("third-party") else None
        # syncfs backstop: a description of file 0 the checkpointer keeps for syncfs
        self.sbfd = spec.var("ckpt_syncfs_fd", fd, NONE) if self.backstop else None
        # error hook: the file-system error count the last completed checkpoint saw
        self.errs_seen = (spec.var("ckpt_fs_errors", Int(0, k.wrap - 1), 0)
                          if proto.error_hook else None)
        if proto.forged_start:
            self.forge(W)

        self._backends()
        if passing:
            self._send()
        self._checkpointer()
        self._crashes()
        if self.tfd is not None:
            k.declare_other_process(spec, self.tfd)
        k.declare_environment(spec)
        self._properties()
        spec.meta["lanes"].update(LANES)
        spec.meta["lane_docs"].update(LANE_DOCS)
        self.declare_symmetry()
        k.declare_pools(spec, [self.descriptor_holders(f) for f in range(F)])
        spec.meta.update(protocol=proto.id, sources=list(proto.sources))

    def declare_symmetry(self) -> None:
        """Pages of a file are interchangeable, and so are files (where no variant singles
        out file 0), backends and description slots: the reductions of each engine."""
        spec, k, F, P = self.spec, self.k, self.F, self.P
        sending = [self.sending[b] for b in range(self.B)] if self.proto.fd_passing else []
        for f in range(F):      # sending[b] = 1 + f * P + p names page p of file f
            spec.symmetric([k.page_record(f, p) + [a[f][p] for a in self.page_arrays()]
                            for p in range(P)], [Ref(v.slot, 1 + f * P) for v in sending])
        if self.files_symmetric():
            refs = [Ref(v.slot, 1, P) for v in sending]
            if self.proto.fd_passing:   # sock_file[i] names a file while i < sock_len
                refs += [Ref(self.sock_f[i].slot, 0, 1, (self.sock_n.slot, i))
                         for i in range(self.Q)]
            spec.symmetric([self.file_record(f) for f in range(F)], refs)
        spec.symmetric([[self.bfd[b]] + self.backend_extras(b) for b in range(self.B)])

    def page_arrays(self) -> list[Any]:
        """PostgreSQL's per-page arrays."""
        return [self.ver, self.bdirty, self.redo, self.ckpt]

    def files_symmetric(self) -> bool:
        """The syncfs backstop keeps a description of file 0, and recovery's syncfs opens
        file 0: there file 0 is not like the others."""
        syncfs_start = self.proto.init_sync == "syncfs" and self.k.pol.has_syncfs
        return not (self.backstop or syncfs_start)

    def file_record(self, f: int) -> list[Any]:
        """Every variable of file f: the kernel's, then PostgreSQL's."""
        out = self.k.file_record(f)
        for arr in self.page_arrays():
            out += arr[f].flat()
        out += [self.bfd[b][f] for b in range(self.B)] + [self.cfd[f], self.pending[f]]
        if not self.proto.fd_passing:
            out.append(self.queued[f])
        if self.proto.fd_passing == OLDEST:
            out += [self.cseq[f]] + [self.bseq[b][f] for b in range(self.B)]
        if self.tfd is not None:
            out.append(self.tfd[f])
        return out

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

    # -- helpers ---------------------------------------------------------------------------
    def alive(self) -> Expr:
        return (self.recovery == RUNNING) & ~self.panicking

    def pg_descriptor_holders(self, f: int) -> list[tuple[Any, Any, int]]:
        """PostgreSQL's variables that can name a description of file f, each with the
        condition (variable, value) under which it refers to file f, if any."""
        out = [(self.bfd[b][f], None, 0) for b in range(self.B)] + [(self.cfd[f], None, 0)]
        if self.sbfd is not None and f == 0:
            out.append((self.sbfd, None, 0))
        if self.proto.fd_passing:
            out += [(self.sock_s[i], self.sock_f[i], f) for i in range(self.Q)]
        return out

    def descriptor_holders(self, f: int) -> list[tuple[Any, Any, int]]:
        """Every variable that can name a description of file f."""
        other = [(self.tfd[f], None, 0)] if self.tfd is not None else []
        return self.pg_descriptor_holders(f) + other

    def backend_extras(self, b: int) -> list[Any]:
        """A backend's variables besides its descriptors."""
        out: list[Any] = []
        if self.proto.fd_passing:
            out.append(self.sending[b])
        if self.proto.fd_passing == OLDEST:
            out.append(self.bseq[b])
        return out

    def flushing(self, f: int, p: int) -> Expr:
        """A backend is between write() and sendmsg() of this buffer.  FlushBuffer holds the
        buffer's content lock and BM_IO_IN_PROGRESS across smgrwrite, so nobody changes or
        flushes the buffer meanwhile (bufmgr.c)."""
        if not self.proto.fd_passing:
            return FALSE
        return Or(self.sending[b] == 1 + f * self.P + p for b in range(self.B))

    def open_as(self, u: Update, holder, f: int, rule: str, seq=None) -> None:
        """Open f into ``holder`` unless it is open (fd.c reopens closed vfds on demand)."""
        with u.when(holder == self.k.NONE) as opening:
            self.k.open_into(u, holder, f, rule)
        if seq is not None:      # #61 0014: open_seq taken at every open, before the write
            with u.when(opening):
                u[seq] = self.open_seq
                u[self.open_seq] = self.open_seq + 1

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

    # -- backends --------------------------------------------------------------------------
    def _backends(self) -> None:
        spec, k, proto = self.spec, self.k, self.proto
        F, P = range(self.F), range(self.P)

        @spec.action("commit", actor="transactions", f=F, p=P)
        def _(u: Update, f: int, p: int) -> None:
            """A transaction changes page p and commits: WAL flushed, buffer dirty (xlog.c)."""
            u.require(self.alive(), self.writes < self.cfg.limit("writes"), ~self.flushing(f, p))
            u[self.ver[f][p]] = self.ver[f][p] + 1
            u[self.bdirty[f][p]] = True
            u[self.writes] = self.writes + 1

        @spec.action("write_buffer", actor="backend{b}", b=range(self.B), f=F, p=P,
                     rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, b: int, f: int, p: int, rule: str, fate: str) -> None:
            """A backend evicts a dirty buffer: write() it, then register the segment for
            fsync (md.c mdwrite -> register_dirty_segment)."""
            fd = self.bfd[b][f]
            u.require(self.alive(), self.bdirty[f][p], ~self.flushing(f, p))
            if proto.fd_passing:
                u.require(self.sending[b] == 0)
            seq = self.bseq[b][f] if proto.fd_passing == OLDEST else None
            self.open_as(u, fd, f, rule, seq)
            k.write(u, f, p, self.ver[f][p])
            if proto.fd_passing:   # the request goes out in a later step (#53: sendmsg)
                u[self.sending[b]] = 1 + f * self.P + p
                return
            # The queue absorbs duplicates on compaction; full and not compactable: the
            # backend fsyncs itself (#31, register_dirty_segment).
            room = u.let(self.queued[f] | (count(self.queued) < self.Q))
            with u.when(room):
                u[self.queued[f]] = True
                u[self.bdirty[f][p]] = False
            with u.when(~room):
                err = k.fsync(u, f, fd, fate)
                if proto.on_fsync_error == PANIC:
                    with u.when(err):
                        u[self.panicking] = True
                with u.when(~err):  # ERROR keeps the buffer dirty (FlushBuffer aborted)
                    u[self.bdirty[f][p]] = False

        @spec.action("close_fd", actor="backend{b}", b=range(self.B), f=F, fate=k.sync_fates)
        def _(u: Update, b: int, f: int, fate: str) -> None:
            """fd.c's descriptor cache closes a least recently used kernel fd (#31, #59)."""
            fd = self.bfd[b][f]
            u.require(fd != k.NONE, ~self.panicking)
            if proto.fd_passing:   # the send follows the write in the same code path
                u.require(self.sending[b] == 0)
            if proto.hold_fds:     # the proposal: not while the file awaits its fsync
                u.require(~self.queued[f], ~self.pending[f])
            err = k.close(u, f, fd, fate)
            u[fd] = k.NONE
            if proto.check_close:   # #64, #70: close() failure of a data file is PANIC
                with u.when(err):
                    u[self.panicking] = True

    def _send(self) -> None:
        spec = self.spec

        @spec.action("send_fd", actor="backend{b}", b=range(self.B), f=range(self.F),
                     p=range(self.P))
        def _(u: Update, b: int, f: int, p: int) -> None:
            """sendmsg(SCM_RIGHTS) the descriptor with the request, then clear the buffer's
            dirty bit (requests go out before the bit is cleared); a full socket blocks the
            sender (#53, #57, #63)."""
            u.require(self.sending[b] == 1 + f * self.P + p, self.sock_n < self.Q,
                      ~self.panicking)
            self.send_fd(u, b, f)
            u[self.bdirty[f][p]] = False
            u[self.sending[b]] = 0

    def send_fd(self, u: Update, b: int, f: int) -> None:
        """The description travels to the checkpointer, one more reference in flight."""
        n = self.sock_n
        desc = self.bfd[b][f]
        self.k.dup(u, f, desc)
        u.store(self.sock_f, n, f)
        u.store(self.sock_s, n, desc)
        u.store(self.sock_ahead, n, False)
        if self.proto.fd_passing == OLDEST:
            u.store(self.sock_q, n, self.bseq[b][f])
        u[self.sock_n] = n + 1

    # -- checkpointer ----------------------------------------------------------------------
    def _checkpointer(self) -> None:
        spec, k, proto = self.spec, self.k, self.proto
        F = range(self.F)
        # The checkpointer runs on while a backend's PANIC is pending (#71: no interlock).
        can_run = self.recovery != REPLAY
        if proto.forged_start:
            can_run = can_run & (self.recovery != STOPPED)

        opens = {"rule": k.sample_rules} if self.backstop else {}

        @spec.action("ckpt_start", actor="checkpointer", **opens)
        def _(u: Update, rule: str = "") -> None:
            """Count the checkpoint (ckpt_started) and fix the redo pointer (xlog.c
            CreateCheckPoint); keep-oldest: requests already in the socket were stamped with the
            previous ckpt_started (#57)."""
            u.require(can_run, self.phase == IDLE, self.nckpt < self.cfg.limit("checkpoints"))
            if self.sbfd is not None:   # the backstop's descriptor, opened once and kept
                self.open_as(u, self.sbfd, 0, rule)
            u[self.nckpt] = self.nckpt + 1
            for f in F:
                for p in range(self.P):
                    u[self.redo[f][p]] = self.ver[f][p]
            if proto.fd_passing == OLDEST:
                self.mark_socket(u)
            u[self.phase] = WRITE

        @spec.action("buffer_sync", actor="checkpointer", rule=k.sample_rules)
        def _(u: Update, rule: str) -> None:
            """CheckPointBuffers: write every dirty buffer and remember its segment for fsync;
            FlushBuffer first waits for a write another process has in progress (bufmgr.c)."""
            u.require(can_run, self.phase == WRITE,
                      ~Or(self.flushing(f, p) for f in F for p in range(self.P)))
            for f in F:
                any_dirty = Or(self.bdirty[f][p] for p in range(self.P))
                with u.when(any_dirty):
                    seq = self.cseq[f] if proto.fd_passing == OLDEST else None
                    self.open_as(u, self.cfd[f], f, rule, seq)
                    u[self.pending[f]] = True
                for p in range(self.P):
                    with u.when(self.bdirty[f][p]):
                        k.write(u, f, p, self.ver[f][p])
                        u[self.bdirty[f][p]] = False
            if proto.fd_passing == FIRST:   # mdsync enqueues the checkpointer's token (#35)
                self.mark_socket(u)
            u[self.phase] = ABSORB

        if proto.fd_passing:
            self._absorb_fds(can_run)
        else:
            @spec.action("absorb", actor="checkpointer")
            def _(u: Update) -> None:
                """AbsorbSyncRequests: move queued requests into the pending table."""
                u.require(can_run, Or(self.queued[f] for f in F) | (self.phase == ABSORB))
                for f in F:
                    u[self.pending[f]] = self.pending[f] | self.queued[f]
                    u[self.queued[f]] = False
                with u.when(self.phase == ABSORB):
                    u[self.phase] = SYNC

        @spec.action("ckpt_fsync", actor="checkpointer", f=F, rule=k.sample_rules,
                     fate=k.sync_fates)
        def _(u: Update, f: int, rule: str, fate: str) -> None:
            """fsync one requested segment, opening it if needed (mdsyncfiletag)."""
            u.require(can_run, self.phase == SYNC, self.pending[f])
            seq = self.cseq[f] if proto.fd_passing == OLDEST else None
            self.open_as(u, self.cfd[f], f, rule, seq)
            err = k.fsync(u, f, self.cfd[f], fate)
            with u.when(~err):
                u[self.pending[f]] = False
                if proto.fd_passing:   # the received descriptor is closed once synced
                    k.close(u, f, self.cfd[f], fate)
                    u[self.cfd[f]] = k.NONE
            self.on_fsync_error(u, err, f)

        syncs = {"fate": k.sync_fates} if self.backstop else {}

        @spec.action("ckpt_finish", actor="checkpointer", **syncs)
        def _(u: Update, fate: str = "") -> None:
            """Write and flush the checkpoint record, update pg_control, recycle WAL before
            the redo pointer (CreateCheckPoint); a patch may check for errors first."""
            u.require(can_run, self.phase == SYNC, ~Or(self.pending[f] for f in F))
            if self.sbfd is None and self.errs_seen is None:
                self.record(u)
                return
            failed = u.let(self.pre_record_errors(u, fate))
            with u.when(~failed):
                self.record(u)
            with u.when(failed):   # PANIC instead of a checkpoint
                self.crash_pg(u)

        if not proto.fd_passing:
            @spec.action("ckpt_close_fd", actor="checkpointer", f=F, fate=k.sync_fates)
            def _(u: Update, f: int, fate: str) -> None:
                """The checkpointer's descriptor cache closes a file (fd.c)."""
                u.require(can_run, self.cfd[f] != k.NONE)
                if proto.hold_fds:
                    u.require(~self.pending[f])
                err = k.close(u, f, self.cfd[f], fate)
                u[self.cfd[f]] = k.NONE
                if proto.check_close:
                    with u.when(err):
                        self.crash_pg(u)

    def record(self, u: Update) -> None:
        """The checkpoint record: the redo pointer becomes the recovery start."""
        for f in range(self.F):
            for p in range(self.P):
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

    def _absorb_fds(self, can_run: Expr) -> None:
        spec, k, proto = self.spec, self.k, self.proto

        @spec.action("absorb_fd", actor="checkpointer", fate=k.sync_fates)
        def _(u: Update, fate: str) -> None:
            """recvmsg one request with its descriptor; keep the first received (v1/v2) or the
            one with the smallest open_seq (#61 0014, #63 v4), close the other (#53).  Not
            while syncing: mdsync_in_progress makes AbsorbFsyncRequests return at once (v1
            to v4)."""
            u.require(can_run, self.sock_n > 0, self.phase != SYNC)
            if proto.fd_passing == FIRST:   # absorbing for a checkpoint ends at the token
                u.require((self.phase != ABSORB) | self.sock_ahead[0])
            got, f_of = self.sock_s[0], self.sock_f[0]
            for f in range(self.F):
                with u.when(f_of == f):
                    held = self.cfd[f]
                    keep_new = held == k.NONE
                    if proto.fd_passing == OLDEST:
                        keep_new = keep_new | (self.sock_q[0] < self.cseq[f])
                    keep = u.let(keep_new)
                    with u.when(keep & (held != k.NONE)):
                        k.close(u, f, held, fate)
                    with u.when(~keep):
                        k.close(u, f, got, fate)
                    with u.when(keep):
                        u[held] = got
                        if proto.fd_passing == OLDEST:
                            u[self.cseq[f]] = self.sock_q[0]
                    u[self.pending[f]] = True
            if proto.fd_passing == OLDEST:
                # AbsorbAllFsyncRequests remembers a message stamped with the current
                # ckpt_started, then stops (#57 0002; #63 v4 AbsorbFsyncRequest)
                with u.when((self.phase == ABSORB) & ~self.sock_ahead[0]):
                    u[self.phase] = SYNC
            self._pop_socket(u)

        @spec.action("absorb_done", actor="checkpointer")
        def _(u: Update) -> None:
            """Absorbing for the checkpoint ends: the socket is drained (recvmsg would block,
            #63), or (keep-first) the checkpointer's own token comes back (#35, #44)."""
            end = self.sock_n == 0
            if proto.fd_passing == FIRST:
                end = end | ~self.sock_ahead[0]
            u.require(can_run, self.phase == ABSORB, end)
            u[self.phase] = SYNC

    def mark_socket(self, u: Update) -> None:
        """The messages in the socket now are ahead of the checkpoint's marker: stamped with
        an older ckpt_started (#57), or queued before the checkpointer's token (#35; the model
        lets the token in even when the socket is full, where v1 deadlocked, #50 #51)."""
        for i in range(self.Q):
            u[self.sock_ahead[i]] = i < self.sock_n

    def _pop_socket(self, u: Update) -> None:
        for arr, blank in self.socket_fields():
            for i in range(self.Q):
                u[arr[i]] = arr[i + 1] if i + 1 < self.Q else blank
        u[self.sock_n] = self.sock_n - 1

    def socket_fields(self) -> list[tuple[Any, Any]]:
        """The socket's per-message arrays with the value of an empty place."""
        out = [(self.sock_f, 0), (self.sock_s, self.k.NONE), (self.sock_ahead, False)]
        if self.proto.fd_passing == OLDEST:
            out.append((self.sock_q, 0))
        return out

    # -- crashes and recovery --------------------------------------------------------------
    def forget_pg_memory(self, u: Update) -> None:
        """PostgreSQL's shared memory is gone; recovery must run (xlog.c StartupXLOG)."""
        for f in range(self.F):
            for p in range(self.P):
                u[self.bdirty[f][p]] = False
            u[self.pending[f]] = False
            u[self.cfd[f]] = self.k.NONE
            for b in range(self.B):
                u[self.bfd[b][f]] = self.k.NONE
            if not self.proto.fd_passing:
                u[self.queued[f]] = False
        if self.proto.fd_passing:
            for b in range(self.B):
                u[self.sending[b]] = 0
            for arr, blank in self.socket_fields():
                for i in range(self.Q):
                    u[arr[i]] = blank
            u[self.sock_n] = 0
        if self.sbfd is not None:
            u[self.sbfd] = self.k.NONE
        self.end_checkpoint(u)
        u[self.panicking] = False
        u[self.recovery] = REPLAY

    def crash_pg(self, u: Update) -> None:
        """PANIC or kill: every PostgreSQL descriptor is closed by exit; kernel state stays."""
        k, fate = self.k, self.k.sync_fates[0]
        for f in range(self.F):
            for h, when, value in self.pg_descriptor_holders(f):
                desc = u.let(h if when is None else ite(when == value, h, k.NONE))
                with u.when(desc != k.NONE):
                    k.close(u, f, desc, fate)
        self.forget_pg_memory(u)

    def _crashes(self) -> None:
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
                """PostgreSQL is killed: its memory is lost, the kernel's is not (docs/model.md §2)."""
                u.require(room, self.recovery != REPLAY)
                u[self.crashes] = self.crashes + 1
                self.crash_pg(u)

        if cfg.on("os-crash"):
            @spec.action("os_crash", actor="disk")
            def _(u: Update) -> None:
                """Power loss: the page cache and all error state are lost (docs/model.md §2)."""
                u.require(room)
                u[self.crashes] = self.crashes + 1
                k.crash(u)
                if self.tfd is not None:
                    for f in range(self.F):
                        u[self.tfd[f]] = k.NONE
                self.forget_pg_memory(u)

        @spec.action("replay", actor="startup", rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, rule: str, fate: str) -> None:
            """Sync the data directory (fd.c SyncDataDirectory: open and fsync every file,
            errors only LOGged), then replay WAL from the last checkpoint's redo pointer.
            full_page_writes=on restores each changed page's image unconditionally; off, a
            record is skipped when the page read back already has it (BLK_DONE, wal-thread)."""
            u.require(self.recovery == REPLAY)
            method = self.proto.init_sync
            if method == "syncfs" and not k.pol.has_syncfs:
                method = "fsync"   # the GUC's syncfs is Linux-only; fsync is the default
            if method == "fsync":
                self.sync_data_directory(u, rule, fate)
            elif method == "syncfs":   # syncfs on the data directory's file system, LOG only
                desc = k.open(u, 0, rule)
                k.syncfs(u, 0, desc, fate)
                k.close(u, 0, desc, fate)
            for f in range(self.F):
                for p in range(self.P):
                    got = k.read_call(u, f, p)
                    in_wal = self.ver[f][p] > self.ckpt[f][p]
                    need = ite(in_wal, 0 if cfg.fpw else self.ckpt[f][p], self.ver[f][p])
                    u[self.lost] = self.lost | (got < need)
                    u[self.bdirty[f][p]] = in_wal & (cfg.fpw | (got < self.ver[f][p]))
                    if cfg.fpw or method not in ("wal", "wal-paranoid"):
                        continue
                    skipped = in_wal & (got >= self.ver[f][p])   # BLK_DONE
                    if method == "wal":            # register an fsync for its file
                        u[self.pending[f]] = self.pending[f] | skipped
                    else:                          # paranoid: also write it out again
                        u[self.bdirty[f][p]] = self.bdirty[f][p] | skipped
            if self.errs_seen is not None:   # a new postmaster reads the error count afresh
                u[self.errs_seen] = k.fs_errors
            u[self.recovery] = END_CKPT

    def sync_data_directory(self, u: Update, rule: str, fate: str) -> None:
        """fd.c SyncDataDirectory: open and fsync every file; errors are only LOGged."""
        for f in range(self.F):
            desc = self.k.open(u, f, rule)
            self.k.fsync(u, f, desc, fate)
            self.k.close(u, f, desc, fate)

    def _startup(self) -> None:
        k = self.k

        @self.spec.action("startup", actor="startup", rule=k.sample_rules, fate=k.sync_fates)
        def _(u: Update, rule: str, fate: str) -> None:
            """A clean start trusts the shutdown checkpoint (wal-thread #0); the proposal
            syncs the data directory first, as crash recovery does."""
            u.require(self.recovery == STOPPED)
            if self.proto.start_sync:
                self.sync_data_directory(u, rule, fate)
            u[self.recovery] = RUNNING

    # -- properties and views --------------------------------------------------------------
    def pages(self) -> list[tuple[int, int]]:
        return [(f, p) for f in range(self.F) for p in range(self.P)]

    def explain_unsound(self, st: dict[str, Any]) -> str:
        """Which page the completed checkpoint's redo pointer is ahead of."""
        behind = [f"file {f} page {p} on disk is version {st[f'disk[{f}][{p}]']}, the WAL "
                  f"that held version {st[f'ckpt[{f}][{p}]']} is recycled"
                  for f, p in self.pages() if st[f"disk_behind_ckpt[{f}][{p}]"]]
        return f"checkpoint {st['checkpoints']} completed; " + "; ".join(behind)

    def explain_lost(self, st: dict[str, Any]) -> str:
        """What the last replay read against what it needed (the replay step's own test)."""
        out = []
        for f, p in self.pages():
            got, ver, ck = (st[f"read[{f}][{p}]"], st[f"ver[{f}][{p}]"],
                            st[f"ckpt[{f}][{p}]"])
            if ver <= ck and got < ver:
                out.append(f"file {f} page {p} reads version {got}, but version {ver} was "
                           "committed before the last checkpoint, whose WAL is recycled")
            elif ver > ck and not self.cfg.fpw and got < ck:
                out.append(f"file {f} page {p} reads version {got}, older than the "
                           f"checkpoint's {ck}: replay without full-page images cannot "
                           "rebuild it")
        return "recovery lost committed data: " + ("; ".join(out) or
                                                     "an earlier replay found a page behind")

    def _properties(self) -> None:
        spec, k = self.spec, self.k
        pages = self.pages()
        sound = And(k.disk[f][p] >= self.ckpt[f][p] for f, p in pages)
        if self.proto.forged_start:   # a stopped cluster promises nothing until it starts
            sound = (self.recovery == STOPPED) | sound
        spec.invariant(
            "checkpoint-soundness",
            "a completed checkpoint's redo pointer is covered by the disk: every change "
            "logged before it is on disk (docs/model.md §7)", sound, self.explain_unsound)
        spec.invariant(
            "durability",
            "recovery finds every committed change on disk, in the page cache or in the "
            "retained WAL (docs/model.md §7)",
            ~self.lost, self.explain_lost)
        for f, p in pages:
            spec.derive(f"disk_behind_ckpt[{f}][{p}]", k.disk[f][p] < self.ckpt[f][p])
            spec.derive(f"read[{f}][{p}]", k.read(f, p))
            spec.derive(f"in_wal[{f}][{p}]", self.ver[f][p] > self.ckpt[f][p])
        for f in range(self.F):
            for s in range(k.S):
                spec.derive(f"cursor_behind[{f}][{s}]",
                            (k.ref[f][s] > 0) & (k.cur[f][s] != k.err[f]))
