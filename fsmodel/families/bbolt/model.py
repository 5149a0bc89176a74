"""bbolt's protocol, from etcd-io/bbolt@4e65d8f (db.go, tx.go, bolt_linux.go), with the default
options (NoSync off): each put is one db.Update, a write transaction.

File: ``my.db`` (lmdb/cow.py: meta pages 0 and 1, the tree's pages after them), one descriptor
(db.file, O_RDWR | O_CREATE), read through the mmap.  A commit (tx.Commit): tx.write writes
the tree and fdatasyncs, tx.writeMeta writes the meta page and fdatasyncs; any error is
tx.rollback() and Commit returns it: the put fails and the DB goes on.  No old meta is
written back: a meta page whose fdatasync failed keeps its new content in the page cache
(ext4), where every later db.meta() reads it until the page is evicted.

Simplifications, of granularity: a transaction holds one put; the file never grows past the
four pages db.init writes (db.grow's truncate and fsync are not modelled), nor is the
freelist page written.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...lang.expr import Expr, Or
from ...lang.spec import Update
from ..base import Family
from ..kv import EngineSpec
from ..lmdb.cow import CowEngine, forget_equal_pages, symmetric_keys
from .bolt import Bolt, last_txid
from .family import BBOLT

DB = 0


class BBolt(CowEngine):
    names = ("my.db",)
    process = "bbolt"
    doc = ("tx.Commit: writes the tree and fdatasyncs, writes the meta page and fdatasyncs; "
           "db.meta() read through the mmap")
    fd_names = ("db_fd",)

    def last_txid(self) -> int:
        return last_txid(self.cfg.bound("writes"), 0)

    def declare_state(self) -> None:
        fd = self.fds.declare("db_fd")
        self.db = Bolt(self.spec, self.k, self.client, DB, fd, self.process,
                       self.last_txid())
        forget_equal_pages(self.spec, self.k)

    def declare_protocol(self) -> None:
        self._open()
        self._put()
        symmetric_keys(self.spec, self.client, [[s] for s in self.db.file.snap])

    def forget(self, u: Update) -> None:
        self.db.end(u)

    def get(self, key: int) -> Expr:
        """db.View: a read-only tx on db.meta()'s tree, through the mmap."""
        return self.db.at_file(lambda f: self.db.value(f, key))

    def serving(self) -> Expr:
        """A corrupt tree (no valid meta, a zero root page) panics every transaction."""
        return ~self.corrupt()

    def corrupt(self) -> Expr:
        return Or(*(self.db.at(f) & self.db.file.corrupt(f, self.db.meta(f))
                    for f in range(self.k.F)))

    def _open(self) -> None:
        spec, k = self.spec, self.k

        @spec.action("open", actor=self.process, f=range(k.F), rule=k.sample_rules,
                     fate=k.sync_fates)
        def _(u: Update, f: int, rule: str, fate: str) -> None:
            """bolt.Open (db.go): open or create my.db, db.init on an empty file; an error
            from db.init's fdatasync: db.close(), Open returns it (the process gives up and
            starts again)."""
            u.require(~self.up, self.db.openable(f))
            err = self.db.open(u, f, rule, fate)
            with u.when(~err):
                u[self.up] = True
            with u.when(err):
                self.exit(u)

    def _put(self) -> None:
        spec, db = self.spec, self.db

        @spec.action("put", actor=self.process, key=range(self.client.K), f=range(self.k.F))
        def _(u: Update, key: int, f: int) -> None:
            """db.Update: beginRWTx (tx.init: db.meta() through the mmap, txid + 1), Put,
            tx.Commit up to tx.write's writeAt of the new tree."""
            u.require(self.up, db.idle(), db.at(f), ~self.corrupt())
            v = self.client.issue(u, key)
            base = u.let(db.meta(f))
            tree = u.let(db.file.tree(f, base))
            db.write(u, f, base, v, db.file.put(tree, key, v))

        db.declare_commit(self.up, done=lambda u, f: self.client.answer_ok(
            u, self.client.pending()), failed=lambda u, f: self.client.answer_failed(
            u, self.client.pending()))


@dataclass(frozen=True)
class BBoltSpec(EngineSpec):
    family: ClassVar[Family] = BBOLT
    model: ClassVar[type] = BBolt
