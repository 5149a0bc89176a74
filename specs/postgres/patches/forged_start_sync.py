"""Sync the data directory at every start, not only before crash recovery, so a forged
checkpoint (R3, R4) is made true before it is trusted (wal-thread #0: "recovery_init_sync_
method=fsync,syncfs will fix at least that second problem" for a crashed copy; here for a clean
one).  Its fsync errors are only LOGged, as SyncDataDirectory's are."""
from fsmodel import spec_file

SPEC = spec_file("patches/forged_start").variant(
    id="forged-start-sync", baseline="forged-start", sources=("wal-thread #0",),
    summary="patch: fsync every file at a clean start too",
    start_sync=True,
)
