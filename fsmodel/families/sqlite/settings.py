"""PRAGMA synchronous as data: what sqlite3PagerSetFlags (src/pager.c) makes of each level,
and which sync each protocol step makes because of it.

The pager reads three flags: ``fullSync`` (FULL and EXTRA: syncJournal fsyncs the rollback
journal before it writes the header's nRec), ``extraSync`` (EXTRA only: pager_end_transaction
passes it to sqlite3OsDelete, whose unixDelete then fsyncs the directory after unlinking the
journal) and the WAL's commit sync flags (``walSyncFlags & 0x03``, WAL_SYNC_FLAGS in
src/wal.h: nonzero only with fullSync, so a WAL commit is synced at FULL and EXTRA, not at
NORMAL).  The checkpoint's flags (CKPT_SYNC_FLAGS) are nonzero at every level but OFF, which
is not modelled.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Synchronous:
    """One level of PRAGMA synchronous."""
    name: str
    full_sync: bool        # Pager.fullSync: the journal is synced before nRec is written
    wal_commit_sync: bool  # WAL_SYNC_FLAGS != 0: walFrames syncs the WAL at each commit
    extra_sync: bool       # Pager.extraSync: the directory is synced after the journal's unlink


SYNCHRONOUS = {
    "full": Synchronous("full", full_sync=True, wal_commit_sync=True, extra_sync=False),
    "normal": Synchronous("normal", full_sync=False, wal_commit_sync=False, extra_sync=False),
    "extra": Synchronous("extra", full_sync=True, wal_commit_sync=True, extra_sync=True),
}
