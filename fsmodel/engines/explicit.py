"""Explicit-state model checking: breadth-first, so every counterexample is a shortest one.

Visited states are kept as 64-bit fingerprints (Python's tuple hash of the state vector), and
per depth the fingerprint of the parent and the action that first reached each (about 80 bytes
a state in all).  Two distinct states collide with probability about
n^2 / 2^65 for n states (3e-8 for a million); a collision can only hide a state, never
invent a trace, and every trace is re-executed from the initial state before it is reported.
"""
from __future__ import annotations

import sys
import time
from array import array
from dataclasses import dataclass
from typing import TextIO

from ..lang.spec import Spec
from ..trace import Trace, build_trace
from .pycompile import compile_spec

FINGERPRINT = "64-bit state fingerprints; collision probability about n^2/2^65"


@dataclass
class Result:
    spec: Spec
    engine: str
    verdicts: dict[str, str]            # property -> holds | violated | unknown
    traces: dict[str, Trace]
    states: int                         # successors generated
    distinct: int
    depth: int
    seconds: float
    complete: bool                      # the reachable state space was exhausted
    limit: str = ""                     # which resource limit stopped the search
    symmetry: bool = False              # states were reduced under a declared symmetry


def check(spec: Spec, max_states: int = 0, max_seconds: float = 0.0,
          progress: TextIO | None = sys.stderr, symmetry: bool = True) -> Result:
    """Explore every reachable state breadth-first; stop when every property is violated.

    With ``symmetry``, states are reduced to one representative per permutation of the
    records the spec declares interchangeable (``Spec.symmetric``)."""
    comp = compile_spec(spec)
    succ, violated = comp.successors, comp.violated
    canon = comp.canon if symmetry else None
    start = time.monotonic()
    init = spec.init_state
    seen: set[int] = {hash(init)}
    levels: list[Level] = []       # per depth: fingerprint, parent's fingerprint, action
    found: dict[int, tuple[int, int]] = {pi: (0, hash(init)) for pi in violated(init)}
    frontier, generated, limit = [init], 0, ""
    last_report = start
    nprops = len(spec.properties)
    while frontier and len(found) < nprops and not limit:
        level, nxt = Level(), []
        for s in frontier:
            fs = hash(s)
            for ai, t in succ(s):
                generated += 1
                if canon is not None:
                    t = canon(t)
                h = hash(t)
                if h in seen:
                    continue
                seen.add(h)
                level.add(h, fs, ai)
                nxt.append(t)
                for pi in violated(t):
                    found.setdefault(pi, (len(levels) + 1, h))
            now = time.monotonic()
            if progress is not None and now - last_report >= 1.0:
                last_report = now
                _report(progress, generated, len(seen), len(nxt), len(levels) + 1, now - start)
            if max_states and len(seen) >= max_states:
                limit = f"--max-states {max_states}"
                break
            if max_seconds and now - start >= max_seconds:
                limit = f"--max-seconds {max_seconds:g}"
                break
        if len(level):
            levels.append(level)
        frontier = nxt
    seconds = time.monotonic() - start
    if progress is not None and seconds >= 1.0:
        _report(progress, generated, len(seen), 0, len(levels), seconds)
    complete = not frontier and not limit
    verdicts, traces = {}, {}
    for pi, prop in enumerate(spec.properties):
        if pi in found:
            verdicts[prop.name] = "violated"
            depth, fp = found[pi]
            traces[prop.name] = build_trace(spec, comp, _path(levels, depth, fp), prop.name,
                                            "explicit", canon)
        else:
            verdicts[prop.name] = "holds" if complete else "unknown"
    return Result(spec, "explicit", verdicts, traces, generated, len(seen), len(levels),
                  seconds, complete, limit, canon is not None)


class Level:
    """The states first reached at one depth, packed: 18 bytes a state."""

    def __init__(self) -> None:
        self.fps, self.parents, self.actions = array("q"), array("q"), array("H")

    def add(self, fp: int, parent: int, action: int) -> None:
        self.fps.append(fp)
        self.parents.append(parent)
        self.actions.append(action)

    def __len__(self) -> int:
        return len(self.fps)


def _path(levels: list[Level], depth: int, fp: int) -> list[tuple[int, int]]:
    """(action, fingerprint) pairs from the initial state to ``fp`` found at ``depth``."""
    out = []
    for d in range(depth - 1, -1, -1):
        lv = levels[d]
        i = lv.fps.index(fp)
        out.append((lv.actions[i], fp))
        fp = lv.parents[i]
    return out[::-1]


def _report(out: TextIO, generated: int, distinct: int, queue: int, depth: int,
            seconds: float) -> None:
    rate = generated / seconds if seconds else 0.0
    print(f"fsmodel: {generated} states, {distinct} distinct, queue {queue}, depth {depth}, "
          f"{rate:,.0f} states/s", file=out, flush=True)
