"""pg-panic: the committed fix (#64, #70, #71).

Any fsync failure of a data file is PANIC: crash, then recovery from the last checkpoint redoes
the writes from WAL.  close() failure of a data file is PANIC too.  The admitted hole: close,
write-back error, inode evicted, reopen (#71, and the commit message quoted there).
"""
from fsmodel.families.postgres import PANIC, Protocol

SPEC = Protocol(
    id="pg-panic",
    summary="the committed fix: fsync or close failure of a data file is PANIC",
    sources=("#64", "#70", "#71"),
    on_fsync_error=PANIC,
    check_close=True,
)
