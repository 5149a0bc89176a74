"""pg-2018: PostgreSQL before the 2018 fixes.

An fsync failure raises ERROR: the checkpoint is abandoned and retried later.  mdsync had
detached each fork's request bitmap and consumed it destructively, so on ERROR the failed
segment and every unprocessed one were forgotten (#1 footnote 3; #64).
"""
from fsmodel.families.postgres import FORGET, Protocol

SPEC = Protocol(
    id="pg-2018",
    summary="before the fix: fsync failure is ERROR and the pending requests are forgotten",
    sources=("#1 footnote 3", "#64"),
    on_fsync_error=FORGET,
    # T7 needs two segments, the failed one and an unprocessed one: the default --files 2
)
