"""A toy family, written as a user would write one beside their spec files, to show that a new
family is new files only: a writer appends records to a log and publishes how many are
durable in a manifest, replaced atomically (write a temporary file, fsync it, rename it over
the manifest), as LevelDB's MANIFEST and CURRENT, or SQLite's journal, do.

Names: ``log``, ``manifest``, ``manifest.tmp``.  Record r is page r - 1 of the log, holding
version r.  The writer's state: records appended, records a successful fsync of the log
covers (``synced``), the count written into the temporary manifest (``staged``) and the count
the installed manifest promises (``acked``: the writer has told its clients).  After a power
loss, recovery reads the manifest and the log.

Properties: ``manifest-sound`` (every record the manifest names is in the log) and
``acked-durable`` (the manifest after a crash promises at least what was acknowledged).
Knob ``dir_sync``: fsync the directory after the rename (a proposal of this toy's users,
``toylog_dirsync.py``, is the variant with it on).  Option ``tmp-fsync`` (a setting, as
SQLite's ``synchronous``): fsync the temporary manifest before the rename.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from fsmodel.config import Config, check_bounds
from fsmodel.families.base import Choice, Family, Range
from fsmodel.families.crashes import declare_power_loss
from fsmodel.families.descriptors import OTHER, OWN, Descriptors, Group
from fsmodel.kernel.model import Kernel
from fsmodel.lang.expr import FALSE, Expr, ite, lift
from fsmodel.lang.spec import Bool, Int, Spec, Update

LOG, MANIFEST, TMP = range(3)
NAMES = ("log", "manifest", "manifest.tmp")
SOUND, ACKED = "manifest-sound", "acked-durable"

TOYLOG = Family(
    "toylog", "a log of records and a manifest replaced by rename (a toy, in tests/)",
    bounds={"manifests": Range(2, 1, 4, "manifests installed")},
    environment={"app-crash": "the writer is killed and restarts; the kernel survives"},
    options={"tmp-fsync": Choice(True, (True, False), "fsync the temporary manifest before "
                                                      "renaming it")},
    properties={SOUND: "every record the manifest names is in the log after recovery",
                ACKED: "after recovery the manifest promises every acknowledged record"})


@dataclass(frozen=True)
class ToyLog:
    """A variant of the toy protocol (the shape every spec entry has: id, summary, sources,
    bounds, and for a patch its baseline, options and claims)."""
    family: ClassVar[Family] = TOYLOG
    id: str
    summary: str
    sources: tuple[str, ...] = ()
    bounds: dict[str, int] = field(default_factory=dict)
    dir_sync: bool = False          # fsync the directory after the rename
    baseline: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_bounds(self.bounds, TOYLOG, f"{self.id}: bound")

    def build(self, cfg: Config) -> Spec:
        return Writer(self, cfg).spec

    def variant(self, **changes: Any) -> "ToyLog":
        return replace(self, **changes)


class Writer:
    """The kernel (with a namespace), the writer, recovery and the properties."""

    def __init__(self, me: ToyLog, cfg: Config) -> None:
        spec = self.spec = Spec(me.id, me.summary)
        self.me = me
        self.cfg, F, W = cfg, cfg.bound("files"), cfg.bound("writes")
        self.fds = Descriptors(spec, [Group("writer_fd", (F,)), Group(
            "other_fd", (F,), OTHER, live=cfg.on("third-party"), reserved=True)])
        k = self.k = Kernel(spec, cfg, self.fds.slots, self.fds.slots, names=NAMES)
        self.fd = self.fds.declare("writer_fd")
        count = Int(0, W, grows=True)
        self.appended, self.synced = spec.var("appended", count), spec.var("synced", count)
        self.staged, self.acked = spec.var("staged", count), spec.var("acked", count)
        self.tmp_synced = spec.var("tmp_synced", Bool(), False)
        self.up = spec.var("up", Bool(), True)
        self.manifests = spec.var("manifests", Int(0, cfg.bound("manifests"), grows=True))
        self.crashes = spec.var("crashes", Int(0, cfg.bound("crashes"), grows=True))
        self.unsound = spec.var("unsound", Bool(), False)
        self.unacked = spec.var("unacked", Bool(), False)
        other = self.fds.declare("other_fd")
        self._log()
        self._manifest()
        self._crashes()
        if other is not None:
            k.declare_other_process(spec, other)
        k.declare_environment(spec)
        self.fds.declare_pools(k)
        self._properties()

    def named(self, n: int, f: int) -> Expr:
        return self.k.lookup(n) == f

    def _log(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("open_log", actor="writer", f=F, rule=k.sample_rules)
        def _(u: Update, f: int, rule: str) -> None:
            """The writer opens (or creates) the log."""
            u.require(self.up, self.fd[f] == k.NONE)
            k.open_name(u, self.fd[f], LOG, f, rule)

        @spec.action("append", actor="writer", f=F)
        def _(u: Update, f: int) -> None:
            """The next record goes at the end of the log."""
            u.require(self.up, self.named(LOG, f), self.fd[f] != k.NONE,
                      k.size[f] < self.cfg.limit("writes"), k.size[f] < k.P)
            record = u.let(k.size[f] + 1)      # record r is page r - 1
            k.append(u, f, record)
            u[self.appended] = record

        @spec.action("sync_log", actor="writer", f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """fsync the log: 0 means every record appended is durable (the writer's belief)."""
            u.require(self.up, self.named(LOG, f), self.fd[f] != k.NONE)
            with u.when(~k.fsync(u, f, self.fd[f], fate)):
                u[self.synced] = self.appended

    def _manifest(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("write_manifest", actor="writer", f=F, rule=k.sample_rules)
        def _(u: Update, f: int, rule: str) -> None:
            """Create the temporary manifest and write the count the log's fsync covers."""
            u.require(self.up, self.fd[f] == k.NONE, self.staged < self.synced,
                      self.manifests < self.cfg.limit("manifests"))
            k.open_name(u, self.fd[f], TMP, f, rule)
            k.truncate(u, f, 0)
            k.write(u, f, 0, self.synced)
            u[self.staged] = self.synced

        @spec.action("sync_manifest", actor="writer", f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """fsync the temporary manifest; on an error the writer starts it again."""
            u.require(self.up, self.named(TMP, f), self.fd[f] != k.NONE, ~self.tmp_synced)
            err = k.fsync(u, f, self.fd[f], fate) if self.cfg.option("tmp-fsync") else FALSE
            u[self.tmp_synced] = ~err
            with u.when(err):
                u[self.staged] = self.acked

        @spec.action("install", actor="writer", f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """Close it and rename it over the manifest (then fsync the directory, with
            dir-sync): the writer acknowledges the records it names."""
            u.require(self.up, self.named(TMP, f), self.tmp_synced)
            k.close(u, f, self.fd[f], fate)
            u[self.fd[f]] = k.NONE
            k.rename(u, TMP, MANIFEST)
            if self.me.dir_sync:
                k.fsync_dir(u)
            u[self.acked] = self.staged
            u[self.tmp_synced] = False
            u[self.manifests] = self.manifests + 1

    def _crashes(self) -> None:
        spec, k, cfg = self.spec, self.k, self.cfg
        room = self.crashes < cfg.limit("crashes")

        if cfg.on("app-crash"):
            @spec.action("app_crash", actor="writer")
            def _(u: Update) -> None:
                """The writer is killed: its descriptors are closed, the kernel keeps all."""
                u.require(room, self.up)
                u[self.crashes] = self.crashes + 1
                self.fds.close(u, k, OWN, k.sync_fates[0])
                self.fds.forget(u, OWN)
                self.forget(u)

        if cfg.on("os-crash"):
            def forget(u: Update) -> None:
                self.fds.forget(u)
                self.forget(u)
            declare_power_loss(spec, k, room, self.crashes, "Power loss: the kernel keeps "
                               "what is on disk.", after=forget)

        @spec.action("recover", actor="writer", fl=range(k.F + 1), fm=range(k.F + 1))
        def _(u: Update, fl: int, fm: int) -> None:
            """Read the manifest and the log: every record named must be there, and at least
            every record acknowledged must be named.  The log is cut after its last valid
            record."""
            u.require(~self.up, k.lookup(LOG) == fl, k.lookup(MANIFEST) == fm)
            claim = u.let(0 if fm == k.F else ite(k.size[fm] > 0, k.read(fm, 0), 0))
            valid = u.let(0 if fl == k.F else self.valid(fl))
            u[self.unsound] = self.unsound | (claim > valid)
            u[self.unacked] = self.unacked | (claim < self.acked)
            if fl != k.F:
                for v in range(k.P):
                    with u.when((valid == v) & (k.size[fl] > v)):
                        k.truncate(u, fl, v)
            u[self.appended] = valid
            for var in (self.synced, self.staged, self.acked):
                u[var] = claim
            u[self.up] = True

    def valid(self, f: int) -> Expr:
        """How many records of the log are in place, from the first."""
        out: Expr = lift(0)
        for p in reversed(range(self.k.P)):
            out = ite((self.k.size[f] > p) & (self.k.read(f, p) == p + 1), 1 + out, 0)
        return out

    def forget(self, u: Update) -> None:
        """The writer's memory is gone; recovery must run.  ``acked`` stays: the clients
        remember what they were told."""
        for var in (self.appended, self.synced, self.staged):
            u[var] = 0
        u[self.tmp_synced] = False
        u[self.up] = False

    def _properties(self) -> None:
        spec = self.spec
        spec.invariant(SOUND, TOYLOG.properties[SOUND], ~self.unsound)
        spec.invariant(ACKED, TOYLOG.properties[ACKED], ~self.unacked)
        spec.meta["lanes"].update({v: "writer" for v in (
            "writer_fd", "appended", "synced", "staged", "acked", "tmp_synced", "up",
            "manifests", "crashes", "unsound", "unacked")} | {"other_fd": "other"})
        spec.meta["lane_docs"]["writer"] = ("appends records to the log, fsyncs it, and "
                                            "publishes the count in a manifest replaced by "
                                            "rename; recovers after a crash")
        spec.meta.update(protocol=spec.name, sources=[])
