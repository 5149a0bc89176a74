"""Starting a cluster whose shutdown checkpoint is a forgery (wal-thread #0): it ran with
fsync=off (R3), or it was copied with cp or rsync after a clean shutdown (R4).  Either way its
pages are only dirty in the page cache when it starts, and a clean start trusts the
checkpoint.  This is the scenario, not a fix; forged-start-sync is the fix."""
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="forged-start", baseline="pg-panic", sources=("wal-thread #0",),
    summary="scenario: clean start of a copied or fsync=off cluster (R3, R4)",
    forged_start=True,
)
