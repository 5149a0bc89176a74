"""What an explicit-state engine answers, whichever engine it is."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Callable, TextIO

from ..lang.spec import Spec
from ..trace import Trace


@dataclass
class Result:
    spec: Spec
    engine: str                         # native | python
    verdicts: dict[str, str]            # property -> holds | violated | unknown
    traces: dict[str, Trace]
    generated: int                      # successors generated (before the visited check)
    distinct: int
    depth: int
    seconds: float
    complete: bool                      # the reachable state space was exhausted
    limit: str = ""                     # which resource limit stopped the search
    symmetry: bool = False              # states were reduced under a declared symmetry
    threads: int = 1
    compile_seconds: float = 0.0        # generating and compiling code (native, uncached)
    peak_bytes: int = 0                 # the engine's own peak allocation (native)
    state_bytes: int = 0                # bytes of one packed state (native)
    queue: int = 0                      # states generated but not expanded when it stopped


@dataclass(frozen=True)
class Progress:
    """How far a running search is: what every engine reports about once a second."""
    generated: int
    distinct: int
    queue: int                          # states reached but not yet expanded
    depth: int
    seconds: float

    def line(self) -> str:
        rate = self.distinct / self.seconds if self.seconds else 0.0
        return (f"fsmodel: {self.distinct:,} distinct states ({self.generated:,} generated), "
                f"queue {self.queue:,}, depth {self.depth}, {rate:,.0f} distinct/s")


Reporter = Callable[[Progress], None]


def printer(out: TextIO = sys.stderr) -> Reporter:
    """A reporter that prints each progress line to ``out``."""
    return lambda p: print(p.line(), file=out, flush=True)


def default_memory() -> int:
    """The default memory budget of a search: 80% of this machine's memory."""
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 0.8)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM during a search; carries what was explored until then."""

    def __init__(self, result: Result) -> None:
        super().__init__("interrupted")
        self.result = result


def verdicts_of(spec: Spec, found: set[str], complete: bool) -> dict[str, str]:
    return {p.name: "violated" if p.name in found else "holds" if complete else "unknown"
            for p in spec.properties}
