"""How far a "holds" reaches (``check --sweep``): grow each bound in turn, one step at a time,
while a time budget lasts, and report the largest configuration explored in full.

Round robin over the bounds: each attempt gets an equal share of the budget left among the
bounds still growing; a bound whose next step does not finish in its share, or that is at
the top of its range, stops growing.  A violation at any size ends the sweep: the default
bounds did not admit that trace.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..config import ranges
from ..engines.native.cgen import generate
from ..families.base import family_of
from .cells import build_spec, run_cell, verdict_of


@dataclass
class Attempt:
    bounds: dict[str, int]
    grown: str                    # the bound grown from the previous configuration ("": start)
    cell: dict[str, Any]
    seconds: float

    @property
    def outcome(self) -> str:
        return verdict_of(self.cell) if self.cell["complete"] or verdict_of(self.cell) == \
            "violated" else "unfinished"


@dataclass
class Sweep:
    spec: str
    os: str
    budget: float
    attempts: list[Attempt] = field(default_factory=list)
    largest: Attempt | None = None     # the largest configuration explored in full
    exhausted: bool = False            # the budget ended before every bound reached its top
    unused: list[str] = field(default_factory=list)   # bounds the spec does not read

    @property
    def violated(self) -> Attempt | None:
        return next((a for a in self.attempts if a.outcome == "violated"), None)


def _same_spec(entry: Any, os_id: str, opts: dict[str, Any], bounds: dict[str, int],
               b: str) -> bool:
    """Whether growing bound ``b`` leaves the spec as it is (errseq-wrap where no errseq_t)."""
    def source(bs: dict[str, int]) -> str:
        return generate(build_spec(entry, os_id, opts | {"bounds": bs})[1])
    return source(bounds) == source(bounds | {b: bounds[b] + 1})


def sweep(entry: Any, os_id: str, opts: dict[str, Any], budget: float, prop: str | None = None,
          report: Callable[[Attempt], None] = lambda a: None) -> Sweep:
    """Grow the configuration of ``entry`` on ``os_id`` (its bounds under ``opts``')."""
    start = time.monotonic()
    cfg, _ = build_spec(entry, os_id, opts)
    current = dict(cfg.bounds)
    out = Sweep(entry.id, os_id, budget)

    def attempt(bounds: dict[str, int], grown: str, share: float) -> Attempt:
        t = time.monotonic()
        cell = run_cell(entry, os_id, opts | {"bounds": bounds, "max_seconds": share}, prop)
        a = Attempt(bounds, grown, cell, round(time.monotonic() - t, 1))
        out.attempts.append(a)
        report(a)
        return a

    first = attempt(current, "", budget)
    if first.outcome != "holds":
        out.exhausted = first.outcome == "unfinished"
        return out
    out.largest = first
    top = {b: r.hi for b, r in ranges(family_of(entry)).items()}
    growing = [b for b in top if current[b] < top[b]]
    while growing:
        for b in list(growing):
            if _same_spec(entry, os_id, opts, current, b):
                growing.remove(b)        # the spec does not read this bound: nothing to grow
                out.unused.append(b)
                continue
            left = budget - (time.monotonic() - start)
            if left <= 0:
                out.exhausted = True
                return out
            a = attempt(current | {b: current[b] + 1}, b, max(0.1, round(left / len(growing), 1)))
            if a.outcome == "violated":
                return out
            if a.outcome == "unfinished":
                growing.remove(b)
                out.exhausted = True
                continue
            current, out.largest = a.bounds, a
            if current[b] >= top[b]:
                growing.remove(b)
    return out
