"""A key-value engine's process over the kernel, as its family's model builds it.

The process starts down: its first actions open its files and recover (on empty files), as
a restart does.  While up it takes puts; it can be killed (``app_crash``: the kernel closes
its descriptors and keeps everything else), stop itself on a fatal error (``exit``: the
same, as ``exit(1)``, an ``abort()`` or a panic do), or lose power (``os_crash``).
Subclasses name their files and descriptors and state their protocol as named methods
(Hypothesis's rules, Stateright's actions): ``declare_state`` (their variables),
``declare_protocol`` (their actions: opening and recovery, puts, background work),
``forget`` (what the process's memory loses) and ``get`` (what a read returns while up).
"""
from __future__ import annotations

from typing import Any, ClassVar

from ...config import BadConfig, Config
from ...kernel.model import Kernel
from ...lang.expr import TRUE, Expr
from ...lang.spec import Bool, Int, Spec, Update
from ..crashes import declare_power_loss
from ..descriptors import OTHER, OWN, Descriptors, Group
from .client import LANE_DOC, Client
from .outcomes import APP_CRASH


class Engine:
    """The shared skeleton; an engine's family subclasses it."""

    names: tuple[str, ...] = ()          # the engine's file names, in one directory
    process: str = "engine"              # its lane
    doc: str = ""                        # what its lane draws
    # Its settings and the variants of its code a patch proposes, each with its values (the
    # first is the default): entry.py's EngineSpec sets them.
    knobs: ClassVar[dict[str, tuple[Any, ...]]] = {}

    def __init__(self, me: Any, cfg: Config) -> None:
        """Variables in their fixed order (the state vector), then the actions."""
        spec = self.spec = Spec(me.id, me.summary)
        self.me, self.cfg = me, cfg
        for name, least in self.needs().items():
            if cfg.bound(name) < least:
                raise BadConfig(f"{me.id}: --{name} {cfg.bound(name)} is too small: its "
                                f"files need {least} at these bounds")
        F = cfg.bound("files")
        self.fds = Descriptors(spec, self.descriptors(F) + [Group(
            "other_fd", (F,), OTHER, live=cfg.on("third-party"), reserved=True)])
        self.k = Kernel(spec, cfg, self.fds.slots, self.fds.slots, versions=self.versions(),
                        names=self.names)
        self.client = Client(spec, cfg)
        self.up = spec.var("up", Bool(), False)
        self.crashes = spec.var("crashes", Int(0, cfg.bound("crashes"), grows=True), 0)
        self.declare_state()
        other = self.fds.declare("other_fd")
        self.declare_protocol()
        self._lifecycle()
        self.client.declare_read(self.up & self.serving(), self.get, self.process)
        if other is not None:
            self.k.declare_other_process(spec, other)
        self.k.declare_environment(spec)
        self.fds.declare_pools(self.k)
        self.client.declare_properties(self.up & self.serving(), self.get)
        self._views()

    # -- what an engine states -------------------------------------------------------------
    def descriptors(self, files: int) -> list[Group]:
        """The engine's variables holding descriptions (one per file by default)."""
        return [Group("engine_fd", (files,))]

    def needs(self) -> dict[str, int]:
        """The least value of each kernel bound the engine's file layout needs (a table
        with a page per key needs ``pages`` >= ``keys``)."""
        return {}

    def versions(self) -> int:
        """The largest content a page holds (default: a value, 1 .. writes)."""
        return self.cfg.bound("writes")

    def declare_state(self) -> None:
        raise NotImplementedError

    def declare_protocol(self) -> None:
        raise NotImplementedError

    def forget(self, u: Update) -> None:
        """The process's memory is gone."""
        raise NotImplementedError

    def get(self, key: int) -> Expr:
        """The value a read of ``key`` returns while the engine is up (0: not found)."""
        raise NotImplementedError

    def serving(self) -> Expr:
        """Whether the engine answers reads (besides being up)."""
        return TRUE

    # -- the process's life ----------------------------------------------------------------
    def room(self) -> Expr:
        return self.crashes < self.cfg.limit("crashes")

    def exit(self, u: Update) -> None:
        """The process stops itself: the kernel closes its descriptions (as at any exit), its
        memory is gone, a put waiting gets no answer."""
        self.fds.close(u, self.k, OWN, self.k.sync_fates[0])
        self._down(u)

    def _down(self, u: Update) -> None:
        self.fds.forget(u, OWN)
        self.forget(u)
        self.client.interrupt(u)
        u[self.up] = False

    def _lifecycle(self) -> None:
        spec, k, cfg = self.spec, self.k, self.cfg

        if cfg.on(APP_CRASH):
            @spec.action("app_crash", actor=self.process)
            def _(u: Update) -> None:
                """The process is killed; the kernel keeps the page cache and errors."""
                u.require(self.room(), self.up)
                u[self.crashes] = self.crashes + 1
                self.exit(u)

        if cfg.on("os-crash"):
            def gone(u: Update) -> None:
                self.fds.forget(u)
                self.forget(u)
                self.client.interrupt(u)
                u[self.up] = False
            declare_power_loss(spec, k, self.room(), self.crashes,
                               "Power loss: what is on disk stays.", after=gone)

    def _views(self) -> None:
        spec = self.spec
        own = [g for g in self.fds.groups.values() if g.owner == OWN]
        lanes = {v: self.process for v in spec.arrays if v not in spec.meta["lanes"]}
        lanes |= self.client.lanes() | {"other_fd": "other"}
        lanes |= {g.name: self.process for g in own}
        spec.meta["lanes"].update(lanes)
        spec.meta["lane_docs"].update({self.process: self.doc, "client": LANE_DOC})
        spec.meta.update(protocol=spec.name, sources=list(self.me.sources))
