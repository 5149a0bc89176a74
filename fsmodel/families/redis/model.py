"""Redis's process, from redis/redis@4f8cdc2 (src/server.c, src/aof.c, src/bio.c,
src/redis-check-aof.c), with ``appendonly yes``; ``appendfsync`` (appendfsync.py) says when
the AOF is fsynced and what a failed fsync does.

Files: the AOF's INCR file (one command per page: a SET of one value).  Memory: the dict
(``db[k]``: Redis serves every read from it, so a command whose AOF write or fsync failed is
visible there until the process ends), and what the fsync policy keeps.

Simplifications, of granularity at these bounds:
  * the BASE file and the manifest are written once, at the first start from an empty
    dataset (aofOpenIfNeededOnServerStart: an empty base, fsynced; persistAofManifest: the
    manifest written to a temporary file, fsynced, renamed, the directory fsynced), and never
    again: no rewrite runs (auto-aof-rewrite-min-size is 64 MB; BGREWRITEAOF is an
    operator's), so they are the first start's directory fsync;
  * a command is a page and is never torn, so ``aof-load-truncated`` (load a file whose last
    command is cut short by its end) never applies; a page reading 0 inside the file is a NUL
    where loadSingleAppendOnlyFile expects a command's '*': a format error, whatever
    aof-load-truncated says;
  * write(2) into the page cache never fails in the kernel model, so aofWrite's error branch
    (exit(1) under always, aof_last_write_status under everysec) is not reached;
  * no key expires (the client sets no TTL), so only client commands write the AOF.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...lang.expr import Expr
from ...lang.spec import Int, Update
from ..base import Family
from ..kv import Engine, EngineSpec
from ..kv.records import last_in_log, records
from .appendfsync import APPENDFSYNC
from .family import REDIS

AOF = 0     # the INCR file's name


class Redis(Engine):
    names = ("appendonly.aof.1.incr.aof",)
    process = "redis"
    doc = ("the event loop: runs each command on the dict and appends it to the AOF; "
           "starting loads the AOF into the dict")
    knobs: ClassVar[dict[str, tuple[Any, ...]]] = {"appendfsync": ("always", "everysec")}

    def declare_state(self) -> None:
        self.fd = self.fds.declare("engine_fd")
        self.db = self.spec.var("db", Int(0, self.client.W), 0, (self.client.K,))
        self.policy = APPENDFSYNC[self.me.knob("appendfsync")](self)
        self.policy.declare_state()

    def declare_protocol(self) -> None:
        self._start()
        self._check_aof()
        self.policy.declare_protocol()

    def forget(self, u: Update) -> None:
        for v in self.db:
            u[v] = 0
        self.policy.forget(u)

    def get(self, key: int) -> Expr:
        """GET: the dict (lookupKeyRead), whatever the AOF holds."""
        return self.db[key]

    def at(self, f: int) -> Expr:
        """Inode f is the AOF."""
        return self.k.lookup(AOF) == f

    def command(self, u: Update, key: int) -> Expr:
        """processCommand -> call(): the SET runs on the dict at once; the value."""
        v = self.client.issue(u, key)
        u[self.db[key]] = v
        return v

    # -- starting --------------------------------------------------------------------------
    def _start(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("start", actor=self.process, f=F, rule=k.sample_rules)
        def _(u: Update, f: int, rule: str) -> None:
            """main -> loadDataFromDisk -> loadAppendOnlyFiles: loadSingleAppendOnlyFile
            reads the AOF with fopen/fgets (through the page cache) and runs each command on
            the dict; at a page reading 0 (a NUL, not '*') it gives up (fmterr, AOF_FAILED)
            and loadDataFromDisk calls exit(1): Redis does not start (the guard).  Then
            aofOpenIfNeededOnServerStart opens the INCR file O_WRONLY|O_APPEND|O_CREAT; on a
            first start (no AOF) it creates the empty base and the INCR file, and
            persistAofManifest fsyncs the directory."""
            u.require(~self.up, records(k, f) == k.size[f])
            fresh = u.let(k.lookup(AOF) == k.F)
            k.open_name(u, self.fd[f], AOF, f, rule)
            for key in range(self.client.K):
                u[self.db[key]] = last_in_log(k, f, key, self.client.key_of)
            with u.when(fresh):
                k.fsync_dir(u)
            u[self.up] = True

    def _check_aof(self) -> None:
        spec, k = self.spec, self.k
        spec.meta["lane_docs"]["operator"] = ("runs redis-check-aof --fix when Redis does not "
                                              "start on a malformed AOF, as its log says")

        @spec.action("check_aof_fix", actor="operator", f=range(k.F), at=range(k.P))
        def _(u: Update, f: int, at: int) -> None:
            """'Bad file format reading the append only file ... use ./redis-check-aof
            --fix': checkSingleAof reads the AOF up to the first line that is not a command
            ('format error'), asks, and ftruncates the file there (no fsync)."""
            u.require(~self.up, self.at(f), records(k, f) == at, k.size[f] > at)
            k.truncate(u, f, at)


@dataclass(frozen=True)
class RedisSpec(EngineSpec):
    family: ClassVar[Family] = REDIS
    model: ClassVar[type] = Redis
