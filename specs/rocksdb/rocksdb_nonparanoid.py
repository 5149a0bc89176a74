"""rocksdb-nonparanoid: RocksDB with ``WriteOptions.sync = true`` and ``paranoid_checks =
false``: a failed WAL sync fails its put only; the WAL writer's error is cleared and later
puts are appended after the failed record.  Bounds as rocksdb's (specs/rocksdb/rocksdb.py)."""
from fsmodel.families.rocksdb import RocksDBSpec

SPEC = RocksDBSpec(
    id="rocksdb-nonparanoid",
    summary="RocksDB, sync writes, paranoid_checks=false: a failed WAL sync fails the put, "
            "later writes go on",
    sources=("facebook/rocksdb db/db_impl/db_impl_write.cc WriteGroupToWAL, "
             "WALIOStatusCheck (reset_seen_error)", "file/writable_file_writer.h seen_error_",
             "db/db_impl/db_impl_open.cc RecoverLogFiles", "db/log_reader.cc",
             "file/filename.cc SetCurrentFile"),
    bounds={"files": 2, "pages": 2, "crashes": 1, "faults": 1},
    knobs={"paranoid_checks": False},
)
