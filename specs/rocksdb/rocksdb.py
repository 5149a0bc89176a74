"""rocksdb: RocksDB with ``WriteOptions.sync = true`` and ``paranoid_checks = true`` (the
default): a failed WAL sync is a fatal background error, writes stop until the database is
opened again, and opening replays the WAL as the page cache shows it.

Bounds: two inodes (the WAL, and the table built at the one recovery one crash allows; the
rename makes it the table), two pages (two records, two keys' table pages), one crash and
one fault.  With two faults the grid is the same on every column but ``adversarial``
(measured with ``fsmodel matrix --specs rocksdb,rocksdb-nonparanoid --faults 2``: up to 31 M
states, on openbsd); a second crash needs a third inode for a second recovery (4.8 M states
on linux-5.8 at one fault)."""
from fsmodel.families.rocksdb import RocksDBSpec

SPEC = RocksDBSpec(
    id="rocksdb",
    summary="RocksDB, sync writes, paranoid_checks: a failed WAL sync is fatal, writes stop "
            "until reopened",
    sources=("facebook/rocksdb db/db_impl/db_impl_write.cc WriteGroupToWAL, "
             "WALIOStatusCheck", "db/error_handler.cc SetBGError, HandleKnownErrors",
             "db/db_impl/db_impl_open.cc RecoverLogFiles", "db/log_reader.cc",
             "file/filename.cc SetCurrentFile"),
    bounds={"files": 2, "pages": 2, "crashes": 1, "faults": 1},
    knobs={"paranoid_checks": True},
)
