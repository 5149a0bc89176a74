"""sqlite-wal-normal: SQLite with journal_mode=WAL and synchronous=NORMAL: no sync at a
commit (the frame is published at once), the WAL synced only when its header is written and
at a checkpoint."""
from fsmodel.families.sqlite import SQLiteSpec

SPEC = SQLiteSpec(
    id="sqlite-wal-normal",
    summary="SQLite, WAL, synchronous=NORMAL: commits publish unsynced frames; the WAL is "
            "synced at its header and at checkpoints",
    sources=("sqlite/sqlite src/wal.c walFrames, walCheckpoint, walIndexRecover",
             "src/pager.c sqlite3PagerSetFlags (WAL_SYNC_FLAGS 0 at NORMAL)"),
    bounds={"files": 2, "pages": 3, "faults": 1},
    knobs={"journal_mode": "wal", "synchronous": "normal"},
)
