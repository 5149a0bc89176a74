"""A bbolt database (etcd-io/bbolt@4e65d8f db.go, tx.go) inside a process: its file (the
copy-on-write file of lmdb/cow.py, with R = 2: ReleasePendingPages), its descriptor, a write
transaction's commit, and the actions of that commit.  The bbolt engine (model.py) and etcd's
backend (families/etcd) each hold one and say what a commit's success and failure do.

Memory: ``tx_phase`` (how far tx.Commit got) and ``tx_txid`` (tx.meta's txid: db.meta()'s,
plus one, copied at tx.init).  db.meta() reads meta0 and meta1 through the mmap (the page
cache, else the disk) each time a transaction begins: the valid one with the higher txid,
else the other valid one (neither: a panic, here a corrupt database: cow.py).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from ...kernel.model import Kernel
from ...lang.expr import Expr, Local, ite
from ...lang.spec import Enum, Int, Spec, Update
from ..kv import Client
from ..lmdb.cow import META_PAGES, CowFile

FIRST = 2            # db.init writes meta0 (txid 0) and meta1 (txid 1); the first tx is 2


def last_txid(writes: int, commits: int) -> int:
    """The largest txid of a DB that commits at most ``commits`` transactions more than it
    takes puts (a txid grows by one per commit at most)."""
    return FIRST - 1 + writes + commits

PHASE = Enum("idle", "written", "synced", "meta")
IDLE, WRITTEN, SYNCED, META = range(4)
Step = Callable[[Update, int], None]    # (the update, the inode of the DB's file)


class Bolt:
    """The DB's file, descriptor and commit (see the module's docstring)."""

    def __init__(self, spec: Spec, k: Kernel, client: Client, name: int, fd: Any,
                 actor: str, last: int, ci: bool = False) -> None:
        """``name``: the file's name in the kernel's directory; ``fd``: the variable (per
        inode) holding db.file's description; ``last``: the largest txid a commit takes
        (``last_txid``); ``ci``: snapshots hold etcd's consistent index."""
        self.spec, self.k, self.name, self.fd, self.actor = spec, k, name, fd, actor
        self.file = CowFile(spec, k, client, ci)
        self.last = last
        self.phase = spec.var("tx_phase", PHASE, IDLE)
        self.txid = spec.var("tx_txid", Int(0, last, grows=True), 0)

    def at(self, f: int) -> Expr:
        return self.k.lookup(self.name) == f

    def idle(self) -> Expr:
        return self.phase == IDLE

    def meta(self, f: int) -> Expr:
        """db.meta(): the valid meta with the higher txid, else the other (0: neither)."""
        m0, m1 = self.file.meta(f, 0), self.file.meta(f, 1)
        newer = self.file.txid(m1) > self.file.txid(m0)
        a, b = ite(newer, m1, m0), ite(newer, m0, m1)
        return ite(a != 0, a, b)

    def value(self, f: int, key: int) -> Expr:
        """Key's value in the tree db.meta() names (a read-only transaction: db.View)."""
        return self.file.value(self.file.tree(f, self.meta(f)), key)

    def at_file(self, of: Callable[[int], Expr]) -> Expr:
        """``of(f)`` for the inode the DB's name points to."""
        return self.k.on_name(self.name, of)

    def end(self, u: Update) -> None:
        """No transaction is committing (its txid is gone with it)."""
        u[self.phase] = IDLE
        u[self.txid] = 0

    # -- bolt.Open ------------------------------------------------------------------------------
    def empty(self, f: int) -> Expr:
        """Inode f, which the DB's name points to or a create would take, is empty: Open
        runs db.init on it."""
        return self.k.size[f] == 0

    def openable(self, f: int) -> Expr:
        """bolt.Open can open inode f: an empty file, or one whose meta pages are not both
        invalid (getPageSize, mmap: an error otherwise, and the DB never opens)."""
        return self.k.may_open_name(self.name, f) & (self.empty(f) | (self.meta(f) != 0))

    def open(self, u: Update, f: int, rule: str, fate: str) -> Local:
        """bolt.Open inside an action whose guard holds ``openable(f)``: os.OpenFile(O_RDWR
        | O_CREATE); an empty file gets db.init: one writeAt of the metas (txid 0 and 1),
        the freelist and the empty leaf (the tree pages here, so the file has its size for
        good), then fdatasync.  Returns whether that fdatasync failed (Open returns it)."""
        k = self.k
        new = u.let(self.empty(f))
        k.open_name(u, self.fd[f], self.name, f, rule, guarded=True)
        with u.when(new):
            for m in range(META_PAGES):
                k.write(u, f, m, self.file.code(m, self.file.EMPTY_ROOT))
            for r in range(self.file.R):
                k.write(u, f, META_PAGES + r, 0)
            err = k.fsync(u, f, self.fd[f], fate, name="fdatasync")
        return u.let(new & err)

    # -- tx.Commit ------------------------------------------------------------------------------
    def can_write(self, base: Expr) -> Expr:
        """A transaction begun on meta ``base`` is within the bound on txids."""
        return self.file.txid(base) < self.last

    def write(self, u: Update, f: int, base: Expr, v: Expr, values: Sequence[Expr],
              ci: Expr | None = None) -> None:
        """tx.init from meta ``base`` (txid + 1), then tx.Commit up to tx.write's writeAt of
        the dirty pages: the new tree, snapshot v, to the pages ReleasePendingPages freed."""
        t = u.let(self.file.txid(base) + 1)
        u[self.txid] = t
        self.file.write_tree(u, f, t, v, values, ci)
        u[self.phase] = WRITTEN

    def declare_commit(self, when: Expr, done: Step, failed: Step) -> None:
        """The rest of tx.Commit, one action per system call; ``done``: what the caller
        does when Commit returns nil, ``failed``: when it returns the error."""
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("tx_sync", actor=self.actor, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """tx.write: fdatasync(db) after the pages (bolt_linux.go; file.Sync()
            elsewhere).  An error: tx.rollback() (the freelist reloaded from db.meta()),
            Commit returns it."""
            u.require(when, self.phase == WRITTEN, self.at(f))
            err = self.sync(u, f, fate, failed)
            with u.when(~err):
                u[self.phase] = SYNCED

        @spec.action("tx_write_meta", actor=self.actor, f=F)
        def _(u: Update, f: int) -> None:
            """tx.writeMeta: writeAt of meta page txid % 2 (tx.meta.Write)."""
            u.require(when, self.phase == SYNCED, self.at(f))
            t = self.txid
            self.file.write_meta(u, f, t, self.file.code(t, self.file.slot(t)))
            u[self.phase] = META

        @spec.action("tx_sync_meta", actor=self.actor, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """tx.writeMeta: fdatasync(db).  An error: tx.rollback(), Commit returns it; the
            meta written stays in the page cache, where the next db.meta() may read it."""
            u.require(when, self.phase == META, self.at(f))
            err = self.sync(u, f, fate, failed)
            with u.when(~err):
                self.end(u)
                done(u, f)

    def sync(self, u: Update, f: int, fate: str, failed: Step) -> Local:
        """fdatasync(db); an error ends the commit and the caller's ``failed`` follows."""
        err = self.k.fsync(u, f, self.fd[f], fate, name="fdatasync")
        with u.when(err):
            self.end(u)
            failed(u, f)
        return err
