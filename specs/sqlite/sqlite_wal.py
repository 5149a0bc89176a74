"""sqlite-wal: SQLite with journal_mode=WAL and synchronous=FULL.  Each commit appends a
frame and syncs the WAL, publishing it in the wal-index only if the sync returned OK;
checkpoints sync the WAL, copy frames into the database and sync it; opening recovers the
wal-index from the WAL up to the last valid commit frame."""
from fsmodel.families.sqlite import SQLiteSpec

SPEC = SQLiteSpec(
    id="sqlite-wal",
    summary="SQLite, WAL, synchronous=FULL: frame appended and WAL synced per commit, "
            "published only on success; checkpoint syncs WAL, copies, syncs db",
    sources=("sqlite/sqlite src/wal.c walFrames, walCheckpoint, walIndexRecover, "
             "walRestartLog", "src/pager.c sqlite3PagerSetFlags", "src/os_unix.c unixSync"),
    bounds={"files": 2, "pages": 3, "faults": 1},
    knobs={"journal_mode": "wal", "synchronous": "full"},
)
