"""PgModel: PostgreSQL's shared memory and processes over the kernel model, one variant's spec.

This module holds the state and what every process shares (records, symmetry, opening a
file); the processes are in ``backends``, ``checkpointer`` and ``recovery``, the properties in
``properties``, and how requests reach the checkpointer in ``requests`` (the model's request
path, chosen by ``fd_passing``).  Variables are declared in one fixed order: the state vector,
and so every trace and the generated C and Promela, follow it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...config import Config
from ...kernel.model import Kernel
from ...lang.expr import Expr
from ...lang.spec import Bool, Enum, Int, Spec, Update
from ..descriptors import OTHER, Descriptors, Group
from .backends import Backends
from .checkpointer import Checkpointer
from .lanes import LANE_DOCS, LANES
from .phases import CKPT_PHASES, IDLE, RECOVERY_PHASES, RUNNING, STOPPED
from .properties import Properties
from .recovery import Recovery
from .requests import REQUEST_PATHS

if TYPE_CHECKING:
    from .protocol import Protocol


class PgModel(Backends, Checkpointer, Recovery, Properties):
    """One variant of the protocol, built into ``self.spec``."""

    def __init__(self, proto: Protocol, cfg: Config) -> None:
        """The bounds, the request path and the holders first: the kernel's slot count
        depends on them."""
        self.proto, self.cfg = proto, cfg
        self.spec = Spec(proto.id, proto.summary)
        b = cfg.bound
        self.F, self.P, self.B, self.Q = b("files"), b("pages"), b("backends"), b("queue")
        self.path = REQUEST_PATHS[proto.fd_passing](self)
        self.backstop = proto.syncfs_backstop and cfg.kernel_policy.has_syncfs
        self.fds = Descriptors(self.spec, self.holder_groups())
        # f_count's bound: every holder naming one description, and Q places in flight
        # whichever the path (loose for the shared queue, whose requests hold none)
        refs = self.fds.slots + self.Q - self.path.in_flight()
        # A forged start begins at version 1, so commits reach one more (found by the native
        # engine's domain check: version 2 in Int(0, 1) with --writes 1).
        V = b("writes") + int(proto.forged_start)
        self.k = Kernel(self.spec, cfg, self.fds.slots, refs, versions=V)
        self._declare_state(V)
        self._declare_processes()

    def holder_groups(self) -> list[Group]:
        """Every variable that can name a description of a data file, in the order pools and
        PostgreSQL's exit visit them: one per backend, the checkpointer's, the syncfs
        backstop's (file 0), the request path's, the third party's (its slot counted whether
        or not it runs)."""
        B, F = self.B, self.F
        return [Group("backend_fd", (B, F)), Group("ckpt_fd", (F,)),
                Group("ckpt_syncfs_fd", (), file=0, live=self.backstop),
                *self.path.holders(),
                Group("other_fd", (F,), OTHER, live=self.cfg.on("third-party"),
                      reserved=True)]

    def _declare_state(self, V: int) -> None:
        """PostgreSQL's shared memory and processes, then the request path's variables, then
        the optional ones."""
        spec, proto, b, F, P = self.spec, self.proto, self.cfg.bound, self.F, self.P
        self.ver = spec.var("ver", Int(0, V, grows=True), 0, (F, P))
        self.bdirty = spec.var("buf_dirty", Bool(), False, (F, P))
        self.writes = spec.var("writes", Int(0, b("writes"), grows=True), 0)
        self.bfd = self.fds.declare("backend_fd")
        self.cfd = self.fds.declare("ckpt_fd")
        self.pending = spec.var("pending", Bool(), False, (F,))
        self.phase = spec.var("ckpt_phase", Enum(*CKPT_PHASES), IDLE)
        self.redo = spec.var("redo", Int(0, V, grows=True), 0, (F, P))
        self.ckpt = spec.var("ckpt", Int(0, V, grows=True), 0, (F, P))
        self.nckpt = spec.var("checkpoints", Int(0, b("checkpoints"), grows=True), 0)
        phases = RECOVERY_PHASES if proto.forged_start else RECOVERY_PHASES[:STOPPED]
        self.recovery = spec.var("recovery", Enum(*phases),
                                 STOPPED if proto.forged_start else RUNNING)
        self.crashes = spec.var("crashes", Int(0, b("crashes"), grows=True), 0)
        self.panicking = spec.var("panicking", Bool(), False)
        self.lost = spec.var("lost", Bool(), False)
        # the client's view (option client): a read of a row after such a recovery
        self.read_old = self.read_missing = None
        if self.cfg.option("client"):
            self.read_old = spec.var("read_old", Bool(), False)
            self.read_missing = spec.var("read_missing", Bool(), False)
        self.path.declare()
        self.tfd = self.fds.declare("other_fd")
        # syncfs backstop: a description of file 0 the checkpointer keeps for syncfs
        self.sbfd = self.fds.declare("ckpt_syncfs_fd")
        # error hook: the file-system error count the last completed checkpoint saw
        self.errs_seen = (spec.var("ckpt_fs_errors", Int(0, self.k.wrap - 1), 0)
                          if proto.error_hook else None)
        if proto.forged_start:
            self.forge(b("writes"))

    def _declare_processes(self) -> None:
        """Actions in a fixed order (the engines explore them in it), then the properties,
        the lanes, the symmetries and the pools."""
        spec, k = self.spec, self.k
        self._backends()
        self.path.declare_send()
        self._checkpointer()
        self._crashes()
        self._replay()
        if self.tfd is not None:
            k.declare_other_process(spec, self.tfd)
        k.declare_environment(spec)
        self._properties()
        spec.meta["lanes"].update(LANES)
        spec.meta["lane_docs"].update(LANE_DOCS)
        self.declare_symmetry()
        self.fds.declare_pools(k)
        spec.meta.update(protocol=self.proto.id, sources=list(self.proto.sources))

    # -- records and symmetry ------------------------------------------------------------------
    def declare_symmetry(self) -> None:
        """Pages of a file are interchangeable, and so are files (where no variant singles
        out file 0), backends and description slots: the reductions of each engine."""
        spec, k, path = self.spec, self.k, self.path
        for f in range(self.F):
            spec.symmetric([k.page_record(f, p) + [a[f][p] for a in self.page_arrays()]
                            for p in range(self.P)], path.page_refs(f), "pages")
        if self.files_symmetric():
            spec.symmetric([self.file_record(f) for f in range(self.F)], path.file_refs(),
                           "files")
        spec.symmetric([[self.bfd[b]] + path.backend_record(b) for b in range(self.B)],
                       name="backends")

    def page_arrays(self) -> list[Any]:
        """PostgreSQL's per-page arrays."""
        return [self.ver, self.bdirty, self.redo, self.ckpt]

    def files_symmetric(self) -> bool:
        """The syncfs backstop keeps a description of file 0, and recovery's syncfs opens
        file 0: there file 0 is not like the others."""
        return not (self.backstop or self.init_sync_method() == "syncfs")

    def file_record(self, f: int) -> list[Any]:
        """Every variable of file f: the kernel's, then PostgreSQL's, the request path's, the
        third party's."""
        out = self.k.file_record(f)
        for arr in self.page_arrays():
            out += arr[f].flat()
        out += [self.bfd[b][f] for b in range(self.B)] + [self.cfd[f], self.pending[f]]
        out += self.path.file_record(f)
        if self.tfd is not None:
            out.append(self.tfd[f])
        return out

    # -- helpers ------------------------------------------------------------------------------
    def alive(self) -> Expr:
        """Backends run only while PostgreSQL is up and no PANIC is pending."""
        return (self.recovery == RUNNING) & ~self.panicking

    def pages(self) -> list[tuple[int, int]]:
        """Every (file, page), in the order loops over pages take."""
        return [(f, p) for f in range(self.F) for p in range(self.P)]

    def open_as(self, u: Update, holder: Any, f: int, rule: str) -> Expr:
        """Open f into ``holder`` unless it is open (fd.c reopens closed vfds on demand);
        the result is whether it opened."""
        with u.when(holder == self.k.NONE) as opening:
            self.k.open_into(u, holder, f, rule)
        return opening

    def open_backend(self, u: Update, b: int, f: int, rule: str) -> None:
        """Backend b's descriptor of f, opened if it is closed, as the request path records."""
        self.path.backend_opened(u, self.open_as(u, self.bfd[b][f], f, rule), b, f)

    def open_ckpt(self, u: Update, f: int, rule: str) -> None:
        """The checkpointer's descriptor of f, opened if it is closed."""
        self.path.ckpt_opened(u, self.open_as(u, self.cfd[f], f, rule), f)
