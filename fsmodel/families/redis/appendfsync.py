"""The two fsync policies of Redis's AOF (``appendfsync``, src/aof.c flushAppendOnlyFile): the
steps of a write command after it ran on the dict, and what a failed fsync does.

``always``: the command is written and fdatasynced before the reply; a failed fsync is
exit(1).  ``everysec``: the reply follows the write (or goes out with the write postponed
while a background fsync is in progress); a background thread fdatasyncs at most once a
second (a timer: any time here), and while its last fsync failed every write command is
refused with -MISCONF.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...lang.spec import Bool, Int, Update

if TYPE_CHECKING:
    from .model import Redis


class AppendFsync:
    """A policy: its state beyond the dict (none by default), what the process's end loses
    of it, and its actions (the steps of a write command after it ran, its fsyncs)."""

    def __init__(self, redis: Redis) -> None:
        self.r = redis

    def declare_state(self) -> None:
        """Nothing beyond the dict."""

    def forget(self, u: Update) -> None:
        """Nothing beyond the dict."""

    def declare_protocol(self) -> None:
        raise NotImplementedError


class Always(AppendFsync):
    """appendfsync always: write, fdatasync, reply; a failed fsync ends the process."""

    def declare_protocol(self) -> None:
        r, spec, k, F = self.r, self.r.spec, self.r.k, range(self.r.k.F)

        @spec.action("set", actor=r.process, key=range(r.client.K), f=F)
        def _(u: Update, key: int, f: int) -> None:
            """processCommand -> call(): the SET runs on the dict (a read in the same
            event-loop iteration sees it) and feedAppendOnlyFile appends it to aof_buf;
            beforeSleep -> flushAppendOnlyFile -> aofWrite: write(2) of aof_buf at the end of
            the AOF.  The reply waits for the fsync."""
            u.require(r.up, r.at(f), k.size[f] < k.P)
            k.append(u, f, r.command(u, key))

        @spec.action("aof_fsync", actor=r.process, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """flushAppendOnlyFile, appendfsync always: redis_fsync (fdatasync) before
            beforeSleep sends the reply.  -1: "Can't persist AOF for fsync error when the AOF
            fsync policy is 'always'", exit(1): no reply, the dict is gone."""
            u.require(r.up, r.client.waiting(), r.at(f))
            v = u.let(r.client.pending())
            err = k.fsync(u, f, r.fd[f], fate, name="fdatasync")
            with u.when(~err):
                r.client.answer_ok(u, v)
            with u.when(err):
                r.exit(u)


class Everysec(AppendFsync):
    """appendfsync everysec: write, reply; a background fsync now and then, whose failure
    stops write commands until one succeeds."""

    def declare_state(self) -> None:
        spec, W = self.r.spec, self.r.client.W
        # commands run and replied to whose write is postponed (aof_flush_postponed_start)
        self.buf = spec.var("aof_buf", Int(0, W), 0)
        # written since the last fsync request: aof_last_incr_fsync_offset != ..._size
        self.unsynced = spec.var("unsynced", Bool(), False)
        # a BIO_AOF_FSYNC job queued or running (aofFsyncInProgress)
        self.queued = spec.var("bio_fsync_queued", Bool(), False)
        # aof_bio_fsync_status == C_ERR
        self.failed = spec.var("bio_fsync_err", Bool(), False)

    def forget(self, u: Update) -> None:
        """aof_buf, the bio thread's job and the fsync status are the process's memory."""
        u[self.buf] = 0
        u[self.unsynced] = False
        u[self.queued] = False
        u[self.failed] = False

    def write_buffer(self, u: Update, f: int) -> None:
        """aofWrite: aof_buf (the newest commands, in order) at the end of the AOF."""
        r = self.r
        n = u.let(self.buf)
        first = u.let(r.client.puts - n + 1)
        for i in range(r.client.W):
            with u.when(n > i):
                r.k.append(u, f, first + i)
        u[self.buf] = 0
        u[self.unsynced] = True

    def declare_protocol(self) -> None:
        self._commands()
        self._background_fsync()

    def _commands(self) -> None:
        r, spec, k, F = self.r, self.r.spec, self.r.k, range(self.r.k.F)

        @spec.action("set", actor=r.process, key=range(r.client.K), f=F)
        def _(u: Update, key: int, f: int) -> None:
            """processCommand: while aof_bio_fsync_status is C_ERR,
            writeCommandsDeniedByDiskError refuses a write command with -MISCONF before it
            runs (no value is taken).  call(): the SET runs on the dict; feedAppendOnlyFile
            appends it to aof_buf; beforeSleep -> flushAppendOnlyFile(0): with a background
            fsync in progress the write is postponed, else aofWrite writes aof_buf; then
            handleClientsWithPendingWrites sends the reply, written or not."""
            u.require(r.up, r.at(f), ~self.failed, k.size[f] + self.buf < k.P)
            v = r.command(u, key)
            u[self.buf] = self.buf + 1
            with u.when(~self.queued):
                self.write_buffer(u, f)
            r.client.answer_ok(u, v)

        @spec.action("flush_postponed", actor=r.process, f=F)
        def _(u: Update, f: int) -> None:
            """serverCron -> flushAppendOnlyFile(0) of a postponed write: aofWrite of
            aof_buf once the background fsync is done, or after 2 s anyway ("Asynchronous
            AOF fsync is taking too long")."""
            u.require(r.up, r.at(f), self.buf > 0)
            self.write_buffer(u, f)

    def _background_fsync(self) -> None:
        r, spec, k, F = self.r, self.r.spec, self.r.k, range(self.r.k.F)

        @spec.action("fsync_request", actor=r.process)
        def _(u: Update) -> None:
            """flushAppendOnlyFile's try_fsync, at least 1 s after the last (a timer: any
            time here): with no fsync in progress and something written since the last
            request (aof_last_incr_fsync_offset != aof_last_incr_size; aof_buf empty, written
            first), aof_background_fsync queues a BIO_AOF_FSYNC job and the offset catches
            up.  Nothing written since: no job, whatever the last one returned."""
            u.require(r.up, self.unsynced, ~self.queued, self.buf == 0)
            u[self.queued] = True
            u[self.unsynced] = False

        @spec.action("bio_fsync", actor=r.process, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """bio.c bioProcessBackgroundJobs, BIO_AOF_FSYNC: redis_fsync (fdatasync) on the
            AOF.  -1 (but EBADF, EINVAL): aof_bio_fsync_status = C_ERR, write commands get
            -MISCONF; 0: C_OK, they are taken again.  Its status reaches no client."""
            u.require(r.up, self.queued, r.at(f))
            u[self.failed] = k.fsync(u, f, r.fd[f], fate, name="fdatasync")
            u[self.queued] = False


APPENDFSYNC: dict[str, type[AppendFsync]] = {"always": Always, "everysec": Everysec}
