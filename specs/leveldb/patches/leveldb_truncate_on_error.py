"""A proposed change to LevelDB's reaction to a failed log sync: besides the sticky
background error, ftruncate the log back to its last synced record, so that a restart does
not replay from the page cache a record whose put was reported failed (ATC'20's
FalseFailure, leveldb's L1).  Claimed: no outcome class on ext4 and strict POSIX.

``fsmodel validate`` refutes the claim: it closes L1, but a failed fsync does not mean the
record is not on disk: write-back wrote it before the device failed, the truncation is not
durable before a power loss, and the record comes back (9 steps)."""
from fsmodel import spec_file

SPEC = spec_file("leveldb").variant(
    id="leveldb-truncate-on-error",
    summary="on a failed log sync, truncate the log to its last synced record",
    baseline="leveldb",
    knobs={"on_sync_error": "truncate-log"},
    expect={"holds": ("linux-5.8", "posix-strict")},
)
