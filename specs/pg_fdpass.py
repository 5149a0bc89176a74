"""pg-fdpass: descriptor passing, keeping the oldest descriptor by open_seq (#61 0014, #63 v4).

A shared counter is stamped at every open and reopen before the first write; the checkpointer
keeps the descriptor with the smallest stamp, so its cursor predates every write it covers.
Senders block when the socket is full (no self-fsync); the checkpointer absorbs until it sees
a message sent after the checkpoint began (#57, #63).
"""
from fsmodel.postgres import OLDEST, PANIC, Protocol

SPEC = Protocol(
    id="pg-fdpass",
    summary="fd passing, keep the descriptor with the smallest open_seq (never committed)",
    sources=("#57", "#61", "#63"),
    on_fsync_error=PANIC,
    fd_passing=OLDEST,
    check_close=True,
    bounds={"backends": 2, "pages": 2, "queue": 2},
)
