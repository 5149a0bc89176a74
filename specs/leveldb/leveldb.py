"""leveldb: LevelDB with ``WriteOptions.sync = true`` (every put waits for the log's
fdatasync).  A failed sync is a sticky background error: no put is taken until the database
is opened again, and opening replays the log as the page cache shows it.

Bounds: three inodes (the log, the table, the table being built), two pages (two records, two
keys' table pages), one crash (an application or OS crash: every outcome here needs one) and
one fault.  With two faults every policy but ``adversarial`` gives the same verdicts and
shortest lengths (measured with ``fsmodel matrix --specs leveldb --faults 2``), and
``adversarial`` does not finish in 19 GB."""
from fsmodel.families.leveldb import LevelDBSpec

SPEC = LevelDBSpec(
    id="leveldb",
    summary="LevelDB, sync writes: log fdatasync per put; a failed sync stops all writes "
            "until reopened",
    sources=("google/leveldb db/db_impl.cc DBImpl::Write, RecordBackgroundError, "
             "RecoverLogFile", "util/env_posix.cc PosixWritableFile::Sync"),
    bounds={"files": 3, "pages": 2, "crashes": 1, "faults": 1},
)
