"""Kernel side: do not evict an inode that holds an unreported write-back error (#1, LSF/MM
2018: "This will guarantee that a later fsync (without an open FD) will see the error";
"by far the most controversial").  PostgreSQL unchanged.  The guarantee is claimed where an
unseen error is reported to a new descriptor (4.16+)."""
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="keep-erroring-inodes", baseline="pg-panic", sources=("#1",),
    summary="kernel patch: inodes with an unreported error are not evicted",
    kernel={"keep_erroring_inodes": True},
    expect={"holds": ("linux-4.16", "linux-5.8")},
)
