"""recovery_init_sync_method (wal-thread #0), each with full_page_writes on and off: fsync
every file before crash recovery (the default; errors only LOGged, fd.c SyncDataDirectory),
syncfs the file system, or "wal": sync only the WAL and register an fsync for each file whose
page replay skipped by LSN (BLK_DONE); the paranoid "wal" marks such pages dirty so they are
written again.  The WAL is durable at commit in this model, so "wal"'s own WAL sync is implied.

The scenario isolates recovery: two crashes (R2 needs a PostgreSQL crash, then power loss),
and no third party or eviction (those holes are pg-panic's, not recovery's).  The claims are
the thread's: with full_page_writes=on no page is skipped; "wal" syncs every file changed
since the checkpoint, on kernels that keep failed pages dirty; the paranoid mode also defends
against kernels that "keep changes but drop their own dirty flag" (Linux, ext4); and the
sync before recovery is there to make BLK_DONE safe.
"""
from fsmodel import spec_file

LINUX_AND_DIRTY_KEEPING = ("linux-4.16", "linux-5.8", "freebsd", "posix-strict")
CLAIMS = {  # (method, full_page_writes): where the thread expects it to hold
    ("fsync", "on"): LINUX_AND_DIRTY_KEEPING, ("fsync", "off"): LINUX_AND_DIRTY_KEEPING,
    ("syncfs", "on"): LINUX_AND_DIRTY_KEEPING, ("syncfs", "off"): LINUX_AND_DIRTY_KEEPING,
    ("wal", "on"): LINUX_AND_DIRTY_KEEPING, ("wal", "off"): ("freebsd", "posix-strict"),
    ("wal-paranoid", "on"): LINUX_AND_DIRTY_KEEPING,
    ("wal-paranoid", "off"): LINUX_AND_DIRTY_KEEPING,
}
SPECS = [
    spec_file("pg_panic").variant(
        id=f"recovery-{method}-fpw-{fpw}", baseline="pg-panic", sources=("wal-thread #0",),
        summary=f"patch: recovery_init_sync_method={method.replace('-', ' ')}, "
                f"full_page_writes={fpw}",
        init_sync=method, bounds={"crashes": 2},
        options={"fpw": fpw == "on", "disable": ("third-party", "eviction")},
        expect={"holds": holds})
    for (method, fpw), holds in CLAIMS.items()
]
