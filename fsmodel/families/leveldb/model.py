"""LevelDB's protocol, from google/leveldb@78a352f (db/db_impl.cc, db/builder.cc,
util/env_posix.cc), with ``WriteOptions.sync = true``.

Files: ``log`` (the write-ahead log: one record per page, each a value), ``table`` (the
tables, merged into one: page k holds key k's value) and ``table.tmp`` (a table being built).
Memory: the memtable (``mem[k]``), the sticky background error (``bg_error``), and whether
opening is building a table (``building``).

Simplifications, of granularity at these bounds: the memtable never fills in normal
operation (write_buffer_size is 4 MB), so only opening writes tables; the level-0 table that
opening writes and the older tables are merged into one file, installed by a rename (the
MANIFEST's append and sync and CURRENT's rename are one commit point: the version naming the
new table); the new log and the deletion of the old one are the log's truncation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...lang.expr import Expr, Or, ite, lift
from ...lang.spec import Bool, Int, Update
from ..base import Family
from ..kv import Engine, EngineSpec
from ..kv.records import last_in_log
from .family import LEVELDB

LOG, TABLE, TMP = range(3)


class LevelDB(Engine):
    names = ("log", "table", "table.tmp")
    process = "leveldb"
    doc = ("DBImpl: appends each put to the log and fdatasyncs it; opening replays the log "
           "into a table")
    # What a failed log sync does besides the sticky error: nothing (the code), or cut the
    # log back to its last synced record first (a proposal: specs/leveldb/patches/).
    knobs: ClassVar[dict[str, tuple[Any, ...]]] = {"on_sync_error": ("sticky", "truncate-log")}

    def needs(self) -> dict[str, int]:
        return {"pages": self.cfg.bound("keys")}       # the table: a page per key

    def declare_state(self) -> None:
        spec, K, W = self.spec, self.client.K, self.client.W
        self.fd = self.fds.declare("engine_fd")
        self.mem = spec.var("mem", Int(0, W), 0, (K,))
        self.bg_error = spec.var("bg_error", Bool(), False)
        self.building = spec.var("building", Bool(), False)

    def at(self, name: int, f: int) -> Expr:
        return self.k.lookup(name) == f

    def table_value(self, key: int) -> Expr:
        """Key's value in the installed table, read through the page cache (0: none)."""
        k, out = self.k, lift(0)
        for f in range(k.F):
            out = ite(self.at(TABLE, f) & (k.size[f] > key), k.read(f, key), out)
        return out

    def get(self, key: int) -> Expr:
        """DBImpl::Get: the memtable, then the tables."""
        return ite(self.mem[key] != 0, self.mem[key], self.table_value(key))

    def replayed(self, f: int, key: int) -> Expr:
        """RecoverLogFile: the last record of ``key`` in log file f (log::Reader checks each
        record's CRC and stops at the first bad block; a page reading 0 is one)."""
        return last_in_log(self.k, f, key, self.client.key_of)

    def declare_protocol(self) -> None:
        self._open()
        self._put()

    def forget(self, u: Update) -> None:
        for m in self.mem:
            u[m] = 0
        u[self.bg_error] = False
        u[self.building] = False

    # -- a put -----------------------------------------------------------------------------
    def _put(self) -> None:
        spec, k, F = self.spec, self.k, range(self.k.F)

        @spec.action("put", actor=self.process, key=range(self.client.K), f=F)
        def _(u: Update, key: int, f: int) -> None:
            """DBImpl::Write: the record goes to the log (log_->AddRecord, a buffered write).
            MakeRoomForWrite returns bg_error_ once set: no put is taken then."""
            u.require(self.up, ~self.bg_error, self.at(LOG, f), k.size[f] < k.P)
            v = self.client.issue(u, key)
            k.append(u, f, v)

        @spec.action("sync_log", actor=self.process, f=F, fate=k.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """logfile_->Sync() (fdatasync in PosixWritableFile::SyncFd).  0: the memtable
            takes the record and the put is acknowledged.  An error: RecordBackgroundError,
            the memtable is left as it was, this put fails and so will every later one."""
            u.require(self.up, self.client.waiting(), self.at(LOG, f))
            v = u.let(self.client.pending())
            err = k.fsync(u, f, self.fd[f], fate, name="fdatasync")
            with u.when(~err):
                for key in range(self.client.K):
                    with u.when(self.client.key_of(v) == key):
                        u[self.mem[key]] = v
                self.client.answer_ok(u, v)
            with u.when(err):
                u[self.bg_error] = True
                self.client.answer_failed(u, v)
                if self.me.knob("on_sync_error") == "truncate-log":
                    self.cut_last_record(u, f)

    def cut_last_record(self, u: Update, f: int) -> None:
        """ftruncate the log to before the record whose sync failed (the last one)."""
        for n in range(1, self.k.P + 1):
            with u.when(self.k.size[f] == n):
                self.k.truncate(u, f, n - 1)

    # -- opening ---------------------------------------------------------------------------
    def _open(self) -> None:
        spec, k, F, K = self.spec, self.k, range(self.k.F), range(self.client.K)

        @spec.action("open", actor=self.process, fl=F, rule=k.sample_rules)
        def _(u: Update, fl: int, rule: str) -> None:
            """DB::Open with nothing to replay (a new database, or an empty log): the log
            is opened (created) for appends; LogAndApply writes a new MANIFEST, whose Sync()
            fsyncs the directory first (SyncDirIfManifest), so the log's name is durable;
            the database is up."""
            u.require(~self.up, ~self.building, k.may_open_name(LOG, fl),
                      *(self.replayed(fl, key) == 0 for key in K))
            k.open_name(u, self.fd[fl], LOG, fl, rule, guarded=True)
            k.fsync_dir(u)
            u[self.up] = True

        @spec.action("recover", actor=self.process, fl=F, ft=F, rule=k.sample_rules)
        def _(u: Update, fl: int, ft: int, rule: str) -> None:
            """DB::Open, RecoverLogFile: the log's records, read through the page cache,
            go into a memtable, and the memtable left over is written as a level-0 table
            (WriteLevel0Table, BuildTable; here merged with the installed table into
            table.tmp)."""
            u.require(~self.up, ~self.building, fl != ft, self.at(LOG, fl),
                      k.may_open_name(TMP, ft), k.lookup(TMP) == k.F,
                      Or(*(self.replayed(fl, key) != 0 for key in K)))
            replayed = [u.let(self.replayed(fl, key)) for key in K]
            merged = [u.let(ite(r != 0, r, self.table_value(key)))
                      for key, r in enumerate(replayed)]
            k.open_name(u, self.fd[fl], LOG, fl, rule, create=False, guarded=True)
            k.open_name(u, self.fd[ft], TMP, ft, rule, guarded=True)
            for value in merged:
                k.append(u, ft, value)
            u[self.building] = True

        @spec.action("install_table", actor=self.process, fl=F, ft=F, fate=k.sync_fates)
        def _(u: Update, fl: int, ft: int, fate: str) -> None:
            """BuildTable's file->Sync(); then LogAndApply: the new MANIFEST's Sync() fsyncs
            the directory (SyncDirIfManifest: the table's and the new log's names), and
            SetCurrentFile renames CURRENT (here: the rename of the table, the version's
            commit point; no directory fsync follows it); RemoveObsoleteFiles deletes the
            old log (here: the truncation).  A failed sync: DB::Open returns it, the log is
            kept, the process gives up (opening again is a restart)."""
            u.require(self.building, self.at(TMP, ft), self.at(LOG, fl))
            err = k.fsync(u, ft, self.fd[ft], fate)
            k.close(u, ft, self.fd[ft], k.sync_fates[0])
            u[self.fd[ft]] = k.NONE
            u[self.building] = False
            with u.when(~err):
                k.fsync_dir(u)
                k.rename(u, TMP, TABLE)
                k.truncate(u, fl, 0)
                u[self.up] = True
            with u.when(err):
                self.exit(u)


@dataclass(frozen=True)
class LevelDBSpec(EngineSpec):
    family: ClassVar[Family] = LEVELDB
    model: ClassVar[type] = LevelDB
