"""leveldb: LevelDB with ``WriteOptions.sync = true`` (every put waits for the log's
fdatasync).  A failed sync is a sticky background error: no put is taken until the database
is opened again, and opening replays the log as the page cache shows it."""
from fsmodel.families.leveldb import LevelDBSpec

SPEC = LevelDBSpec(
    id="leveldb",
    summary="LevelDB, sync writes: log fdatasync per put; a failed sync stops all writes "
            "until reopened",
    sources=("google/leveldb db/db_impl.cc DBImpl::Write, RecordBackgroundError, "
             "RecoverLogFile", "util/env_posix.cc PosixWritableFile::Sync"),
    bounds={"files": 3, "pages": 2, "crashes": 1},
)
