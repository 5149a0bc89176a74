"""Check close() errors (#1: "We need more aggressive error checking on close() ... we'll
have to trigger a crash recovery cycle"; committed with the PANIC fix, #64 #70): on NFS close()
flushes and reports, and a later fsync does not report it again.  The baseline is pg-panic
without that check; #1 also argues that a backend's PANIC cannot race a checkpoint to success
("I don't *think* so")."""
from fsmodel import spec_file

PANIC_FIX = spec_file("pg_panic")
UNCHECKED = PANIC_FIX.variant(
    id="pg-panic-close-unchecked", baseline="pg-panic", sources=("#1",),
    summary="pg-panic with close() failures only LOGged (the baseline of close-check)",
    check_close=False, options={"fs": "nfs"},
)
SPECS = [
    PANIC_FIX.variant(
        id="close-check", baseline="pg-panic-close-unchecked", sources=("#1", "#64", "#70"),
        summary="patch: close() failure of a data file is PANIC (NFS)",
        check_close=True, options={"fs": "nfs"},
        expect={"holds": ("linux-5.8",)}),
    UNCHECKED,
]
