"""The data path: how written data reaches the disk, as a strategy the kernel holds.

``InPlace`` is every file system but ext4 data=journal: write-back writes a page where it
lives, and fsync writes the file's dirty pages and reports (docs/model.md §2).  ``Journalled``
(journal.py) is ext4 data=journal.  Each says what fsync, sync_file_range, direct I/O, sync,
an unmount and a power loss do to the data, and which background work the kernel does."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lang.expr import Expr
from ..lang.spec import Spec, Update
from .lanes import DISK
from .states import ABSENT, DIRTY, NO_FAULT, RETURNS

if TYPE_CHECKING:
    from .model import Kernel


class InPlace:
    """Write-back writes each page in place."""
    reports_gone = True     # fsync after the device is gone fails with ENODEV (#14)

    def __init__(self, k: Kernel) -> None:
        self.k = k

    def commit(self, u: Update) -> None:
        """A journal commit carries no data: data is written in place."""

    def sync_file(self, u: Update, f: int, s: Expr, fate: str) -> Expr:
        """fsync's data part: write f's dirty pages, then report (errors.py); on Btrfs also
        the failure of a write whose ordered extent is not finished yet."""
        k = self.k
        return self.ordered(f, k.report(u, f, s, k.flush(u, f, fate)))

    def ordered(self, f: int, err: Expr) -> Expr:
        """Btrfs: btrfs_wait_ordered_range returns -EIO while a failed ordered extent of the
        file is unfinished, whatever the description's cursor says."""
        return err if self.k.unfinished is None else err | self.k.unfinished[f]

    def finish(self, u: Update) -> None:
        """The work the kernel finishes on its own, at a time of its choosing: Btrfs's
        ordered extents."""
        if self.k.unfinished is not None:
            for f in range(self.k.F):
                u[self.k.unfinished[f]] = False

    def start_writeback(self, u: Update, f: int, fate: str) -> None:
        """sync_file_range(WRITE): f's dirty pages are written."""
        self.k.flush(u, f, fate)

    def wait_writeback(self, u: Update, f: int, s: Expr, fate: str) -> Expr:
        """sync_file_range(WRITE | WAIT): written, and the wait reports as fsync does."""
        k = self.k
        return self.ordered(f, k.report(u, f, s, k.flush(u, f, fate)))

    def write_direct(self, u: Update, f: int, p: int, version: Expr) -> None:
        """O_DIRECT: straight to the disk, failing at once on a bad range and recording no
        error for fsync; the cached page is dropped (conformance "direct")."""
        k = self.k
        bad = u.let(k.fault_at(f, p) != NO_FAULT)
        u.call("write_direct", DISK, result=bad, results=RETURNS, file=f, page=p,
               version=version)
        with u.when(~bad):
            u[k.disk[f][p]] = version
            u[k.page[f][p]] = ABSENT
            u[k.cache[f][p]] = 0

    def read_direct(self, u: Update, f: int, p: int) -> None:
        """O_DIRECT read: the disk's version."""
        u.call("read_direct", DISK, result=self.k.disk[f][p], file=f, page=p)

    def sync_all(self, u: Update, fate: str) -> None:
        """sync(2), syncfs(2): every file's dirty pages written."""
        for f in range(self.k.F):
            self.k.flush(u, f, fate)

    def unmount(self, u: Update, f: int, fate: str) -> None:
        """An unmount writes every dirty page."""
        self.k.flush(u, f, fate)

    def crash(self, u: Update) -> None:
        """A power loss keeps what is in place."""
        self.finish(u)

    def background(self, spec: Spec, when: Expr) -> None:
        """Background write-back of one dirty page at a time (docs/model.md §2)."""
        k, F, P = self.k, range(self.k.F), range(self.k.P)

        @spec.action("writeback", actor="kernel", f=F, p=P, fate=k.bg_fates)
        def _(u: Update, f: int, p: int, fate: str) -> None:
            """Background write-back of one dirty page (docs/model.md §2)."""
            u.require(when, k.page[f][p] == DIRTY)
            k.writeback_page(u, f, p, fate)

        if k.unfinished is not None:
            @spec.action("finish_ordered", actor="kernel", f=F)
            def _(u: Update, f: int) -> None:
                """Btrfs finishes a failed write's ordered extent: syncs stop reporting it
                (btrfs_finish_ordered_io)."""
                u.require(when, k.unfinished[f])
                u[k.unfinished[f]] = False

