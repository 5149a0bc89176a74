"""The os-contract family's property, fsync honesty, and the values its traces show."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..descriptors import derive_cursors
from .lanes import LANE_DOCS, LANES

if TYPE_CHECKING:
    from .writer import Writer


HONESTY = "fsync-honesty"
DOCS = {HONESTY: "fsync returning 0 on a description implies every earlier write to the file "
                 "is on disk (docs/model.md §7)"}


def declare_properties(w: Writer) -> None:
    """fsync-honesty, the lanes, and per page whether the disk is behind the writer."""
    spec, k = w.spec, w.k

    def explain(st: dict[str, Any]) -> str:
        """Which pages were not on disk when a sync call returned 0."""
        behind = [f"file {f} page {p} is version {st[f'disk[{f}][{p}]']} on disk, "
                  f"{st[f'written[{f}][{p}]']} written"
                  for f in range(w.F) for p in range(w.P) if st[f"not_on_disk[{f}][{p}]"]]
        return "fsync returned 0; " + ("; ".join(behind) or "a write was not on disk then")

    spec.invariant(HONESTY, DOCS[HONESTY], ~w.lied, explain)
    spec.meta["lanes"].update(LANES)
    spec.meta["lane_docs"].update(LANE_DOCS)
    for f in range(w.F):
        for p in range(w.P):
            spec.derive(f"not_on_disk[{f}][{p}]", k.durable(f, p) < w.written[f][p])
        derive_cursors(spec, k, f)
