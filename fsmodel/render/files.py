"""Diagrams of a trace in each output format, and the files ``--render DIR`` writes."""
from __future__ import annotations

from pathlib import Path

import graphviz

from ..outputs import write_file
from ..trace import Trace
from . import dot, mermaid
from .lanes import layout

FORMATS = {"svg": "svg", "png": "png", "dot": "dot", "mermaid": "mmd"}   # format -> suffix


class NoGraphviz(Exception):
    """graphviz's ``dot`` program is missing (Debian: apt-get install graphviz)."""


def diagram(trace: Trace, fmt: str) -> bytes:
    """The lane diagram of ``trace`` as svg, png, dot source or mermaid source."""
    lanes = layout(trace)
    if fmt == "mermaid":
        return mermaid.render(lanes).encode()
    return output(dot.render(lanes), fmt)


def output(g: graphviz.Digraph, fmt: str) -> bytes:
    """A graph as its DOT source, or drawn by graphviz in another format."""
    if fmt == "dot":
        return g.source.encode()
    try:
        return g.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise NoGraphviz("graphviz's dot program is not installed "
                         "(Debian: apt-get install graphviz)") from None


def write_diagrams(trace: Trace, stem: Path, formats: tuple[str, ...] = tuple(FORMATS)
                   ) -> list[Path]:
    """``stem.svg``, ``stem.png``, ``stem.dot``, ``stem.mmd``: the paths written."""
    out = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{FORMATS[fmt]}")
        write_file(path, diagram(trace, fmt))
        out.append(path)
    return out
