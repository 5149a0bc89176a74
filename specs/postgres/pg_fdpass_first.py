"""pg-fdpass-first: descriptor passing over pg-panic, keeping the first descriptor received
(v1 / v2).

Each writer sends the descriptor it wrote through to the checkpointer (SCM_RIGHTS, #35 #44),
which keeps the first one per segment and closes later ones.  Thomas's trace in #53: a
descriptor opened after the error can arrive first and be kept; on 4.13 its fsync returns 0.
"""
from fsmodel.families.postgres import FIRST
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="pg-fdpass-first",
    summary="fd passing, keep the first descriptor received (never committed)",
    sources=("#35", "#44", "#53"),
    baseline="pg-panic",
    fd_passing=FIRST,
    bounds={"pages": 2, "queue": 2},  # T5: two writers, two pages
)
