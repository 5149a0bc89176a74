"""``fsmodel bench``: fixed configurations through every explicit engine, in one run.

Each engine runs in a child process of its own, so that its peak RSS is its own: the figure
is the growth of the peak during the search over the distinct states (the process's
baseline, after imports and compiling, excluded).  Time to verdict counts what a user waits
for once the spec is built: generating and compiling code (native; SPIN's ``spin -a`` and
``gcc``) and the search.  The ratio against SPIN is of times measured in the same run.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from .cells import DEFAULTS, build_spec

# (spec, policy, options): the configuration of the native-engine issue, and the old bench
CONFIGS: list[tuple[str, str, dict[str, Any]]] = [
    ("pg-panic", "linux-4.16", {"disable": ["eviction", "third-party"],
                                "bounds": {"files": 2, "pages": 1, "backends": 2, "writes": 2,
                                           "checkpoints": 3, "crashes": 2, "faults": 2}}),
    ("pg-fdpass", "freebsd", {}),
    ("pg-panic", "freebsd", {}),     # every default bound; it holds: all 2.2 M states explored
]
ENGINES = ("native-1", "native", "python", "spin")


@dataclass
class Figures:
    engine: str
    verdict: str
    distinct: int
    seconds: float            # the search
    to_verdict: float         # code generation and compiling included
    rss_growth: int           # bytes: peak RSS during the search above the baseline
    note: str = ""

    @property
    def rate(self) -> float:
        return self.distinct / self.seconds if self.seconds else 0.0

    @property
    def bytes_per_state(self) -> float:
        return self.rss_growth / self.distinct if self.distinct else 0.0


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(engine: str, spec_id: str, os_id: str, opts: dict[str, Any]) -> dict[str, Any]:
    """One engine on one configuration, in this process (the child's side)."""
    from ..engines import native, pybfs
    _, spec = build_spec(spec_id, os_id, DEFAULTS | opts)
    start = time.monotonic()
    if engine == "spin":   # one model asserting every property; pan's whole peak RSS
        from ..engines import promela
        r = promela.run_pan(spec)
        return {"verdict": r.verdict, "distinct": r.stored - 1, "seconds": r.search_seconds,
                "to_verdict": time.monotonic() - start, "rss_growth": r.peak_rss,
                "note": "no symmetry reduction; RSS with its baseline"}
    if engine == "python":
        base = _maxrss()
        res = pybfs.check(spec, progress=None)
    else:
        native.load(spec)                       # compile (timed), before the baseline
        base = _maxrss()
        res = native.check(spec, progress=None, threads=1 if engine == "native-1" else 0)
    to_verdict = time.monotonic() - start
    verdict = "violated" if res.traces else "holds" if res.complete else "unknown"
    return {"verdict": verdict, "distinct": res.distinct, "seconds": res.seconds,
            "to_verdict": to_verdict, "rss_growth": max(0, _maxrss() - base),
            "note": (f"{res.threads} thread" + "s" * (res.threads > 1)) if res.engine == "native" else ""}


def run(engine: str, spec_id: str, os_id: str, opts: dict[str, Any]) -> Figures:
    """``measure`` in a fresh process with a fresh compile cache (compiling is timed)."""
    with tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"FSMODEL_CACHE": cache}
        out = subprocess.run([sys.executable, "-m", "fsmodel.run.bench", engine, spec_id, os_id,
                              json.dumps(opts)], capture_output=True, text=True, env=env,
                             check=False)
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return Figures(engine, "error", 0, 0.0, 0.0, 0, tail)
    return Figures(engine, **json.loads(out.stdout))


def table(spec_id: str, os_id: str, figures: list[Figures]) -> str:
    spin = next((f for f in figures if f.engine == "spin" and f.verdict != "error"), None)
    lines = ["| engine | verdict | distinct states | search s | distinct/s | bytes/state | "
             "to verdict s | / SPIN |", "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        ratio = f"{f.to_verdict / spin.to_verdict:.2f}" if spin and f.verdict != "error" else "-"
        lines.append(f"| {f.engine}{' (' + f.note + ')' if f.note else ''} | {f.verdict} | "
                     f"{f.distinct:,} | {f.seconds:.2f} | {f.rate:,.0f} | "
                     f"{f.bytes_per_state:.1f} | {f.to_verdict:.2f} | {ratio} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":   # the child: python -m fsmodel.run.bench ENGINE SPEC OS OPTIONS
    print(json.dumps(measure(sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))))
