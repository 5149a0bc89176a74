"""etcd's protocol, one member, from etcd-io/etcd@c34dc7e (server/storage/wal/wal.go,
server/etcdserver/raft.go, server.go, bootstrap.go, server/storage/backend/batch_tx.go,
server/storage/mvcc/kvstore_txn.go) with raft v3.7 (an entry is committed, so applied and
answered, only once the WAL holding it is synced: raft 169f4c3cc, etcd#14370).

Files: ``db`` (the backend, a bbolt DB: families/bbolt/bolt.py, its snapshots holding the
consistent index) and ``wal`` (one segment: one entry per page, a value id; entry i is page
i - 1).  Memory: the mvcc key index (``kvindex``: each key's newest revision, a value id), the
batch transaction's puts not yet committed to bbolt (``buf``, also the read buffer), the
consistent index (``ci``: the index of the last entry applied to the backend), the meta
the backend's write and read transactions began from (``base``) and where the next entry
goes in the segment (``wal_end``: the encoder's offset; the segment is preallocated whole).

A put: raft appends the entry and wal.Save writes and fdatasyncs it; then the entry is
applied (the index, the batch transaction, ci) and the client answered.  Every 100 ms the
backend commits the batch transaction (a bbolt tx.Commit).  Any failed sync is lg.Fatal: the
process exits and the put waiting is never answered.  Restarting replays every WAL entry after
the consistent index that bbolt holds.

Simplifications, of granularity: the WAL's other records (CRC, metadata, hard state,
snapshot) are not pages, and its segment never fills; the WAL and snap directories are one;
a put (its WAL write and fdatasync) and a backend commit do not interleave (they touch
different files, and apply waits for the batch transaction's lock anyway); a commit's tree
is read when it is written, not when the batch's first put touches it; the meta bucket
bootstrap creates is not a commit of its own; the backend commits at most one transaction
more than there are puts (``REPLAYS``: txids are bounded; a restart that replays after a
lost commit commits again, with no end while the fault lasts).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...lang.expr import And, Expr, Or, TRUE, ite, lift
from ...lang.spec import Int, Update
from ..base import Family
from ..bbolt.bolt import Bolt, last_txid
from ..kv import EngineSpec
from ..lmdb.cow import CowEngine, forget_equal_pages, symmetric_keys
from .family import ETCD

DB, WAL = range(2)
REPLAYS = 1     # backend commits beyond one per put: a restart's replay commits again


class Etcd(CowEngine):
    names = ("db", "wal")
    process = "etcd"
    doc = ("wal.Save: entry written and fdatasynced, then applied to the index and the "
           "batch tx and answered; the backend commits bbolt every 100 ms; failures are "
           "lg.Fatal")
    fd_names = ("fd",)      # fd[f]: inode f's description, the db's or the WAL's

    def last_txid(self) -> int:
        return last_txid(self.cfg.bound("writes"), REPLAYS)

    def declare_state(self) -> None:
        spec, K, W = self.spec, self.client.K, self.client.W
        self.fd = self.fds.declare("fd")
        self.db = Bolt(spec, self.k, self.client, DB, self.fd, self.process,
                       self.last_txid(), ci=True)
        forget_equal_pages(self.spec, self.k)
        self.db.file.forget_unread(self.spec)
        self.kvindex = spec.var("kvindex", Int(0, W), 0, (K,))
        self.buf = spec.var("buf", Int(0, W), 0, (K,))
        self.ci = spec.var("ci", Int(0, W), 0)
        self.base = spec.var("base", Int(0, self.versions()), 0)
        self.wal_end = spec.var("wal_end", Int(0, self.k.P), 0)

    def declare_protocol(self) -> None:
        self._start()
        self._put()
        self._backend()
        symmetric_keys(self.spec, self.client,
                       [[self.db.file.snap[k], self.kvindex[k], self.buf[k]]
                        for k in range(self.client.K)])

    def forget(self, u: Update) -> None:
        for k in range(self.client.K):
            u[self.kvindex[k]] = 0
            u[self.buf[k]] = 0
        u[self.ci] = 0
        u[self.base] = 0
        u[self.wal_end] = 0
        self.db.end(u)

    # -- reads -----------------------------------------------------------------------------
    def at(self, name: int, f: int) -> Expr:
        return self.k.lookup(name) == f

    def stored(self, key: int) -> Expr:
        """Key's value in the bbolt tree the read transaction began on (0: none, or a
        corrupt tree)."""
        return self.db.at_file(lambda f: self.db.file.value(self.db.file.tree(f, self.base),
                                                             key))

    def has(self, key: int) -> Expr:
        """The backend holds the revision the index names for key: the read buffer or the
        bbolt tree (MVCC keeps a key's older revisions, so a newer value there holds it)."""
        rev = self.kvindex[key]
        return (rev == 0) | (self.buf[key] == rev) | (self.stored(key) >= rev)

    def get(self, key: int) -> Expr:
        """rangeKeys: the index's newest revision of key, its value read from the backend."""
        return self.kvindex[key]

    def serving(self) -> Expr:
        """Reads wait while the backend commits (batchTxBuffered.commit holds readTx's lock);
        a read of a revision the backend lacks is lg.Fatal (``range_fatal``)."""
        return self.db.idle() & And(*(self.has(k) for k in range(self.client.K)))

    # -- starting --------------------------------------------------------------------------
    def begin(self, u: Update, f: int) -> None:
        """bootstrapBackend: the consistent index from bbolt (ReadConsistentIndex), the key
        index from its tree (mvcc restore), the batch and read transactions begun on
        db.meta()."""
        u[self.base] = self.db.meta(f)
        tree = u.let(self.db.file.tree(f, self.base))
        u[self.ci] = self.db.file.ci(tree)
        for k in range(self.client.K):
            u[self.kvindex[k]] = self.db.file.value(tree, k)
            u[self.buf[k]] = 0

    def _start(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("bootstrap", actor=self.process, fd=F, fw=F, rule=k.sample_rules,
                     fate=k.sync_fates)
        def _(u: Update, fd: int, fw: int, rule: str, fate: str) -> None:
            """bootstrap with no WAL (wal.Exist): bootstrapBackend (``open_backend``), then
            bootstrapNewWAL, wal.Create: the new segment, preallocated to its full size
            (fileutil.Preallocate, extending it: shown as an ftruncate), its records
            synced, its directory renamed into place and the parent fsynced.  A failed
            sync: the temporary directory is removed, lg.Panic."""
            u.require(self.startable(fd), self.at(WAL, k.F), fw != fd,
                      k.may_open_name(WAL, fw, besides=(fd,)))
            ok = self.open_backend(u, fd, rule, fate)
            with u.when(ok):
                k.open_name(u, self.fd[fw], WAL, fw, rule, guarded=True)
                k.truncate(u, fw, k.P)
                err = k.fsync(u, fw, self.fd[fw], fate, name="fdatasync")
            with u.when(ok & ~err):
                k.fsync_dir(u)
                u[self.up] = True
            with u.when(ok & err):
                k.unlink(u, WAL)
                self.exit(u)

        @spec.action("recover", actor=self.process, fd=F, fw=F, rule=k.sample_rules,
                     fate=k.sync_fates)
        def _(u: Update, fd: int, fw: int, rule: str, fate: str) -> None:
            """bootstrap with a WAL: bootstrapBackend (``open_backend``), then wal.Open and
            ReadAll (records through the page cache up to the first that does not decode);
            raft replays every entry and apply puts those after the consistent index into
            the backend."""
            u.require(self.startable(fd), self.at(WAL, fw), fw != fd)
            ok = self.open_backend(u, fd, rule, fate)
            with u.when(ok):
                k.open_name(u, self.fd[fw], WAL, fw, rule, create=False, guarded=True)
                self.replay(u, fw)
                u[self.up] = True

    def startable(self, fd: int) -> Expr:
        """bootstrapBackend gets past bolt.Open and reads the consistent index (a corrupt
        tree panics there: etcd never starts)."""
        db = self.db
        return ~self.up & db.openable(fd) & (db.empty(fd) | ~db.file.corrupt(fd, db.meta(fd)))

    def open_backend(self, u: Update, fd: int, rule: str, fate: str) -> Expr:
        """bootstrapBackend: bolt.Open (db.init's failed fdatasync: Open's error, etcd
        exits), then the backend is read (``begin``).  Returns whether it got there."""
        err = self.db.open(u, fd, rule, fate)
        with u.when(err):
            self.exit(u)
        with u.when(~err):
            self.begin(u, fd)
        return ~err

    def replay(self, u: Update, fw: int) -> None:
        """Entry i (page i - 1) with i > ci is applied and ci becomes i.  ReadAll's
        ZeroToEnd: what follows the last entry that decodes reads as zeros from now on
        (Truncate then Preallocate: here zeros written over every page that is not)."""
        k, applied = self.k, u.let(self.ci)
        valid: Expr = TRUE
        for p in range(k.P):
            rec = u.let(k.read(fw, p))
            valid = u.let(valid & (k.size[fw] > p) & (rec != 0))
            with u.when(valid):
                u[self.wal_end] = p + 1
            with u.when(valid & (applied < p + 1)):
                self.apply(u, rec)
                u[self.ci] = p + 1
            with u.when(~valid & ((rec != 0) | (k.disk[fw][p] != 0))):
                k.write(u, fw, p, 0)

    def apply(self, u: Update, v: Expr) -> None:
        """applyEntryNormal: the put goes into the index and the batch transaction."""
        for key in range(self.client.K):
            with u.when(self.client.key_of(v) == key):
                u[self.kvindex[key]] = v
                u[self.buf[key]] = v

    # -- a put -----------------------------------------------------------------------------
    def _put(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("put", actor=self.process, key=range(self.client.K), fw=F)
        def _(u: Update, key: int, fw: int) -> None:
            """A proposal: raft appends the entry; the Ready's wal.Save encodes it and
            flushes it to the segment after the last entry (a buffered write)."""
            u.require(self.up, self.at(WAL, fw), self.wal_end < k.P, self.db.idle())
            v = self.client.issue(u, key)
            for p in range(k.P):
                with u.when(self.wal_end == p):
                    k.write(u, fw, p, v)
            u[self.wal_end] = self.wal_end + 1

        @spec.action("wal_sync", actor=self.process, fw=F, fate=k.sync_fates)
        def _(u: Update, fw: int, fate: str) -> None:
            """wal.Save's sync: fdatasync of the segment (raft.MustSync).  An error:
            lg.Fatal("failed to save Raft hard state and entries").  Then the entry is
            committed and applied (apply: only if its index is past the consistent index,
            else the backend skips it and the request is never answered)."""
            u.require(self.up, self.client.waiting(), self.at(WAL, fw), self.db.idle())
            v = u.let(self.client.pending())
            err = k.fsync(u, fw, self.fd[fw], fate, name="fdatasync")
            index = u.let(self.wal_end)
            fresh = u.let(index > self.ci)
            with u.when(~err & fresh):
                self.apply(u, v)
                u[self.ci] = index
                self.client.answer_ok(u, v)
            with u.when(err | ~fresh):
                self.client.interrupt(u)
            with u.when(err):
                self.exit(u)

        @spec.action("range_fatal", actor=self.process, key=range(self.client.K))
        def _(u: Update, key: int) -> None:
            """rangeKeys finds no revision pair in the backend for the index's revision:
            lg.Fatal("range failed to find revision pair")."""
            u.require(self.up, self.db.idle(), ~self.has(key))
            self.exit(u)

    # -- the backend's commit --------------------------------------------------------------
    def _backend(self) -> None:
        spec, db, K = self.spec, self.db, range(self.client.K)

        @spec.action("backend_commit", actor=self.process, fd=range(self.k.F))
        def _(u: Update, fd: int) -> None:
            """The backend's batch interval: batchTx.commit with pending puts: tx.Commit on
            the write transaction begun at ``base``, up to tx.write's writeAt.  A corrupt
            tree panics."""
            u.require(self.up, db.idle(), db.at(fd), ~self.client.waiting(),
                      Or(*(self.buf[k] != 0 for k in K)), db.can_write(self.base))
            tree = u.let(db.file.tree(fd, self.base))
            newest = lift(0)
            for k in K:
                newest = ite(self.buf[k] > newest, self.buf[k], newest)
            with u.when(tree != 0):
                db.write(u, fd, self.base, newest, [ite(self.buf[k] != 0, self.buf[k],
                                                         db.file.value(tree, k)) for k in K],
                         self.ci)
            with u.when(tree == 0):
                self.exit(u)

        def done(u: Update, f: int) -> None:
            """The commit's pending puts are in bbolt: the buffer empties; the next write
            and read transactions begin on db.meta()."""
            for k in K:
                u[self.buf[k]] = 0
            u[self.base] = db.meta(f)

        db.declare_commit(self.up, done=done, failed=lambda u, f: self.exit(u))


@dataclass(frozen=True)
class EtcdSpec(EngineSpec):
    family: ClassVar[Family] = ETCD
    model: ClassVar[type] = Etcd
