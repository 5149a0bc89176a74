"""``fsmodel matrix``: the grid of specs by policies, its files, report and progress."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

from ..engines.result import Progress
from ..kernel.policy import POLICIES, lookup_fs, lookup_policy
from ..outputs import replacing_all, write_file
from ..render.files import write_diagrams
from ..render.report import html
from ..run import registry
from ..families.base import family_of
from ..run.cells import cell_text, legend, column_file, split_column, summary, verdict_of
from ..run.matrix import Job, Watch, run_matrix, threads_per_cell
from ..trace import from_itf
from .options import EXIT_HOLDS, EXIT_UNKNOWN, UsageError, ids, run_options, write_json


def cmd_matrix(args: argparse.Namespace) -> int:
    given, columns = _selection(args)
    specs = [registry.find(s).id for s in given]      # a spec file's cells go by its id
    if len(set(specs)) < len(specs):
        raise UsageError(f"--specs names a spec twice: {', '.join(specs)}")
    policies = ids(args.os, columns)
    opts = run_options(args)
    for p in policies:  # validate every choice before the long run starts
        _check_column(p, opts["fs"])
    if args.jobs < 1:
        raise UsageError("--jobs takes a positive number")
    opts["threads"] = threads_per_cell(opts["threads"], args.jobs)
    opts["max_bytes"] //= 1 if args.max_memory else args.jobs
    with replacing_all([args.out, args.render, args.report]) as (out, render, report):
        cells, elapsed = run_matrix(given, policies, opts, args.jobs,
                                    _Progress(len(specs) * len(policies)))
        table = _table(specs, policies, cells, lambda c: c)
        if opts["engine"] == "both":
            table = ("explicit engine:\n" + table + "\nsmt engine (agrees with the explicit "
                     "one):\n" + _table(specs, policies, cells, lambda c: c["smt"]))
        key = legend(cells.values())
        table += key + _bounds_note(specs, policies, cells)
        _write_matrix(out, specs, policies, cells, table, elapsed)
        if render:
            for (s, p), c in cells.items():
                for name, t in c["traces"].items():
                    write_diagrams(from_itf(t["itf"]), render / s / f"{column_file(p)}.{name}")
        if report:
            title = f"fsmodel matrix: {len(specs)} specs by {len(policies)} policies"
            write_file(report / "index.html",
                       html(title, specs, policies, cells, cell_text, key))
    for what, where in (("diagrams", args.render), ("report", args.report)):
        if where:
            print(f"fsmodel: {what} written to {where}/", file=sys.stderr)
    if args.json:
        print(json.dumps({"specs": specs, "os": policies, "seconds": round(elapsed, 1),
                          "cells": [summary(c) for c in cells.values()]}))
    else:
        print(table, end="")
        print(f"{len(cells)} cells in {elapsed:.1f} s")
    unknown = any(verdict_of(c) == "unknown" for c in cells.values())
    return EXIT_UNKNOWN if unknown else EXIT_HOLDS


def _selection(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The specs asked for (by id, a family's, or a family's and more beside them) and the
    default columns: every policy, or the columns the family's declare."""
    if not args.family:
        return ids(args.specs, registry.all_ids()), list(POLICIES)
    entries = registry.of_family(args.family)
    columns = list(dict.fromkeys(c for e in entries for c in family_of(e).columns))
    more = [i for i in ids(args.specs, registry.all_ids()) if args.specs
            and i not in {e.id for e in entries}]
    return [e.id for e in entries] + more, columns or list(POLICIES)


def _check_column(column: str, fs: str) -> None:
    """A policy, or a Linux policy and one of its file systems."""
    os_id, own = split_column(column)
    pol = lookup_policy(os_id)
    if own is not None and not pol.linux:
        raise UsageError(f"column {column}: file systems are variants of Linux policies only")
    lookup_fs(own or (fs if pol.linux else "ext4"), pol)


class _Progress(Watch):
    """matrix on stderr: each cell as it finishes, and every 10 s without one a line of the
    cells running; with the count done, each running cell's distinct states and their rate,
    and an estimate of the time left (the mean wall time per finished cell)."""

    QUIET = 10.0

    def __init__(self, total: int) -> None:
        self.total, self.done_ = total, 0
        self.start = self.last = time.monotonic()

    def done(self, job: Job, c: dict[str, Any], running: dict[Job, Progress | None]) -> None:
        self.done_ += 1
        smt_part = f"; smt {cell_text(c['smt'])} ({c['smt']['seconds']} s)" if "smt" in c \
            else ""
        rate = f", {c['distinct'] / c['seconds']:,.0f} distinct/s" if c["seconds"] else ""
        self._say(f"{job[0]} on {job[1]}: {cell_text(c)} ({c['distinct']:,} distinct states "
                  f"in {c['seconds']} s{rate}){smt_part}", running)

    def tick(self, running: dict[Job, Progress | None]) -> None:
        if running and time.monotonic() - self.last >= self.QUIET:
            self._say("still running", running)

    def _say(self, what: str, running: dict[Job, Progress | None]) -> None:
        self.last = now = time.monotonic()
        left = ("about " + _duration((now - self.start) / self.done_ * (self.total - self.done_))
                + " left") if self.done_ else "no estimate yet"
        each = "".join(f"; {s} on {p}" + (f" {r.distinct:,} distinct in {r.seconds:.0f} s, "
                                          f"{r.distinct / r.seconds:,.0f}/s"
                                          if r and r.seconds else "")
                       for (s, p), r in running.items())
        print(f"fsmodel: [{self.done_}/{self.total} done, {left}] {what}"
              + (f" [running{each[1:]}]" if running else ""), file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _bounds_note(specs: list[str], policies: list[str], cells: dict) -> str:
    """What an "ok" covers: the bounds of every cell, grouped, most common first."""
    groups: dict[str, list[str]] = {}
    for s in specs:
        c = cells[(s, policies[0])]
        text = " ".join(f"{k}={v}" for k, v in c["bounds"].items())
        off = f", disabled: {','.join(c['disabled'])}" if c["disabled"] else ""
        groups.setdefault(text + off, []).append(s)
    ordered = sorted(groups.items(), key=lambda g: -len(g[1]))
    lines = [f"bounds: {ordered[0][0]}" + (" (the others)" if len(ordered) > 1 else "")]
    lines += [f"  {', '.join(ss)}: {b}" for b, ss in ordered[1:]]
    return "\n".join(lines) + "\n"


def _table(specs: list[str], policies: list[str], cells: dict,
           view: Callable[[dict], dict]) -> str:
    head = ["spec"] + policies
    rows = [[s] + [cell_text(view(cells[(s, p)])) for p in policies] for s in specs]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(x.ljust(w) for x, w in zip(r, widths)) + " |"  # noqa: E731
    lines = [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines) + "\n"


def _write_matrix(out: Path, specs: list[str], policies: list[str], cells: dict, table: str,
                  elapsed: float) -> None:
    for (s, p), c in cells.items():
        for name, t in c["traces"].items():
            write_json(out / s / f"{column_file(p)}.{name}.itf.json", t["itf"])
            write_file(out / s / f"{column_file(p)}.{name}.txt", t["text"])
    write_file(out / "summary.md",
               "# fsmodel matrix\n\n" + table + f"\n{len(cells)} cells in {elapsed:.1f} s. "
               "Traces: `<spec>/<column>.<property>.txt` and `.itf.json` (a column "
               "linux-5.8/btrfs as linux-5.8_btrfs).\n")
    write_json(out / "matrix.json", [summary(c) for c in cells.values()])
