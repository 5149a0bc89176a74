"""pg-fdpass: descriptor passing over pg-panic, keeping the oldest descriptor by open_seq
(#61 0014, #63 v4).

A shared counter is stamped at every open and reopen before the first write; the checkpointer
keeps the descriptor with the smallest stamp, so its cursor predates every write it covers.
Senders block when the socket is full (no self-fsync); absorbing remembers the first message
stamped with the current ckpt_started and stops there (#57, #63).
"""
from fsmodel.families.postgres import OLDEST
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="pg-fdpass",
    summary="fd passing, keep the descriptor with the smallest open_seq (never committed)",
    sources=("#57", "#61", "#63"),
    baseline="pg-panic",
    fd_passing=OLDEST,
    bounds={"pages": 2, "queue": 2},
)
