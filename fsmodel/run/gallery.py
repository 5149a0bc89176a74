"""``diagrams/``: the lane diagram of every known trace (each family's, replayed by known.py)
and an index."""
from __future__ import annotations

from pathlib import Path

from ..outputs import write_file
from ..render.files import write_diagrams
from .known import every_known, trace_of

GALLERY_FORMATS = ("svg", "dot", "mermaid")
HEAD = """# Diagrams

The known traces of docs/model.md §6 (and the shortest counterexamples the checker finds
for the specs no named trace covers), each replayed on the model and drawn as a lane diagram:
one lane per process and per part of the kernel, time flowing down, every system call an arrow
with its result (red when it failed), changed state noted in the lane that owns it, the step
that breaks the property in red with the reason under it.

Regenerate with `make gallery` (`fsmodel gallery --out diagrams`); `tests/test_render.py`
fails when these files are stale. Each diagram is also here as DOT (`.dot`, it pins its own
layout: any graphviz command renders it) and as a Mermaid sequence diagram (`.mmd`).

| trace | what happens | spec | policy | property | steps | diagram |
|---|---|---|---|---|---|---|
"""


def write_gallery(out: Path, formats: tuple[str, ...] = GALLERY_FORMATS) -> list[Path]:
    """Draw every known trace into ``out`` and write its README; the paths written."""
    rows, paths = [], []
    for k in every_known().values():
        t = trace_of(k)
        paths += write_diagrams(t, out / k.id, formats)
        where = k.os + (f" ({k.fs})" if k.fs != "ext4" else "")
        links = " · ".join(f"[{s}]({k.id}.{s})" for s in ("svg", "dot", "mmd"))
        rows.append(f"| {k.id} | {k.title} | `{k.spec}` | {where} | {k.property} | "
                    f"{t.length} | {links} |")
    readme = out / "README.md"
    write_file(readme, HEAD + "\n".join(rows) + "\n")
    return paths + [readme]
