"""LMDB's protocol, from LMDB/lmdb@9c9d345 libraries/liblmdb/mdb.c, with the default flags
(no MDB_NOSYNC, MDB_NOMETASYNC, MDB_WRITEMAP): each put is one write transaction.

File: ``data.mdb`` (cow.py: meta pages 0 and 1, the tree's pages after them), opened twice:
``me_fd`` (O_RDWR: reads, page writes, fdatasync) and ``me_mfd`` (MDB_O_META, O_WRONLY |
O_DSYNC: meta writes, each synced by the write itself).  The lock file holds no data: its
``mti_txnid`` (the newest committed txn id, ``txnid`` here) is set from the meta pages by the
first process to open the environment (mdb_env_share_locks), so it lives as the process
does.  Memory: ``txnid`` and the commit's progress (``commit``).

A commit (_mdb_txn_commit): mdb_page_flush writes the tree, mdb_env_sync0 fdatasyncs it,
mdb_env_write_meta writes the meta through me_mfd.  A failed data sync aborts the txn; a
failed meta write writes the old txn id back and sets MDB_FATAL_ERROR, after which every
mdb_txn_begin, read-only ones too, returns MDB_PANIC: the application can only close the
environment and open it again (``exit`` here; opening is the ``open`` action).  Readers use
the meta page that txnid names, through the mmap (the page cache, else the disk).

Simplifications, of granularity: a transaction holds one put; the O_DSYNC pwrite is a write
and an fsync of the file through me_mfd (generic_write_sync syncs the written range only,
the kernel model whole files: the same here, a fault covering the whole file); the failed
meta write and the pwrite of the old txn id that follows it are one action (nothing of the
process runs between them).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...lang.expr import Expr, Or, ite
from ...lang.spec import Enum, Int, Update
from ..base import Family
from ..kv import EngineSpec
from .cow import CowEngine, CowFile, forget_equal_pages, symmetric_keys
from .family import LMDB as FAMILY_LMDB

DATA = 0
PHASE = Enum("idle", "flushed", "synced")
IDLE, FLUSHED, SYNCED = range(3)


class LMDB(CowEngine):
    names = ("data.mdb",)
    process = "lmdb"
    doc = ("mdb_txn_commit: writes the tree, fdatasyncs it, writes the meta page O_DSYNC; "
           "reads through the mmap")
    fd_names = ("me_fd", "me_mfd")

    def last_txid(self) -> int:
        """A txn id grows by one per put at most (both metas of a new environment are 0)."""
        return self.cfg.bound("writes")

    def declare_state(self) -> None:
        spec = self.spec
        self.fd = self.fds.declare("me_fd")
        self.mfd = self.fds.declare("me_mfd")
        self.file = CowFile(spec, self.k, self.client)
        forget_equal_pages(spec, self.k)
        self.txnid = spec.var("txnid", Int(0, self.last_txid(), grows=True), 0)
        self.commit = spec.var("commit", PHASE, IDLE)

    def declare_protocol(self) -> None:
        self._open()
        self._commit()
        symmetric_keys(self.spec, self.client, [[s] for s in self.file.snap])

    def forget(self, u: Update) -> None:
        u[self.txnid] = 0
        u[self.commit] = IDLE

    # -- what a transaction sees ----------------------------------------------------------------
    def at(self, f: int) -> Expr:
        return self.k.lookup(DATA) == f

    def current(self, f: int) -> Expr:
        """mdb_txn_renew0: the meta page ``txnid & 1`` (me_metas[], in the mmap)."""
        return self.file.slot_meta(f, self.txnid)

    def get(self, key: int) -> Expr:
        """mdb_get in a read-only txn: the tree of the current meta, through the mmap."""
        file = self.file
        return self.k.on_name(DATA, lambda f: file.value(file.tree(f, self.current(f)), key))

    def serving(self) -> Expr:
        """A corrupt root (a zero page) fails every read with MDB_CORRUPTED."""
        return ~Or(*(self.at(f) & self.file.corrupt(f, self.current(f))
                     for f in range(self.k.F)))

    # -- opening ---------------------------------------------------------------------------------
    def _open(self) -> None:
        spec, k = self.spec, self.k

        @spec.action("open", actor=self.process, f=range(k.F), rule=k.sample_rules,
                     mrule=k.sample_rules)
        def _(u: Update, f: int, rule: str, mrule: str) -> None:
            """mdb_env_open: me_fd (O_RDWR | O_CREAT) and me_mfd (MDB_O_META).
            mdb_env_open2: an empty file is a new environment (mdb_env_read_header: ENOENT),
            whose two metas mdb_env_init_meta writes with one pwrite and no sync; otherwise
            both meta pages must read as metas (pread, through the page cache), else
            MDB_INVALID and the environment never opens.  mdb_env_share_locks: mti_txnid
            from mdb_env_pick_meta, the meta with the larger txn id (meta 0 on a tie)."""
            new = k.size[f] == 0
            u.require(~self.up, k.may_open_name(DATA, f), new | (
                (k.size[f] >= 2) & (self.file.meta(f, 0) != 0) & (self.file.meta(f, 1) != 0)))
            fresh = u.let(new)
            k.open_name(u, self.fd[f], DATA, f, rule, guarded=True)
            k.open_name(u, self.mfd[f], DATA, f, mrule, create=False, guarded=True)
            with u.when(fresh):
                for m in range(2):
                    k.write(u, f, m, self.file.code(0, self.file.EMPTY_ROOT))
            m0, m1 = (self.file.txid(self.file.meta(f, m)) for m in range(2))
            u[self.txnid] = ite(m0 < m1, m1, m0)
            u[self.up] = True

    # -- a put: one write transaction ------------------------------------------------------------
    def _commit(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("put", actor=self.process, key=range(self.client.K), f=F)
        def _(u: Update, key: int, f: int) -> None:
            """mdb_txn_begin (mdb_txn_renew0: the meta page txnid & 1, its root), mdb_put,
            then _mdb_txn_commit's mdb_page_flush: pwrite of the new tree on me_fd, to the
            page the allocator reuses.  A corrupt root fails mdb_put: no put is taken."""
            u.require(self.up, self.commit == IDLE, self.at(f),
                      ~self.file.corrupt(f, self.current(f)))
            v = self.client.issue(u, key)
            parent = u.let(self.file.tree(f, self.current(f)))
            self.file.write_tree(u, f, self.txnid + 1, v, self.file.put(parent, key, v))
            u[self.commit] = FLUSHED

        @spec.action("sync_data", actor=self.process, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """mdb_env_sync0: fdatasync(me_fd).  An error: goto fail, _mdb_txn_abort; the put
            fails, the environment goes on (txnid unchanged: the next txn reuses the id)."""
            u.require(self.up, self.commit == FLUSHED, self.at(f))
            v = u.let(self.client.pending())
            err = k.fsync(u, f, self.fd[f], fate, name="fdatasync")
            with u.when(~err):
                u[self.commit] = SYNCED
            with u.when(err):
                u[self.commit] = IDLE
                self.client.answer_failed(u, v)

        @spec.action("write_meta", actor=self.process, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """mdb_env_write_meta: pwrite of meta page txnid & 1 on me_mfd (O_DSYNC: the write
            is synced before it returns).  An error: "Write some old data back, to prevent it
            from being used": the old mm_txnid (read from the mmap first) with the new root,
            pwrite on me_fd, unsynced; then MDB_FATAL_ERROR: the put fails and the
            environment is closed (MDB_PANIC from every later txn)."""
            u.require(self.up, self.commit == SYNCED, self.at(f))
            v = u.let(self.client.pending())
            t = u.let(self.txnid + 1)
            old = u.let(self.file.txid(self.file.slot_meta(f, t)))
            self.file.write_meta(u, f, t, self.file.code(t, self.file.slot(t)))
            err = k.fsync(u, f, self.mfd[f], fate, name="pwrite(O_DSYNC)")
            u[self.commit] = IDLE
            with u.when(~err):
                u[self.txnid] = t
                self.client.answer_ok(u, v)
            with u.when(err):
                self.file.write_meta(u, f, t, self.file.code(old, self.file.slot(t)))
                self.client.answer_failed(u, v)
                self.exit(u)


@dataclass(frozen=True)
class LMDBSpec(EngineSpec):
    family: ClassVar[Family] = FAMILY_LMDB
    model: ClassVar[type] = LMDB
