"""The Python API: what the command line does, as functions returning typed results.

    import fsmodel
    r = fsmodel.check("pg-panic", "linux-4.16", disable=["third-party"], bounds={"files": 1})
    r.verdicts["checkpoint-soundness"]           # "violated"
    r.traces["checkpoint-soundness"].length      # 10
    grid = fsmodel.matrix(["pg-panic", "pg-retry"], ["linux-4.16", "freebsd"])
    rows = fsmodel.validate("hold-fds", ["linux-4.16", "freebsd"])
    svg = fsmodel.render(r.traces["checkpoint-soundness"], "svg")

A spec is a shipped id (``fsmodel.specs()``) or a spec file's path; a bad choice raises a
ValueError (``BadConfig``, ``UnknownChoice``, ``BadSpec``) saying what the choices are.
"""
from __future__ import annotations

import os as _os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .kernel.policy import POLICIES
from .render.files import diagram
from .run import registry
from .run.cells import DEFAULTS, Cell, run_cell, verdict_of
from .run.matrix import run_matrix, threads_per_cell
from .run.validate import own_claims, parse_expect, validate_patch
from .trace import Trace, from_itf


@dataclass
class Check:
    """One spec under one policy: a verdict per property and each violation's trace."""
    spec: str
    os: str
    fs: str
    bounds: dict[str, int]
    engine: str
    verdicts: dict[str, str]          # property -> holds | violated | unknown
    details: dict[str, str]           # what backs each verdict
    traces: dict[str, Trace]          # the shortest counterexample of each violated property
    generated: int                    # successors generated (before the visited check)
    distinct: int                     # distinct states (after reductions)
    depth: int
    seconds: float
    complete: bool                    # every reachable state explored
    limit: str                        # the limit that stopped the search, if one did

    @property
    def verdict(self) -> str:
        """violated if a property is, unknown if one is undecided, else holds."""
        return verdict_of({"verdicts": self.verdicts})


def _options(fs: str, disable: Iterable[str], options: dict[str, Any] | None,
             bounds: dict[str, int] | None, engine: str, **rest: Any) -> dict[str, Any]:
    return DEFAULTS | {"fs": fs, "disable": list(disable), "options": dict(options or {}),
                       "bounds": dict(bounds or {}), "engine": engine} | rest


def _typed(cell: Cell) -> Check:
    return Check(cell["spec"], cell["os"], cell["fs"], cell["bounds"], cell["engine"],
                 cell["verdicts"], cell["details"],
                 {n: from_itf(t["itf"]) for n, t in cell["traces"].items()}, cell["generated"],
                 cell["distinct"], cell["depth"], cell["seconds"], cell["complete"],
                 cell["limit"])


def check(spec: str, os: str, *, fs: str = "ext4", disable: Iterable[str] = (),
          options: dict[str, Any] | None = None, bounds: dict[str, int] | None = None,
          engine: str = "explicit", property: str | None = None, max_states: int = 0,
          max_seconds: float = 0, threads: int = 0, symmetry: bool = True,
          reduce: bool = True) -> Check:
    """``fsmodel check SPEC --os OS ...``: engine explicit (native), python, smt or both;
    ``options`` are the spec's family's (``{"fpw": False}`` for PostgreSQL)."""
    opts = _options(fs, disable, options, bounds, engine, max_states=max_states,
                    max_seconds=max_seconds, threads=threads, symmetry=symmetry and reduce,
                    reduce=reduce)
    return _typed(run_cell(spec, os, opts, property))


def matrix(specs: Iterable[str] | None = None, policies: Iterable[str] | None = None, *,
           fs: str = "ext4", disable: Iterable[str] = (),
           options: dict[str, Any] | None = None, bounds: dict[str, int] | None = None,
           engine: str = "explicit", jobs: int = 0) -> dict[tuple[str, str], Check]:
    """``fsmodel matrix``: every spec (default: shipped and patches) under every policy."""
    specs = list(specs or registry.all_ids())
    policies = list(policies or POLICIES)
    jobs = jobs or _os.cpu_count() or 1
    opts = _options(fs, disable, options, bounds, engine, threads=threads_per_cell(0, jobs))
    cells, _ = run_matrix(specs, policies, opts, jobs)
    return {k: _typed(c) for k, c in cells.items()}


def validate(patch: str, policies: Iterable[str] | None = None, *, baseline: str = "",
             expect: Iterable[str] = (), bounds: dict[str, int] | None = None,
             jobs: int = 0) -> list[dict[str, Any]]:
    """``fsmodel validate PATCH``: per policy, the patch against its baseline (see the
    README's Patches): verdicts, what becomes of the baseline's counterexamples, the holes
    the patch opens, and whether each claim survives."""
    entry = registry.find(patch)
    base = registry.find(baseline or entry.baseline,
                         Path(patch).parent if patch.endswith(".py") else None)
    policies = list(policies or POLICIES)
    claims = list(expect) or own_claims(entry, policies)
    jobs = jobs or _os.cpu_count() or 1
    opts = _options("ext4", (), {}, bounds, "explicit", threads=threads_per_cell(0, jobs))
    return validate_patch(entry, base, policies, opts, parse_expect(claims, policies), jobs)


def render(trace: Trace, fmt: str = "svg") -> bytes:
    """A trace's lane diagram: svg, png, dot or mermaid."""
    return diagram(trace, fmt)


def specs() -> list[str]:
    """The shipped specs and patches, by id."""
    return registry.all_ids()


def policies() -> list[str]:
    return list(POLICIES)
