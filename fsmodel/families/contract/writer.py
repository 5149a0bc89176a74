"""The os-contract family's writer: it opens, writes, dups, syncs and closes, and remembers
whether a sync call returned 0 while a write it made was not on disk."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...config import Config
from ...kernel.model import Kernel
from ...lang.expr import And, Expr, ite
from ...lang.spec import Bool, Enum, Int, Spec, Update
from ..crashes import declare_power_loss
from ..descriptors import OTHER, Descriptors, Group
from .properties import declare_properties

if TYPE_CHECKING:
    from .spec import ContractSpec

SYNC_CALLS = ("fsync", "fdatasync")  # same error consumption (docs/model.md §2)


class Writer:
    """The kernel, the writer's state and actions, a third party, power loss."""

    def __init__(self, me: ContractSpec, cfg: Config) -> None:
        """Variables in their fixed order (the state vector), then the actions, the properties."""
        spec = self.spec = Spec(me.id, me.summary)
        self.cfg = cfg
        F, P, W = cfg.bound("files"), cfg.bound("pages"), cfg.bound("writes")
        self.F, self.P = F, P
        # the writer's description, its dup's, the other's (counted whether it runs or not)
        self.fds = Descriptors(spec, [
            Group("writer_fd", (F,)), Group("writer_dup_fd", (F,)),
            Group("other_fd", (F,), OTHER, live=cfg.on("third-party"), reserved=True)])
        k = self.k = Kernel(spec, cfg, slots=self.fds.slots, holders=self.fds.slots)
        self.wfd = self.fds.declare("writer_fd")
        self.dupfd = self.fds.declare("writer_dup_fd")
        # ghost: the writer's last write
        self.written = spec.var("written", Int(0, W, grows=True), 0, (F, P))
        self.nwrites = spec.var("writes", Int(0, W, grows=True), 0)
        self.lied = spec.var("fsync_lied", Bool(), False)
        self.returned = spec.var("returned", Enum("-", "0", "EIO"), 0)  # the last sync's result
        other = self.fds.declare("other_fd")
        self._writes()
        self._syncs()
        self._close()
        if other is not None:
            k.declare_other_process(spec, other)
        if cfg.on("os-crash") and cfg.bound("crashes") > 0:
            self._power_loss()
        k.declare_environment(spec)
        self.fds.declare_pools(k)
        declare_properties(self)
        spec.meta.update(protocol=me.id, sources=list(me.sources))

    def synced(self, f: int) -> Expr:
        """Every page of f on disk is at least the writer's last write."""
        return And(self.k.durable(f, p) >= self.written[f][p] for p in range(self.P))

    def result(self, u: Update, err: Expr) -> None:
        """What the last sync call returned, as the writer saw it."""
        u[self.returned] = ite(err, 2, 1)

    def judge(self, u: Update, f: int, err: Expr) -> None:
        """Record the result, and a lie if it is 0 while a write is not on disk."""
        self.result(u, err)
        u[self.lied] = self.lied | (~err & ~self.synced(f))

    def desc(self, f: int, via: str) -> Expr:
        """The writer's descriptor of f, or its dup."""
        return self.wfd[f] if via == "fd" else self.dupfd[f]

    def _writes(self) -> None:
        """open, dup and write, over every file and page."""
        spec, k, F, P = self.spec, self.k, range(self.F), range(self.P)
        wfd, dupfd, written = self.wfd, self.dupfd, self.written

        @spec.action("open", actor="writer", f=F, rule=k.sample_rules)
        def _(u: Update, f: int, rule: str) -> None:
            u.require(wfd[f] == k.NONE)
            k.open_into(u, wfd[f], f, rule)

        @spec.action("dup", actor="writer", f=F)
        def _(u: Update, f: int) -> None:
            """dup() (or SCM_RIGHTS): a second fd on the same description, same cursor (#53)."""
            u.require(wfd[f] != k.NONE, dupfd[f] == k.NONE)
            k.dup(u, f, wfd[f])
            u[dupfd[f]] = wfd[f]

        @spec.action("write", actor="writer", f=F, p=P)
        def _(u: Update, f: int, p: int) -> None:
            u.require(wfd[f] != k.NONE, self.nwrites < self.cfg.limit("writes"))
            u[self.nwrites] = self.nwrites + 1
            u[written[f][p]] = written[f][p] + 1
            k.write(u, f, p, written[f][p])

    def _syncs(self) -> None:
        """The calls that report write-back errors, and sync_file_range, which does not."""
        spec, k, F, wfd = self.spec, self.k, range(self.F), self.wfd
        for call in SYNC_CALLS:
            @spec.action(call, actor="writer", f=F, via=("fd", "dup"), fate=k.sync_fates)
            def _(u: Update, f: int, via: str, fate: str, name: str = call) -> None:
                """fsync / fdatasync: must not return 0 unless every earlier write is on disk."""
                desc = self.desc(f, via)
                u.require(desc != k.NONE)
                self.judge(u, f, k.fsync(u, f, desc, fate, name))

        @spec.action("sync_file_range", actor="writer", f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """SYNC_FILE_RANGE_WRITE: starts write-back, reports nothing (#26)."""
            u.require(wfd[f] != k.NONE)
            k.sync_file_range(u, f, fate)

        if k.pol.has_syncfs:
            @spec.action("syncfs", actor="writer", f=F, fate=k.sync_fates)
            def _(u: Update, f: int, fate: str) -> None:
                """syncfs on the writer's fd: its result is not the fsync contract's (#1)."""
                u.require(wfd[f] != k.NONE)
                self.result(u, k.syncfs(u, f, wfd[f], fate))

    def _close(self) -> None:
        """close reports an error too (NFS)."""
        k = self.k

        @self.spec.action("close", actor="writer", f=range(self.F), via=("fd", "dup"),
                          fate=k.sync_fates)
        def _(u: Update, f: int, via: str, fate: str) -> None:
            desc = self.desc(f, via)
            u.require(desc != k.NONE)
            self.result(u, k.close(u, f, desc, fate))
            u[desc] = k.NONE

    def _power_loss(self) -> None:
        """A crash counter is declared only where crashes can happen."""
        spec, k, cfg = self.spec, self.k, self.cfg
        crashes = spec.var("crashes", Int(0, cfg.bound("crashes"), grows=True), 0)

        def owed_to_nobody(u: Update) -> None:
            for f in range(self.F):
                for p in range(self.P):
                    u[self.written[f][p]] = k.durable(f, p)
            self.fds.forget(u)
        declare_power_loss(spec, k, crashes < cfg.limit("crashes"), crashes,
                           "Power loss: unsynced writes are legitimately lost and owed to "
                           "nobody.", before=owed_to_nobody)
