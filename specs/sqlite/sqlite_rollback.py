"""sqlite-rollback: SQLite with journal_mode=DELETE at the default synchronous=FULL.  The
journal is synced twice before the database is written and synced; deleting the journal
commits, with no directory sync (that is synchronous=EXTRA's); a failed sync rolls the
transaction back, and a failed rollback leaves a hot journal for the next access."""
from fsmodel.families.sqlite import SQLiteSpec

SPEC = SQLiteSpec(
    id="sqlite-rollback",
    summary="SQLite, rollback journal (DELETE), synchronous=FULL: journal synced, header, "
            "synced, db synced, journal unlinked; hot-journal rollback at the next access",
    sources=("sqlite/sqlite src/pager.c syncJournal, sqlite3PagerCommitPhaseOne, "
             "pager_end_transaction, pager_playback, hasHotJournal, sqlite3PagerSharedLock",
             "src/os_unix.c unixSync (UNIXFILE_DIRSYNC), unixDelete"),
    bounds={"files": 2, "pages": 2, "faults": 1},
    knobs={"journal_mode": "delete", "synchronous": "full"},
)
