"""RocksDB's protocol, from facebook/rocksdb@1dfa729 (db/db_impl/db_impl_write.cc,
db/db_impl/db_impl_open.cc, db/error_handler.cc, db/log_reader.cc, file/filename.cc,
file/writable_file_writer.h, env/io_posix.cc), with ``WriteOptions.sync = true``, the default
``wal_recovery_mode`` (kPointInTimeRecovery), ``avoid_flush_during_recovery = false``,
``manual_wal_flush = false`` and one write queue.

It is LevelDB's protocol (fsmodel/families/leveldb/model.py: files ``log``, ``table``,
``table.tmp``; a put is a record appended to the log, then an fdatasync; opening replays the
log through the page cache into a table), with three differences, each an amendment of one
of LevelDB's steps (amend.py; every other step is documented with RocksDB's site):
  * a failed WAL sync with ``paranoid_checks = false`` sets no background error: the put
    fails and later puts go on (WALIOStatusCheck: ``reset_seen_error()``); with it (the
    default) the error is fatal and writes stop until the database is opened again, as in
    LevelDB;
  * installing the recovered table fsyncs the directory after the rename (SetCurrentFile),
    where LevelDB does not;
  * the WAL's directory is fsynced on the first synced write to a new WAL
    (``need_wal_dir_sync``): not modelled, as the open already fsyncs the directory after
    creating the WAL (SetCurrentFile) and the log's own fsync makes its size durable.
LevelDB's simplifications hold (the new WAL of each open is the log truncated; the level-0
table and older tables are one file), and so do the limits its model has: after a failed
table sync at open (install_table), table.tmp keeps its name and the database is never
opened again; ``open`` keeps an unreplayable log's pages, where RocksDB starts a new WAL.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...lang.spec import Update
from ..base import Family
from ..kv import EngineSpec
from ..leveldb.model import LevelDB
from .amend import Step, amending
from .family import ROCKSDB


def put(u: Update, key: int, f: int) -> None:
    """RocksDB: DBImpl::WriteImpl; PreprocessWrite returns the background error once the DB
    is stopped (IsDBStopped); WriteGroupToWAL -> WriteToWAL -> log::Writer::AddRecord, whose
    WritableFileWriter::Flush is the write(2)."""


def open_empty(u: Update, fl: int, rule: str) -> None:
    """RocksDB: DB::Open -> Recover (no WAL to replay) -> CreateWAL -> LogAndApplyForRecovery:
    a new MANIFEST, then SetCurrentFile renames CURRENT and fsyncs the directory, the new
    WAL's name with it."""


def recover(u: Update, fl: int, ft: int, rule: str) -> None:
    """RocksDB: DBImpl::RecoverLogFiles reads the WAL (log::Reader, through the page cache):
    a page reading 0 is a header of kZeroType and length 0, and ReadPhysicalRecord drops the
    rest of its 32 KB block without reporting it, so at these few pages the log ends at a
    hole; MaybeFlushFinalMemtableOrRestoreActiveLogFiles -> WriteLevel0TableForRecovery
    builds the table."""


class RocksDB(LevelDB):
    process = "rocksdb"
    doc = ("DBImpl: appends each put to the WAL and fdatasyncs it; opening replays the WAL "
           "into a table")
    # LevelDB's knobs (a patch of LevelDB's reaction applies here too), and RocksDB's option
    knobs: ClassVar[dict[str, tuple[Any, ...]]] = LevelDB.knobs | {
        "paranoid_checks": (True, False)}

    def declare_protocol(self) -> None:
        """LevelDB's steps, each amended with RocksDB's site and what RocksDB does
        differently."""
        with amending(self.spec, {"put": put, "sync_log": self._wal_status_check(),
                                  "open": open_empty, "recover": recover,
                                  "install_table": self._set_current_file}):
            super().declare_protocol()

    def _wal_status_check(self) -> Step:
        """RocksDB's reaction to a failed WAL sync, by ``paranoid_checks``."""
        def fatal(u: Update, f: int, fate: str) -> None:
            """RocksDB: WriteGroupToWAL: f->Sync() (PosixWritableFile::Sync: fdatasync);
            the memtable insert only if it returned OK (WriteImpl).  A failed sync:
            WALIOStatusCheck -> ErrorHandler::SetBGError(kWriteCallback, wal_related).  EIO
            is a plain IOError (env/io_posix.cc IOError: neither retryable nor file-scoped),
            so HandleKnownErrors maps (kWriteCallback, kIOError, paranoid) to kFatalError:
            the DB is stopped until it is opened again (LevelDB's sticky bg_error_)."""

        def cleared(u: Update, f: int, fate: str) -> None:
            """RocksDB: WriteGroupToWAL: f->Sync() (PosixWritableFile::Sync: fdatasync);
            the memtable insert only if it returned OK (WriteImpl).  A failed sync with
            paranoid_checks = false: WALIOStatusCheck calls reset_seen_error() on the WAL's
            WritableFileWriter and sets no background error: this put fails, later puts
            are taken and appended after its record (bg_error, set above, is cleared)."""
            u[self.bg_error] = False
        return fatal if self.me.knob("paranoid_checks") else cleared

    def _set_current_file(self, u: Update, fl: int, ft: int, fate: str) -> None:
        """RocksDB: WriteLevel0TableForRecovery syncs the table (BuildTable) and fsyncs its
        directory before the edit; CreateWAL starts a new WAL (here: the log's truncation);
        LogAndApplyForRecovery writes a new MANIFEST and SetCurrentFile renames CURRENT,
        then fsyncs the directory (file/filename.cc).  That commit also makes the log's
        truncation durable: once CURRENT names the new MANIFEST, its log number makes the
        old WAL obsolete (DeleteObsoleteFiles).  A failed table sync: DB::Open fails."""
        with u.when(self.up):
            self.k.fsync_dir(u)


@dataclass(frozen=True)
class RocksDBSpec(EngineSpec):
    family: ClassVar[Family] = ROCKSDB
    model: ClassVar[type] = RocksDB
