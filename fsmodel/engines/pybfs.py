"""The reference explicit-state engine, in Python (``--engine python``): breadth-first, so every
counterexample is a shortest one.  The native engine explores the same graph in the same order
and is tested against this one.

Visited states are kept as 64-bit fingerprints (Python's tuple hash of the state vector), and
per depth the fingerprint of the parent and the action that first reached each (about 80 bytes
a state in all).  Two distinct states collide with probability about
n^2 / 2^65 for n states (3e-8 for a million); a collision can only hide a state, never
invent a trace, and every trace is re-executed from the initial state before it is reported.
"""
from __future__ import annotations

import os
import time
from array import array
from typing import Callable

from ..lang.spec import Spec
from .traces import build_trace, representatives
from .pycompile import compile_spec
from .result import Interrupted, Progress, Reporter, Result, verdicts_of

FINGERPRINT = "64-bit state fingerprints; collision probability about n^2/2^65"


def check(spec: Spec, max_states: int = 0, max_seconds: float = 0.0,
          progress: Reporter | None = None, symmetry: bool = True,
          max_bytes: int = 0) -> Result:
    """Explore every reachable state breadth-first; stop when every property is violated.

    With ``symmetry``, states are reduced to one representative per permutation of the
    records the spec declares interchangeable (``Spec.symmetric``)."""
    comp = compile_spec(spec)
    succ, violated = comp.successors, comp.violated
    canon = comp.canon if symmetry else None
    start = time.monotonic()
    init = spec.init_state
    fp = fingerprint(spec)
    seen: set[int] = {fp(init)}
    levels: list[Level] = []       # per depth: fingerprint, parent's fingerprint, action
    found: dict[int, tuple[int, int]] = {pi: (0, fp(init)) for pi in violated(init)}
    frontier, generated, limit = [init], 0, ""
    nprops = len(spec.properties)
    stop = _Limits(start, max_states, max_seconds, max_bytes)
    interrupted = False
    try:
        while frontier and len(found) < nprops and not limit:
            level, nxt = Level(), []
            levels.append(level)
            for s in frontier:
                fs = fp(s)
                for ai, t in succ(s):
                    generated += 1
                    if canon is not None:
                        t = canon(t)
                    h = fp(t)
                    if h in seen:
                        continue
                    seen.add(h)
                    level.add(h, fs, ai)
                    nxt.append(t)
                    for pi in violated(t):
                        found.setdefault(pi, (len(levels), h))
                now = time.monotonic()
                if progress is not None and stop.report_due(now):
                    progress(Progress(generated, len(seen), len(nxt), len(levels), now - start))
                limit = stop.reached(len(seen), now)
                if limit:
                    break
            if not len(level):
                levels.pop()
            frontier = nxt
    except KeyboardInterrupt:
        interrupted, limit = True, "a signal"
    except MemoryError:
        limit = "memory: an allocation failed"
    if levels and not len(levels[-1]):
        levels.pop()
    seconds = time.monotonic() - start
    if progress is not None and seconds >= 1.0:
        progress(Progress(generated, len(seen), len(frontier), len(levels), seconds))
    complete = not frontier and not limit
    traces = _traces(spec, comp, levels, found, fp, canon)
    result = Result(spec, "python", verdicts_of(spec, set(traces), complete), traces,
                    generated, len(seen), len(levels), seconds, complete, limit,
                    canon is not None, queue=len(frontier))
    if interrupted:
        raise Interrupted(result)
    return result


class _Limits:
    """When to report progress (every second) and which budget, if any, has run out."""

    def __init__(self, start: float, max_states: int, max_seconds: float,
                 max_bytes: int) -> None:
        self.start, self.max_states, self.max_seconds = start, max_states, max_seconds
        self.max_bytes, self.last_report, self.last_memory = max_bytes, start, start

    def report_due(self, now: float) -> bool:
        if now - self.last_report < 1.0:
            return False
        self.last_report = now
        return True

    def reached(self, distinct: int, now: float) -> str:
        """The limit that stops the search now, or ""; memory is read twice a second."""
        if self.max_states and distinct >= self.max_states:
            return f"--max-states {self.max_states}"
        if self.max_seconds and now - self.start >= self.max_seconds:
            return f"--max-seconds {self.max_seconds:g}"
        if self.max_bytes and now - self.last_memory >= 0.5:
            self.last_memory = now
            if resident_bytes() >= self.max_bytes:
                return f"--max-memory {self.max_bytes >> 20}M"
        return ""


def _traces(spec: Spec, comp, levels: list["Level"], found: dict[int, tuple[int, int]],
            fp: Callable[[tuple], int], canon) -> dict:
    """Each violated property's shortest trace, re-executed from the initial state."""
    traces = {}
    for pi, prop in enumerate(spec.properties):
        if pi in found:
            steps = _path(levels, *found[pi])
            path = representatives(comp, spec.init_state, [a for a, _ in steps], canon)
            if [fp(t) for _, t in path] != [h for _, h in steps]:
                raise RuntimeError("python engine: the recorded path does not re-execute")
            traces[prop.name] = build_trace(spec, comp, path, prop.name, "python", canon)
    return traces


def resident_bytes() -> int:
    """This process's resident memory now (Linux /proc; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def fingerprint(spec: Spec) -> Callable[[tuple], int]:
    """Python's tuple hash, of the values made non-negative where a domain has negative ones:
    CPython's hash(-1) is hash(-2), which would merge states that differ only there."""
    lows = [info.domain.lo for info in spec.vars]
    if min(lows, default=0) >= 0:
        return hash
    return lambda t: hash(tuple(int(v) - lo for v, lo in zip(t, lows)))


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

