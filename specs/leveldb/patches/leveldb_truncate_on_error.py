"""A proposed change to LevelDB's reaction to a failed log sync: besides the sticky
background error, ftruncate the log back to its last synced record, so that a restart does
not replay from the page cache a record whose put was reported failed (ATC'20's
FalseFailure, leveldb's L1).  Claimed: nothing reachable on ext4 and strict POSIX."""
from fsmodel import spec_file

SPEC = spec_file("leveldb").variant(
    id="leveldb-truncate-on-error",
    summary="on a failed log sync, truncate the log to its last synced record",
    baseline="leveldb",
    knobs={"on_sync_error": "truncate-log"},
    expect={"holds": ("linux-5.8", "posix-strict")},
)
