"""SQLite (sqlite/sqlite src/pager.c, src/wal.c, src/os_unix.c): an autocommit put per
transaction, in journal_mode=DELETE (the rollback journal: ``rollback``) or WAL (``wal``),
at a synchronous level (``settings``).  ``model``: the engine and its spec entry; ``mode``:
what the modes share; ``jformat``: the rollback journal's pages as ints; ``family``: its
declarations."""
from .family import SQLITE as FAMILY
from .model import SQLiteSpec

__all__ = ["FAMILY", "SQLiteSpec"]
