"""The copy-on-write file of LMDB (LMDB/lmdb libraries/liblmdb/mdb.c) and of bbolt, its Go
port (etcd-io/bbolt: Bolt began as a port of LMDB), as the model holds it; bbolt and etcd
import it from here.

Pages: 0 and 1 are the meta pages (mdb.c NUM_METAS; bbolt's meta0, meta1), and transaction t
writes meta page t mod 2 (mdb_env_write_meta's ``toggle``; bbolt meta.Write: ``txid % 2``).
Pages 2 .. 2 + R - 1 are the tree's: a snapshot's whole B-tree is one page, and transaction t
writes its tree to page 2 + (t mod R).  The rotation abstracts how each allocator reuses
freed pages: LMDB's mdb_page_alloc takes only freeDB records older than mdb_find_oldest()
(txn t - 1 with no reader), i.e. pages freed by txn t - 2 or before, so the trees of t - 1
and t - 2 both stay intact while t is written: R = 3 is exact; bbolt's ReleasePendingPages
(no reader) frees what txn t - 1 freed, the tree of t - 2, which txn t then overwrites while
meta page t mod 2 still names it: R = 2 is exact.  The kernel's ``pages`` bound is R: every
file of these engines has the two meta pages besides (``with_meta_pages``).

Contents (ints, as the kernel holds them):
  * a tree page holds a snapshot id, the value id v of the newest put in that tree; the ghost
    ``snap[k][v-1]`` is the value key k has in it (0: none), ``snap_ci[v-1]`` etcd's
    consistent index stored in it.  0 is zeros (never written, or db.init's freelist and
    leaf, which no meta names as a tree): as a root, corrupt (LMDB: MDB_CORRUPTED in
    mdb_page_search_root; bbolt: FastCheck panics), which the engines take as refusing
    every transaction.
  * a meta page holds 1 + txid * (R + 1) + root: its txn id and its root, a tree page
    0 .. R - 1 or R for the empty tree (LMDB's P_INVALID root from mdb_env_init_meta0;
    bbolt's empty leaf, which db.init writes with the metas); 0 is zeros (bbolt: Validate
    fails).
Simplifications, of granularity: one page per tree (a tree's pages are written, synced and
lost together, and a tree is never half old, half new); the freelist (LMDB's freeDB,
bbolt's freelist page) and the file's growth (bbolt db.grow, LMDB mm_last_pg) are not
modelled.  Also here: the reductions the engines declare, each keeping every verdict and
shortest length (``forget_equal_pages``, ``symmetric_keys``, ``CowFile.forget_unread``).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar, Sequence

from ...config import BadConfig, Config
from ...kernel.model import Kernel
from ...lang.expr import Expr, ExprLike, Or, ite, lift, select
from ...lang.spec import Int, Ref, Spec, Update
from ..descriptors import Group
from ..kv import Client, Engine

META_PAGES = 2


def with_meta_pages(cfg: Config) -> Config:
    """The configuration the kernel is built with: ``pages`` counts a file's tree pages, and
    every file has the two meta pages besides."""
    roots = cfg.bound("pages")
    if roots < 2:
        raise BadConfig("pages: the copy-on-write tree needs two pages at least (a "
                        "transaction never writes over the tree the newest meta names)")
    return replace(cfg, bounds=cfg.bounds | {"pages": roots + META_PAGES})


def largest_content(cfg: Config, last_txid: int) -> int:
    """The largest int a page holds (``cfg`` as ``with_meta_pages`` made it): a value, or the
    meta of the largest txn id."""
    roots = cfg.bound("pages") - META_PAGES
    return max(cfg.bound("writes"), (last_txid + 1) * (roots + 1))


class CowEngine(Engine):
    """An engine over a copy-on-write file: its kernel has the two meta pages besides the
    ``pages`` bound's tree pages, its largest content is the meta of its largest txn id, and
    it holds one description per inode in each of ``fd_names``."""

    fd_names: ClassVar[tuple[str, ...]] = ("engine_fd",)

    def __init__(self, me: Any, cfg: Config) -> None:
        super().__init__(me, with_meta_pages(cfg))

    def descriptors(self, files: int) -> list[Group]:
        return [Group(name, (files,)) for name in self.fd_names]

    def versions(self) -> int:
        return largest_content(self.cfg, self.last_txid())

    def last_txid(self) -> int:
        """The largest txn id a commit takes at these bounds."""
        raise NotImplementedError


def forget_equal_pages(spec: Spec, k: Kernel) -> None:
    """The kernel's reduction of pages equal to the disk (``Kernel.forget_equal_pages``),
    with the configuration's ``reduce``: without it the engines' mmap'd files multiply the
    states by each page's cached-or-not."""
    if k.cfg.reduce:
        spec.canonical(k.forget_equal_pages)


def symmetric_keys(spec: Spec, client: Client, records: Sequence[Sequence[Any]]) -> None:
    """The client's keys are interchangeable (every action and property treats them alike):
    ``records[k]`` is every variable of key k, and each issued put's key names one."""
    refs = [Ref(client.key[i].slot, 0, 1, (client.puts.slot, i)) for i in range(client.W)]
    spec.symmetric(records, refs, name="keys")


