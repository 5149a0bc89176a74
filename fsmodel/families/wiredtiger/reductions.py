"""WiredTiger's reductions: states that differ only in what nothing can observe any more are
made one (``Spec.canonical``: updates appended to every action; ``--no-reduction`` leaves
them out).  Each maps a state s to its image c(s), itself a state, such that every step from
either of s and c(s) leads to a state whose image is c(s) (a step nothing observes) or has a
step from the other to a state with the same image.  Breadth-first search over the images
then reaches each image at the least depth of the states it stands for, and no property
reads what an image forgets (the client's flags are kept): every verdict and every shortest
counterexample stays as it was."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ...kernel.model import Kernel
from ...lang.spec import Update

if TYPE_CHECKING:
    from .model import WiredTiger


def declare(engine: WiredTiger) -> None:
    """Every reduction, appended to the actions declared from here on (all of them)."""
    if not engine.cfg.reduce:
        return
    spec = engine.spec
    spec.canonical(engine.k.forget_equal_pages)
    spec.canonical(lambda u: forget_superblock_errors(u, engine.k))
    spec.canonical(lambda u: forget_orphans(u, engine))
    spec.canonical(lambda u: forget_after_the_end(u, engine))


def forget_superblock_errors(u: Update, k: Kernel) -> None:
    """Linux 5.8's per-superblock errseq (s_wb_err) and each description's syncfs cursor
    (f_sb_err) are read only by syncfs(2), which neither WiredTiger (__posix_sync,
    __posix_directory_sync: fsync and fdatasync) nor the third party calls: kept at 0."""
    if k.sb is None:
        return
    u[k.sb] = 0
    for f in range(k.F):
        for s in range(k.S):
            u[k.sbcur[f][s]] = 0


def forget_orphans(u: Update, engine: WiredTiger) -> None:
    """An inode no name points to, in memory or on disk, that WiredTiger does not hold (the
    turtle a rename replaced, a turtle.set recovery removed, while the third party keeps it
    open) is wiped as its last close will wipe it: pages, sizes, error record, journal and
    cursors.  Nothing reads it (no name leads to it, a power loss frees it), and an fsync of
    it by the third party then returns 0: on Linux its commit is the kernel's own ``commit``
    step, which the state it stands for can take when its fsync fails; elsewhere it changes
    only the inode.  Its holder, its device fault and ``inode`` stay (a create cannot take
    it; the fault is its sectors')."""
    k = engine.k
    for f in range(k.F):
        with u.when(~k.named(f) & ~k.named_on_disk(f) & k.referenced(f)
                    & (engine.fd[f] == k.NONE)):
            wipe(u, k, f)


def wipe(u: Update, k: Kernel, f: int) -> None:
    """Inode f as a create finds it, but for its holders and its device fault."""
    for p in range(k.P):
        k.evict_page(u, f, p)
        u[k.disk[f][p]] = 0
    u[k.size[f]] = 0
    u[k.size_disk[f]] = 0
    u[k.err[f]] = 0
    for s in range(k.S):
        u[k.cur[f][s]] = 0
    if k.jstate is not None:
        k.data.forget(u, f)
    if k.unfinished is not None:
        u[k.unfinished[f]] = False


def forget_after_the_end(u: Update, engine: WiredTiger) -> None:
    """Once mongod has panicked with no restart left in the bounds it never serves again: no
    read sets a flag, so every such state is one (the initial state with the client's flags,
    the crash count and the panic)."""
    keep = {v.slot for v in (engine.aborted, engine.crashes, engine.up,
                             *engine.client.seen.values())}
    with u.when(engine.aborted & ~engine.room()):
        for info in engine.spec.vars:
            if info.var.slot not in keep:
                u[info.var] = info.init
