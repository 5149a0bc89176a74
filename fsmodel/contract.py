"""The OS contract on the kernel model alone (docs/model.md §7).

A trivial writer opens, writes, dups, syncs and closes; another process may open, fsync and
close the same files.  The property: "fsync returned 0 on a description" implies every write
made to the file before that fsync began is on disk.  Most real policies violate it; which do
is a result in itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config, check_bounds
from .kernel.model import Kernel
from .lang.expr import And, Expr, ite
from .lang.spec import Bool, Enum, Int, Slot, Spec, Update

SYNC_CALLS = ("fsync", "fdatasync")  # same error consumption (docs/model.md §2)


@dataclass(frozen=True)
class ContractSpec:
    id: str
    summary: str
    sources: tuple[str, ...]
    bounds: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_bounds(self.bounds, f"{self.id}: bound")

    def build(self, cfg: Config) -> Spec:
        return _build(self, cfg)


def _build(me: ContractSpec, cfg: Config) -> Spec:
    spec = Spec(me.id, me.summary)
    F, P, W = cfg.bound("files"), cfg.bound("pages"), cfg.bound("writes")
    k = Kernel(spec, cfg, slots=3, holders=3)   # the writer's description, its dup's, the other's
    fd = Slot(k.NONE)
    wfd = spec.var("writer_fd", fd, k.NONE, (F,))
    dupfd = spec.var("writer_dup_fd", fd, k.NONE, (F,))
    # ghost: the writer's last write
    written = spec.var("written", Int(0, W, grows=True), 0, (F, P))
    nwrites = spec.var("writes", Int(0, W, grows=True), 0)
    lied = spec.var("fsync_lied", Bool(), False)
    returned = spec.var("returned", Enum("-", "0", "EIO"), 0)  # the last sync call's result
    other = spec.var("other_fd", fd, k.NONE, (F,)) if cfg.on("third-party") else None
    holders = (wfd, dupfd) + ((other,) if other is not None else ())

    def synced(f: int) -> Expr:
        return And(k.disk[f][p] >= written[f][p] for p in range(P))

    def result(u: Update, err: Expr) -> None:
        u[returned] = ite(err, 2, 1)

    def judge(u: Update, f: int, err: Expr) -> None:
        result(u, err)
        u[lied] = lied | (~err & ~synced(f))

    @spec.action("open", actor="writer", f=range(F), rule=k.sample_rules)
    def _(u: Update, f: int, rule: str) -> None:
        u.require(wfd[f] == k.NONE)
        k.open_into(u, wfd[f], f, rule)

    @spec.action("dup", actor="writer", f=range(F))
    def _(u: Update, f: int) -> None:
        """dup() (or SCM_RIGHTS): a second fd on the same description, same cursor (#53)."""
        u.require(wfd[f] != k.NONE, dupfd[f] == k.NONE)
        k.dup(u, f, wfd[f])
        u[dupfd[f]] = wfd[f]

    @spec.action("write", actor="writer", f=range(F), p=range(P))
    def _(u: Update, f: int, p: int) -> None:
        u.require(wfd[f] != k.NONE, nwrites < cfg.limit("writes"))
        u[nwrites] = nwrites + 1
        u[written[f][p]] = written[f][p] + 1
        k.write(u, f, p, written[f][p])

    for call in SYNC_CALLS:
        @spec.action(call, actor="writer", f=range(F), via=("fd", "dup"), fate=k.sync_fates)
        def _(u: Update, f: int, via: str, fate: str, name: str = call) -> None:
            """fsync / fdatasync: must not return 0 unless every earlier write is on disk."""
            desc = wfd[f] if via == "fd" else dupfd[f]
            u.require(desc != k.NONE)
            judge(u, f, k.fsync(u, f, desc, fate, name))

    @spec.action("sync_file_range", actor="writer", f=range(F), fate=k.sync_fates)
    def _(u: Update, f: int, fate: str) -> None:
        """SYNC_FILE_RANGE_WRITE: starts write-back, reports nothing (#26)."""
        u.require(wfd[f] != k.NONE)
        k.sync_file_range(u, f, fate)

    if k.pol.has_syncfs:
        @spec.action("syncfs", actor="writer", f=range(F), fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """syncfs on the writer's fd: its result is not the fsync contract's (#1)."""
            u.require(wfd[f] != k.NONE)
            result(u, k.syncfs(u, f, wfd[f], fate))

    @spec.action("close", actor="writer", f=range(F), via=("fd", "dup"), fate=k.sync_fates)
    def _(u: Update, f: int, via: str, fate: str) -> None:
        desc = wfd[f] if via == "fd" else dupfd[f]
        u.require(desc != k.NONE)
        result(u, k.close(u, f, desc, fate))
        u[desc] = k.NONE

    if other is not None:
        k.declare_other_process(spec, other)

    if cfg.on("os-crash") and cfg.bound("crashes") > 0:
        crashes = spec.var("crashes", Int(0, cfg.bound("crashes"), grows=True), 0)

        @spec.action("os_crash", actor="disk")
        def _(u: Update) -> None:
            """Power loss: unsynced writes are legitimately lost and owed to nobody."""
            u.require(crashes < cfg.limit("crashes"))
            u[crashes] = crashes + 1
            for f in range(F):
                for p in range(P):
                    u[written[f][p]] = k.disk[f][p]
                for h in holders:
                    u[h[f]] = k.NONE
            k.crash(u)

    k.declare_environment(spec)
    k.declare_pools(spec, [[(h[f], None, 0) for h in holders] for f in range(F)])
    def explain(st: dict) -> str:
        behind = [f"file {f} page {p} is version {st[f'disk[{f}][{p}]']} on disk, "
                  f"{st[f'written[{f}][{p}]']} written"
                  for f in range(F) for p in range(P) if st[f"not_on_disk[{f}][{p}]"]]
        return "fsync returned 0; " + ("; ".join(behind) or "a write was not on disk then")

    spec.invariant("fsync-honesty",
                   "fsync returning 0 on a description implies every earlier write to the "
                   "file is on disk (docs/model.md §7)", ~lied, explain)
    spec.meta["lanes"].update(writer_fd="writer", writer_dup_fd="writer", written="writer",
                              fsync_lied="writer", returned="writer", other_fd="other")
    spec.meta["lane_docs"]["writer"] = ("a process that writes pages through its descriptors "
                                        "(and a dup), fsyncs and closes them, and remembers "
                                        "what fsync returned")
    for f in range(F):
        for p in range(P):
            spec.derive(f"not_on_disk[{f}][{p}]", k.disk[f][p] < written[f][p])
        for s in range(k.S):
            spec.derive(f"cursor_behind[{f}][{s}]",
                        (k.ref[f][s] > 0) & (k.cur[f][s] != k.err[f]))
    spec.meta.update(protocol=me.id, sources=list(me.sources))
    return spec