class CowFile:
    """The ghost of the snapshots, the encoding of the pages, and what a read of the file
    finds (through the page cache: the engines read it through their mmap)."""

    def __init__(self, spec: Spec, k: Kernel, client: Client, ci: bool = False) -> None:
        """``ci``: the snapshots hold etcd's consistent index."""
        self.k, self.client = k, client
        self.R = k.P - META_PAGES
        self.EMPTY_ROOT = self.R
        W = client.W
        self.snap = spec.var("snap", Int(0, W), 0, (client.K, W))
        self.snap_ci = spec.var("snap_ci", Int(0, W), 0, (W,)) if ci else None

    # -- the meta pages ---------------------------------------------------------------------
    def code(self, txid: ExprLike, root: ExprLike) -> Expr:
        return 1 + lift(txid) * (self.R + 1) + root

    def txid(self, c: Expr) -> Expr:
        """(c - 1) // (R + 1), its dividend kept non-negative (the SMT and Promela encodings
        take // and % of non-negative values only)."""
        return ite(c == 0, 0, (c + self.R) // (self.R + 1) - 1)

    def root(self, c: Expr) -> Expr:
        return ite(c == 0, 0, (c + self.R) % (self.R + 1))

    def slot(self, txid: ExprLike) -> Expr:
        """The tree page txn ``txid`` writes."""
        return lift(txid) % self.R

    def meta(self, f: int, m: int) -> Expr:
        """Meta page m as a read through the mmap finds it."""
        return self.k.read(f, m)

    def slot_meta(self, f: int, txid: Expr) -> Expr:
        """The meta page txn id ``txid`` is written to, as a read finds it."""
        return ite(lift(txid) % 2 == 0, self.meta(f, 0), self.meta(f, 1))

    def write_meta(self, u: Update, f: int, txid: Expr, code: Expr) -> None:
        """pwrite of meta page txid mod 2 (buffered)."""
        for m in range(META_PAGES):
            with u.when(lift(txid) % 2 == m):
                self.k.write(u, f, m, code)

    # -- the trees ----------------------------------------------------------------------------
    def empty(self) -> int:
        """The snapshot id of the empty tree (no value id is this large)."""
        return self.client.W + 1

    def tree(self, f: int, c: Expr) -> Expr:
        """The snapshot the meta with content c names, read through the page cache: 0 (a
        corrupt root) for a zero meta or a zero root page."""
        page: Expr = lift(0)
        for r in range(self.R):
            page = ite(self.root(c) == r, self.k.read(f, META_PAGES + r), page)
        return ite(c == 0, 0, ite(self.root(c) == self.EMPTY_ROOT, self.empty(), page))

    def corrupt(self, f: int, c: Expr) -> Expr:
        return self.tree(f, c) == 0

    def value(self, s: Expr, key: int) -> Expr:
        """Key's value in snapshot s (0: none; a zero page and the empty tree hold none)."""
        return self.lookup(s, self.snap[key])

    def ci(self, s: Expr) -> Expr:
        """The consistent index snapshot s holds (etcd)."""
        assert self.snap_ci is not None
        return self.lookup(s, self.snap_ci)

    def lookup(self, s: Expr, ghost: Any) -> Expr:
        """``ghost[s - 1]`` for a snapshot s (0 for 0 and the empty tree)."""
        return select(s, [lift(0), *ghost, lift(0)])

    def write_tree(self, u: Update, f: int, txid: Expr, v: Expr, values: Sequence[Expr],
                   ci: Expr | None = None) -> None:
        """Txn ``txid`` writes its tree, snapshot v, to page 2 + txid mod R (pwrite, buffered),
        and the ghost records what snapshot v holds."""
        for key, x in enumerate(values):
            u.store(self.snap[key], lift(v) - 1, x)
        if self.snap_ci is not None and ci is not None:
            u.store(self.snap_ci, lift(v) - 1, ci)
        for r in range(self.R):
            with u.when(self.slot(txid) == r):
                self.k.write(u, f, META_PAGES + r, v)

    def forget_unread(self, spec: Spec) -> None:
        """A reduction (with ``reduce``), after every action: the ghost of a snapshot no tree
        page holds any more (cached, in place, or in data=journal's journal) is zeroed; only
        a tree page's read looks it up, and writing the snapshot again rewrites it whole.
        For etcd, whose replays commit snapshots again and again: LMDB's and bbolt's keep
        too few to gain, and their key symmetry sorts by the ghost."""
        k = self.k
        if not k.cfg.reduce:
            return

        @spec.canonical
        def _(u: Update) -> None:
            for v in range(1, self.client.W + 1):
                held = []
                for f in range(k.F):
                    for p in range(META_PAGES, k.P):
                        held += [(k.cache[f][p] == v) & k.cached(f, p), k.disk[f][p] == v]
                        if k.jver is not None:
                            held.append(k.jver[f][p] == v)
                with u.when(~Or(*held)):
                    for key in range(self.client.K):
                        u[self.snap[key][v - 1]] = 0
                    if self.snap_ci is not None:
                        u[self.snap_ci[v - 1]] = 0

    def put(self, s: Expr, key: int, v: Expr) -> list[Expr]:
        """Snapshot s's map with ``key`` set to v."""
        return [lift(v) if k == key else self.value(s, k) for k in range(self.client.K)]
