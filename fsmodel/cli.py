"""The ``fsmodel`` command.

Exit codes: 0 every property holds (matrix: every cell has a verdict); 1 a violation was found;
2 bad usage or bad input; 3 inconclusive (a resource limit was hit); 130 interrupted; 141 the
output pipe closed.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from . import __version__, bench, registry
from .config import BOUNDS, ENVIRONMENT, BadConfig, default_bounds, make_config
from .engines import native, smt
from .engines.result import Interrupted, Progress, default_memory, printer
from .engines.pybfs import FINGERPRINT
from .kernel.policy import FILESYSTEMS, POLICIES, UnknownChoice, lookup_policy
from .render.files import FORMATS, NoGraphviz, diagram, output, write_diagrams
from .render.gallery import write_gallery
from .render.report import html
from .outputs import BadOutput, check_dir, check_file, replacing_all, write_file
from .sweep import Attempt, sweep
from .run import (DEFAULTS, LEGEND, EngineDisagreement, build_spec, cell_text, run_cell,
                  Job, Watch, run_matrix, summary, threads_per_cell, validate_patch,
                  verdict_of)
from .trace import from_itf
from .validate import own_claims, parse_expect

EXIT_HOLDS, EXIT_VIOLATED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3


class UsageError(Exception):
    """Bad usage: reported in one line, exit 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        raise UsageError(message)


def _bounds_args(p: argparse.ArgumentParser) -> None:
    for name, (default, lo, hi, meaning) in BOUNDS.items():
        p.add_argument(f"--{name}", type=int, metavar="N",
                       help=f"{meaning} ({lo} to {hi}; the spec's default, else {default})")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fs", default="ext4", help="file-system variant on Linux (default ext4)")
    p.add_argument("--disable", default="", metavar="LIST",
                   help="environment behaviours to turn off: " + ",".join(ENVIRONMENT))
    p.add_argument("--fpw", choices=("on", "off"), default="on",
                   help="full_page_writes during recovery (default on)")
    p.add_argument("--max-states", type=int, default=0, metavar="N",
                   help="stop after N distinct states (verdict unknown, exit 3)")
    p.add_argument("--max-seconds", type=float, default=0, metavar="S",
                   help="stop each engine after S seconds (verdict unknown, exit 3)")
    p.add_argument("--max-memory", default="", metavar="SIZE",
                   help="stop an explicit search at SIZE of memory, e.g. 4G or 500M (verdict "
                        "unknown, exit 3; default: 80%% of this machine's memory, shared "
                        "among matrix jobs)")
    p.add_argument("--no-symmetry", action="store_true",
                   help="explore every permutation of interchangeable pages, files, backends "
                        "and description slots")
    p.add_argument("--no-reduction", action="store_true",
                   help="the model unreduced: no symmetry, persistent faults as their own "
                        "kind, dead redo pointers kept (same verdicts, more states)")
    p.add_argument("--engine", choices=("explicit", "python", "smt", "both"),
                   default="explicit",
                   help="explicit: native breadth-first search (the spec compiled to C); "
                        "python: the reference search in Python; smt: z3 (BMC, then a Spacer "
                        "proof); both: explicit and smt, failing if they disagree "
                        "(default explicit)")
    p.add_argument("--threads", type=int, default=0, metavar="N",
                   help="threads of the native search (default: one per core; matrix and "
                        "validate share the cores among their jobs)")
    p.add_argument("--depth", type=int, default=20, metavar="K",
                   help="BMC depth for the smt engine (default 20)")
    p.add_argument("--prove-seconds", type=float, default=60, metavar="S",
                   help="time for a Spacer proof of each unviolated property (default 60)")
    _bounds_args(p)


def build_parser() -> Parser:
    top = Parser(prog="fsmodel", description="Model checker of fsync semantics.",
                 epilog="exit codes: 0 holds, 1 violated, 2 bad usage or input, 3 inconclusive")
    top.add_argument("--version", action="version", version=f"fsmodel {__version__}")
    sub = top.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    for add in (_add_check, _add_matrix, _add_list, _add_render, _add_graph, _add_validate,
                _add_conformance, _add_replay, _add_export, _add_gallery, _add_bench):
        add(sub)
    return top


def _target(p: Parser) -> None:
    """A spec and the OS policy to check it under."""
    p.add_argument("spec", help="a shipped spec id (see 'fsmodel list') or a spec file")
    p.add_argument("--os", required=True, help="OS policy id")


def _jobs(p: Parser) -> None:
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="cells checked in parallel (default: the number of cores)")


def _cache(p: Parser) -> None:
    p.add_argument("--cache", default=".conformance", metavar="DIR",
                   help="downloads and builds (default .conformance)")


def _add_check(sub: Any) -> None:
    c = sub.add_parser("check", help="check one spec under one OS policy")
    _target(c)
    c.add_argument("--property", help="check only this property")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--trace-out", metavar="FILE", help="save the counterexample as ITF JSON")
    c.add_argument("--render", metavar="DIR", help="write each counterexample's lane diagram "
                   "here (svg, png, dot, mermaid)")
    c.add_argument("--sweep", action="store_true",
                   help="grow each bound in turn while --max-seconds lasts (default 60) and "
                        "report the largest configuration explored in full")
    _common(c)


def _add_matrix(sub: Any) -> None:
    m = sub.add_parser("matrix", help="verdicts of specs by policies, every trace written")
    m.add_argument("--specs", default="", metavar="LIST",
                   help="spec ids (default: every shipped spec and patch)")
    m.add_argument("--os", default="", metavar="LIST", help="policy ids (default: all)")
    m.add_argument("--json", action="store_true", help="print the grid as JSON")
    m.add_argument("--out", metavar="DIR", default="out/matrix",
                   help="write every trace and a summary here (default out/matrix)")
    m.add_argument("--render", metavar="DIR", help="write every counterexample's lane "
                   "diagram here, as DIR/<spec>/<os>.<property>.{svg,png,dot,mmd}")
    m.add_argument("--report", metavar="DIR", help="write DIR/index.html: the grid, and each "
                   "violation's diagram and steps, in one self-contained page")
    _jobs(m)
    _common(m)


def _add_list(sub: Any) -> None:
    sub.add_parser("list", help="specs with their default bounds, policies, file systems, "
                   "behaviours, properties")


def _add_render(sub: Any) -> None:
    r = sub.add_parser("render", help="draw a saved counterexample (ITF JSON) as a lane diagram")
    r.add_argument("trace", help="an ITF trace written by check --trace-out or matrix")
    r.add_argument("--format", choices=tuple(FORMATS),
                   help="svg, png, dot or mermaid (default: from -o's suffix, else svg)")
    r.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")


def _add_graph(sub: Any) -> None:
    g = sub.add_parser("graph", help="the reachable state graph of a small configuration, "
                       "the path to the first violation in red")
    _target(g)
    g.add_argument("--format", choices=("dot", "graphml", "svg", "png"),
                   help="default: from -o's suffix, else dot")
    g.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    g.add_argument("--max-nodes", type=int, default=300, metavar="N",
                   help="above N states draw only the path and its neighbours (default 300)")
    _common(g)


def _add_validate(sub: Any) -> None:
    v = sub.add_parser("validate", help="check a patch and its baseline on every policy, "
                       "side by side: the holes it closes and the ones it opens")
    v.add_argument("patch", help="a patch file (see README) or a shipped patch id")
    v.add_argument("--baseline", metavar="SPEC", help="the spec it changes (default: the "
                   "patch's own 'baseline')")
    v.add_argument("--os", default="", metavar="LIST", help="policy ids (default: all)")
    v.add_argument("--expect", action="append", default=[], metavar="VERDICT[:LIST]",
                   help="holds or violated, on every policy or on those listed; repeatable "
                        "(default: the claims the patch file makes)")
    v.add_argument("--json", action="store_true", help="print the comparison as JSON")
    _jobs(v)
    _common(v)


def _add_conformance(sub: Any) -> None:
    k = sub.add_parser("conformance", help="boot Debian's kernels under QEMU, run the "
                       "scenarios on each file system and compare with the model")
    k.add_argument("--series", default="6.1,6.12", metavar="LIST",
                   help="kernel series (default 6.1,6.12)")
    k.add_argument("--fs", default="ext4,ext4-journal,xfs,btrfs", metavar="LIST",
                   help="file systems (default ext4,ext4-journal,xfs,btrfs)")
    _cache(k)
    k.add_argument("--out", default="out/conformance", metavar="DIR",
                   help="tables and raw results (default out/conformance)")


def _add_replay(sub: Any) -> None:
    rp = sub.add_parser("replay", help="run a trace's kernel-level steps on a booted Linux "
                        "and compare each result with the trace")
    rp.add_argument("trace", help="an ITF trace (check --trace-out, matrix)")
    rp.add_argument("--kernel", action="store_true", required=True,
                    help="on a Debian kernel under QEMU (the only replay there is)")
    rp.add_argument("--series", default="6.1", help="kernel series (default 6.1)")
    rp.add_argument("--fs", default="ext4", help="file system (default ext4)")
    _cache(rp)


def _add_export(sub: Any) -> None:
    x = sub.add_parser("export", help="the spec as a model for another checker: Promela, "
                       "which spin -a, gcc -DBFS -DSAFETY and ./pan check as it is")
    _target(x)
    x.add_argument("--format", choices=("promela",), default="promela",
                   help="promela (the only one; default)")
    x.add_argument("--property", help="assert only this property (default: every one)")
    x.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    _common(x)


def _add_gallery(sub: Any) -> None:
    gal = sub.add_parser("gallery", help="draw every known trace (docs/model.md §6)")
    gal.add_argument("--out", metavar="DIR", default="diagrams",
                     help="write the diagrams and their index here (default diagrams)")


def _add_bench(sub: Any) -> None:
    b = sub.add_parser("bench", help="fixed configurations through the native engine (one "
                       "thread and all), the Python engine and SPIN: distinct states/s, "
                       "bytes per state, time to verdict against SPIN's")
    b.add_argument("--engines", default="", metavar="LIST",
                   help="native-1, native, python, spin (default: all)")
    b.add_argument("--smt", action="store_true",
                   help="also: BMC solver time per depth on pg-panic/linux-4.16 and the time "
                        "to a Spacer proof on pg-retry/freebsd")


_TERMINATED = False


def _on_term(signum: int, frame: Any) -> None:
    """SIGTERM as SIGINT: searches stop with what they explored; exit 143."""
    global _TERMINATED
    _TERMINATED = True
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _on_term)
    try:
        args = build_parser().parse_args(argv)
        return {"check": cmd_check, "matrix": cmd_matrix, "list": cmd_list,
                "bench": cmd_bench, "render": cmd_render, "graph": cmd_graph,
                "gallery": cmd_gallery, "validate": cmd_validate,
                "conformance": cmd_conformance, "replay": cmd_replay,
                "export": cmd_export}[args.cmd](args)
    except (UsageError, BadConfig, UnknownChoice, registry.BadSpec, NoGraphviz,
            native.SpecError, BadOutput) as e:
        print(f"fsmodel: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except EngineDisagreement as e:
        print(f"fsmodel: engines disagree: {e}", file=sys.stderr)
        return EXIT_USAGE
    except Interrupted as e:
        r = e.result
        print(f"fsmodel: interrupted after {r.distinct:,} distinct states ({r.generated:,} "
              f"generated), depth {r.depth}, {r.seconds:.1f} s: no verdict", file=sys.stderr)
        return 143 if _TERMINATED else 130
    except KeyboardInterrupt:
        print("fsmodel: interrupted", file=sys.stderr)
        return 143 if _TERMINATED else 130
    except BrokenPipeError:  # the reader went away (| head): exit as SIGPIPE would, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


# -- running one cell ------------------------------------------------------------------------
def _bounds_from(args: argparse.Namespace) -> dict[str, int]:
    return {k: getattr(args, k.replace("-", "_")) for k in BOUNDS
            if getattr(args, k.replace("-", "_")) is not None}


def _options(args: argparse.Namespace) -> dict[str, Any]:
    disable = [d for d in args.disable.split(",") if d]
    if args.max_states < 0 or not 0 <= args.max_seconds < math.inf:
        raise UsageError("--max-states and --max-seconds take non-negative numbers")
    if args.depth < 0 or not 0 <= args.prove_seconds < math.inf:
        raise UsageError("--depth and --prove-seconds take non-negative numbers")
    if not 0 <= args.threads <= 16:
        raise UsageError("--threads takes 1 to 16 (0: one per core)")
    max_bytes = _size(args.max_memory) if args.max_memory else default_memory()
    return {"fs": args.fs, "disable": disable, "fpw": args.fpw == "on",
            "bounds": _bounds_from(args), "max_states": args.max_states,
            "max_seconds": args.max_seconds,
            "symmetry": not (args.no_symmetry or args.no_reduction),
            "reduce": not args.no_reduction,
            "engine": args.engine, "depth": args.depth, "prove_seconds": args.prove_seconds,
            "threads": args.threads, "max_bytes": max_bytes}


def _exit(verdict: str) -> int:
    return {"holds": EXIT_HOLDS, "violated": EXIT_VIOLATED, "unknown": EXIT_UNKNOWN}[verdict]


# -- commands --------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    if args.sweep:
        return cmd_sweep(args)
    trace_out = check_file(args.trace_out) if args.trace_out else None   # before the run
    render_dir = check_dir(args.render) if args.render else None
    cell = run_cell(args.spec, args.os, _options(args), args.property, progress=None if args.json else printer())
    verdict = verdict_of(cell)
    first = next(iter(cell["traces"]), None)   # a violated property with a trace
    if trace_out and first:
        _save_traces(cell, trace_out)
    if render_dir:
        for name, t in cell["traces"].items():
            for path in write_diagrams(from_itf(t["itf"]),
                                       render_dir / f"{cell['spec']}.{cell['os']}.{name}"):
                print(f"fsmodel: wrote {path}", file=sys.stderr)
    if args.json:
        out = {"spec": cell["spec"], "os": cell["os"], "fs": cell["fs"], "engine": cell["engine"],
               "verdict": verdict, "property": first, "properties": cell["verdicts"],
               "details": cell["details"], "generated": cell["generated"],
               "distinct": cell["distinct"], "depth": cell["depth"],
               "seconds": cell["seconds"], "bounds": cell["bounds"],
               "trace": cell["traces"][first]["itf"] if first else None}
        for key in ("solver_seconds_per_depth", "smt"):
            if key in cell:
                out[key] = cell[key]
        print(json.dumps(out))
        return _exit(verdict)
    print(f"{cell['spec']} on {cell['os']} ({cell['fs']}), bounds "
          + " ".join(f"{k}={v}" for k, v in cell["bounds"].items())
          + (f", disabled: {','.join(cell['disabled'])}" if cell["disabled"] else ""))
    for name, v in cell["verdicts"].items():
        t = cell["traces"].get(name)
        print(f"  {name}: {v}" + (f" ({t['length']} steps)" if t else f": {cell['details'][name]}"))
    if cell["engine"] != "smt":
        reduced = (", reduced by symmetry (pages, files, backends, description slots)"
                   if cell["symmetry"] else "")
        print(f"  explored {cell['distinct']} distinct states ({cell['generated']} generated), "
              f"depth {cell['depth']}, {cell['seconds']} s{reduced}; {FINGERPRINT}")
    if "smt" in cell or cell["engine"] == "smt":
        s = cell.get("smt", cell)
        print(f"  smt: BMC to depth {s['depth']} in {s['seconds']} s ({s['bits']}-bit values)"
              + (f", stopped by {s['limit']}" if s["limit"] else "")
              + ("; agrees with the explicit engine" if "smt" in cell else ""))
        if "smt" in cell:
            for name, detail in s["details"].items():
                print(f"    {name}: {s['verdicts'][name]}: {detail}")
    if cell["limit"] and cell["engine"] != "smt":
        print(f"  stopped by {cell['limit']}: no verdict beyond what was explored")
    for t in cell["traces"].values():
        print()
        print(t["text"], end="")
    return _exit(verdict)


def cmd_sweep(args: argparse.Namespace) -> int:
    """check --sweep: exit 1 if some size is violated, 3 if the budget ended first, else 0."""
    opts = _options(args)
    if opts["engine"] not in ("explicit", "python"):
        raise UsageError("--sweep runs an explicit engine: use --engine explicit or python")
    if args.trace_out or args.render:
        raise UsageError("--sweep writes no trace files: check the configuration it reports")
    entry = registry.find(args.spec)
    build_spec(entry, args.os, opts)    # every choice validated before the first run
    budget = args.max_seconds or 60.0

    def line(a: Attempt) -> None:
        if args.json:
            return
        c = a.cell
        what = "start" if not a.grown else f"{a.grown} -> {a.bounds[a.grown]}"
        verdicts = ", ".join(f"{n} {v}" + (f" ({c['traces'][n]['length']} steps)"
                                           if n in c["traces"] else "")
                             for n, v in c["verdicts"].items())
        print(f"  {what:<18} {verdicts}: {c['distinct']:,} states in {a.seconds} s"
              + ("" if c["complete"] or c["traces"] else f" (stopped by {c['limit']})"),
              flush=True)

    if not args.json:
        print(f"sweep: {entry.id} on {args.os}, budget {budget:g} s, growing "
              + ", ".join(BOUNDS))
    res = sweep(entry, args.os, opts, budget, args.property, line)
    bad = res.violated
    code = EXIT_VIOLATED if bad else EXIT_UNKNOWN if res.exhausted or not res.largest \
        else EXIT_HOLDS
    if args.json:
        print(json.dumps({"spec": res.spec, "os": res.os, "budget": budget,
                          "attempts": [{"bounds": a.bounds, "grown": a.grown,
                                        "outcome": a.outcome, "seconds": a.seconds,
                                        **summary(a.cell)} for a in res.attempts],
                          "largest": res.largest.bounds if res.largest else None,
                          "exhausted": res.exhausted, "unused": res.unused}))
        return code
    if res.largest:
        print("largest configuration explored in full: "
              + " ".join(f"{k}={v}" for k, v in res.largest.bounds.items())
              + f" ({res.largest.cell['distinct']:,} states): every property holds")
    elif not bad:
        print("no configuration was explored in full within the budget")
    if bad:
        print("violated at " + " ".join(f"{k}={v}" for k, v in bad.bounds.items()))
        for t in bad.cell["traces"].values():
            print()
            print(t["text"], end="")
    elif res.exhausted:
        print("the budget ended before every bound reached the top of its range: "
              "larger configurations are unexplored")
    if res.unused:
        print(f"not grown, the spec does not read them: {', '.join(res.unused)}")
    return code


def _save_traces(cell: dict[str, Any], path: Path) -> None:
    """The first violated property's trace at ``path``, every other one beside it."""
    for i, name in enumerate(cell["traces"]):
        target = path if i == 0 else path.with_name(f"{path.name.split('.')[0]}.{name}.itf.json")
        _write_json(target, cell["traces"][name]["itf"])


def _ids(text: str, default: list[str]) -> list[str]:
    return [x for x in text.split(",") if x] or default


def cmd_matrix(args: argparse.Namespace) -> int:
    specs = _ids(args.specs, registry.all_ids())
    for s in specs:
        registry.find(s)
    policies = _ids(args.os, list(POLICIES))
    opts = _options(args)
    for p in policies:  # validate every choice before the long run starts
        make_config(p, opts["fs"] if POLICIES.get(p) and POLICIES[p].linux else "ext4",
                    opts["disable"], opts["fpw"], opts["bounds"])
    if args.jobs < 1:
        raise UsageError("--jobs takes a positive number")
    opts["threads"] = threads_per_cell(opts["threads"], args.jobs)
    opts["max_bytes"] //= 1 if args.max_memory else args.jobs
    with replacing_all([args.out, args.render, args.report]) as (out, render, report):
        cells, elapsed = run_matrix(specs, policies, opts, args.jobs,
                                    _Progress(len(specs) * len(policies)))
        table = _table(specs, policies, cells, lambda c: c)
        if opts["engine"] == "both":
            table = ("explicit engine:\n" + table + "\nsmt engine (agrees with the explicit "
                     "one):\n" + _table(specs, policies, cells, lambda c: c["smt"]))
        table += LEGEND + _bounds_note(specs, policies, cells)
        _write_matrix(out, specs, policies, cells, table, elapsed)
        if render:
            for (s, p), c in cells.items():
                for name, t in c["traces"].items():
                    write_diagrams(from_itf(t["itf"]), render / s / f"{p}.{name}")
        if report:
            title = f"fsmodel matrix: {len(specs)} specs by {len(policies)} policies"
            write_file(report / "index.html",
                       html(title, specs, policies, cells, cell_text, LEGEND))
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


def _size(text: str) -> int:
    """4G, 500M, 64K or a number of bytes."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    t = text.strip().upper().removesuffix("B")
    scale = units.get(t[-1:], 1)
    try:
        n = float(t[:-1] if t[-1:] in units else t) * scale
    except ValueError:
        n = -1
    if not 1 << 20 <= n < 1 << 50:
        raise UsageError(f"--max-memory {text!r}: takes a size such as 4G or 500M "
                         "(at least 1M)")
    return int(n)


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
            _write_json(out / s / f"{p}.{name}.itf.json", t["itf"])
            write_file(out / s / f"{p}.{name}.txt", t["text"])
    write_file(out / "summary.md",
               "# fsmodel matrix\n\n" + table + f"\n{len(cells)} cells in {elapsed:.1f} s. "
               "Traces: `<spec>/<os>.<property>.txt` and `.itf.json`.\n")
    _write_json(out / "matrix.json", [summary(c) for c in cells.values()])


def _write_json(path: Path, doc: Any) -> None:
    write_file(path, json.dumps(doc, indent=1) + "\n")


def cmd_list(args: argparse.Namespace) -> int:
    print("specs (and the bounds each checks by default):")
    for sid, s in registry.shipped().items():
        print(f"  {sid:<16} {s.summary}")
        print(f"  {'':<16} " + " ".join(f"{k}={v}" for k, v in default_bounds(s.bounds).items()))
    print("patches (specs/patches/; fsmodel validate ID):")
    for sid, s in registry.patches().items():
        own = " ".join(f"{k}={v}" for k, v in getattr(s, "bounds", {}).items())
        print(f"  {sid:<30} over {s.baseline}: {s.summary.removeprefix('patch: ')}"
              + (f" ({own})" if own else ""))
    print("policies (--os):")
    for p in POLICIES.values():
        alias = f" (also {', '.join(p.aliases)})" if p.aliases else ""
        print(f"  {p.id:<16} {p.summary}{alias}")
    print("file systems (--fs, Linux policies):")
    for f in FILESYSTEMS.values():
        print(f"  {f.id:<16} {f.summary}")
    print("environment behaviours (--disable):")
    for name, doc in ENVIRONMENT.items():
        print(f"  {name:<16} {doc}")
    print("properties:")
    print("  checkpoint-soundness  a completed checkpoint's redo pointer is covered by the disk")
    print("  durability            recovery finds every committed change (disk, cache or WAL)")
    print("  fsync-honesty         (os-contract) fsync returning 0 means earlier writes on disk")
    print("bounds:")
    for name, (d, lo, hi, meaning) in BOUNDS.items():
        print(f"  --{name:<14} {meaning} (default {d} unless the spec says, {lo} to {hi})")
    return EXIT_HOLDS


def _format(args: argparse.Namespace, suffixes: dict[str, str], default: str) -> str:
    """--format, else the one -o's suffix names, else the default."""
    if args.format:
        return args.format
    if not args.output:
        return default
    suffix = Path(args.output).suffix.lstrip(".")
    fmt = {v: k for k, v in suffixes.items()}.get(suffix)
    if fmt is None:
        raise UsageError(f"cannot tell the format from '{args.output}': use --format")
    return fmt


def _check_output(args: argparse.Namespace) -> None:
    """-o FILE checked before any work."""
    if args.output:
        check_file(args.output)


def _emit(data: bytes, output: str | None, binary: bool) -> None:
    if output:
        write_file(Path(output), data)
    elif binary and sys.stdout.isatty():
        raise UsageError("a PNG goes to a file: add -o FILE.png")
    else:
        sys.stdout.buffer.write(data)


def cmd_graph(args: argparse.Namespace) -> int:
    fmt = _format(args, {"dot": "dot", "graphml": "graphml", "svg": "svg", "png": "png"}, "dot")
    _check_output(args)
    if args.max_nodes < 1:
        raise UsageError("--max-nodes takes a positive number")
    from .engines.graph import TooLarge, state_graph   # networkx (19 MiB): only here
    from .render.stategraph import to_dot, to_graphml
    cfg, spec = build_spec(args.spec, args.os, _options(args))
    try:
        sg = state_graph(spec, args.max_nodes)
    except TooLarge as e:
        raise UsageError(str(e)) from None
    d = cfg.describe()
    title = f"{spec.name} on {d['os']} ({d['fs']}), " + " ".join(
        f"{k}={v}" for k, v in d["bounds"].items())
    data = to_graphml(sg) if fmt == "graphml" else output(to_dot(sg, title), fmt)
    _emit(data, args.output, fmt == "png")
    print(f"fsmodel: {sg.states} states, {sg.kept} drawn; "
          + (f"{sg.property} violated in {len(sg.path) - 1} steps" if sg.path else
             "no violation"), file=sys.stderr)
    return EXIT_VIOLATED if sg.path else EXIT_HOLDS


def cmd_validate(args: argparse.Namespace) -> int:
    patches = (registry.load_file(args.patch) if args.patch.endswith(".py")
               else [registry.find(args.patch)])
    policies = _ids(args.os, list(POLICIES))
    for p in policies:
        lookup_policy(p)
    opts = _options(args)
    if args.jobs < 1:
        raise UsageError("--jobs takes a positive number")
    opts["threads"] = threads_per_cell(opts["threads"], args.jobs)
    results, failed, unknown = [], False, False
    for patch in patches:
        base_id = args.baseline or getattr(patch, "baseline", "")
        if not base_id:
            raise UsageError(f"patch {patch.id} names no baseline: add --baseline SPEC")
        base = registry.find(base_id)
        claims = args.expect or own_claims(patch, policies)
        try:
            expected = parse_expect(claims, policies)
        except ValueError as e:
            raise UsageError(str(e)) from None
        rows = validate_patch(patch, base, policies, opts, expected, args.jobs)
        results.append({"patch": patch.id, "baseline": base.id, "rows": rows})
        if not args.json:
            print(_validation_text(patch, base, rows))
        failed |= any(r["surprise"] or r["opens"] for r in rows)
        unknown |= any(r["verdict"] == "unknown" for r in rows)
    if args.json:
        print(json.dumps(results))
    return EXIT_VIOLATED if failed else EXIT_UNKNOWN if unknown else EXIT_HOLDS


def _validation_text(patch: Any, base: Any, rows: list[dict[str, Any]]) -> str:
    opts = getattr(patch, "options", {})
    shown = ", ".join(f"{k}={','.join(v) if isinstance(v, (list, tuple)) else v}"
                      for k, v in opts.items())
    out = [f"{patch.id}: {patch.summary}",
           f"  against {base.id}; sources {' '.join(patch.sources)}"
           + (f"; scenario {shown}" if shown else ""), "",
           "| policy | baseline | patch | claimed | baseline's counterexamples on the patch | "
           "holes the patch opens |", "|---|---|---|---|---|---|"]
    for r in rows:
        closes = "; ".join([f"{n} ({e['baseline_trace']['length']}): "
                            f"{e['baseline_trace']['text']}"
                            for n, e in r["properties"].items() if "baseline_trace" in e]
                           + [f"{k}: {f['text']}" for k, f in r["known"].items()])
        opens = "; ".join(f"{n} ({e['opens']['length']} steps; the baseline "
                          + ("blocks it at step "
                             f"{e['opens']['replayed'] + 1}, {e['opens']['stuck_at']})"
                             if e["opens"]["stuck_at"] else "replays it but holds)")
                          for n, e in r["properties"].items() if "opens" in e)
        claim = "" if r["expected"] is None else r["expected"] + (
            " (REFUTED)" if r["surprise"] else " (confirmed)")
        out.append(f"| {r['os']} | {r['text']['baseline']} | {r['text']['patch']} | {claim} "
                   f"| {closes or '-'} | {opens or '-'} |")
    return "\n".join(out) + "\n"


def cmd_conformance(args: argparse.Namespace) -> int:
    from .conformance import compare, harness   # QEMU's world: only for this command
    series, fss = _ids(args.series, []), _ids(args.fs, [])
    for x in series:
        if x not in harness.SERIES:
            raise UsageError(f"unknown kernel series '{x}' (choose from "
                             f"{', '.join(harness.SERIES)})")
    for f in fss:
        if f not in harness.FILESYSTEMS:
            raise UsageError(f"unknown file system '{f}' (choose from "
                             f"{', '.join(harness.FILESYSTEMS)})")
    out = check_dir(args.out)
    bad = 0
    try:
        harness.install_packages()
        for x in series:
            b = harness.boot(x, Path(args.cache), fss)
            results = compare.compare(b.lines, fss, x)
            text = compare.table(b.kernel, x, results)
            print(text + f"boot and {len(compare.SCENARIOS)} scenarios on {len(fss)} file "
                  f"systems: {b.seconds:.1f} s\n")
            write_file(out / f"{x}.md", text)
            _write_json(out / f"{x}.json", {"kernel": b.kernel, "seconds": b.seconds,
                                            "lines": b.lines})
            bad += len(compare.unexplained(x, results))
    except harness.HarnessError as e:
        raise UsageError(f"conformance: {e}".splitlines()[0]) from None
    print(f"fsmodel: {bad} unexplained differences; tables in {out}/", file=sys.stderr)
    return EXIT_VIOLATED if bad else EXIT_HOLDS


def cmd_replay(args: argparse.Namespace) -> int:
    from .conformance import harness, kernel_replay
    if args.series not in harness.SERIES or args.fs not in harness.FILESYSTEMS:
        raise UsageError(f"--series takes {', '.join(harness.SERIES)}; --fs takes "
                         f"{', '.join(harness.FILESYSTEMS)}")
    trace = _read_trace(args.trace)
    try:
        script = kernel_replay.translate(trace)
        harness.install_packages()
        b = harness.boot(args.series, Path(args.cache), [args.fs],
                         [kernel_replay.scenario(script)])
    except (kernel_replay.Untranslatable, harness.HarnessError) as e:
        raise UsageError(str(e).splitlines()[0]) from None
    from .conformance.compare import parse
    from .conformance.scenarios import SETUP
    got = {i - len(SETUP): r for i, _, r in parse(b.lines).get((args.fs, "replay"), [])}
    print(f"{trace.spec} ({trace.meta.get('os', '?')}) {trace.property} trace, replayed on "
          f"{b.kernel} ({args.fs}) in {b.seconds:.1f} s\n")
    print("| # | trace step | kernel step | trace says | kernel returned |")
    print("|---|---|---|---|---|")
    bad = 0
    for i, (step, want, origin) in enumerate(zip(script.steps, script.expected, script.origin),
                                              1):
        seen = got.get(i, "(not run)")
        mark = "" if want is None or want == seen else " **differs**"
        bad += bool(mark)
        print(f"| {i} | {origin} | `{step}` | {want if want is not None else '-'} | "
              f"{seen}{mark} |")
    if script.stopped:
        print(f"\n{script.stopped}")
    print(f"\n{'every result as the trace says' if not bad else f'{bad} results differ'}")
    return EXIT_VIOLATED if bad else EXIT_HOLDS


MAX_TRACE_BYTES = 64 << 20    # a trace of a million steps is far smaller


def _read_trace(name: str) -> Any:
    """A saved trace, read defensively: a regular file of sane size, UTF-8 JSON of sane depth,
    with every field a trace needs (``from_itf``); else one line, exit 2."""
    path = Path(name)
    try:
        if not path.is_file():
            raise UsageError(f"cannot read {name}: "
                             + ("not a regular file" if path.exists() else "no such file"))
        if path.stat().st_size > MAX_TRACE_BYTES:
            raise UsageError(f"{name} is larger than {MAX_TRACE_BYTES >> 20} MiB: not a trace")
        doc = json.loads(path.read_bytes().decode("utf-8"))
        return from_itf(doc)
    except OSError as e:
        raise UsageError(f"cannot read {name}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not a text file (not UTF-8)") from None
    except json.JSONDecodeError as e:
        raise UsageError(f"{name} is not JSON ({e.msg}, line {e.lineno})") from None
    except RecursionError:
        raise UsageError(f"{name} is nested too deeply to be a trace") from None
    except ValueError as e:
        raise UsageError(f"{name}: {e}") from None


def cmd_export(args: argparse.Namespace) -> int:
    from .engines.promela import to_promela
    _check_output(args)
    cfg, spec = build_spec(args.spec, args.os, _options(args))
    names = [p.name for p in spec.properties]
    if args.property is not None and args.property not in names:
        raise UsageError(f"unknown property '{args.property}' (choose from {', '.join(names)})")
    spec.meta |= cfg.describe()    # the header says what was exported
    try:
        text = to_promela(spec, args.property)
    except ValueError as e:      # a spec the translation cannot express (one line)
        raise UsageError(f"{spec.name}: {e}") from None
    _emit(text.encode(), args.output, False)
    if args.output:
        print(f"fsmodel: wrote {args.output}: spin -o2 -a {args.output} && gcc -DBFS -DSAFETY "
              "-O2 -o pan pan.c && ./pan -m100000 -n", file=sys.stderr)
    return EXIT_HOLDS


def cmd_gallery(args: argparse.Namespace) -> int:
    with replacing_all([args.out]) as (out,):
        paths = write_gallery(out)
    print(f"fsmodel: {len(paths)} files written to {args.out}/", file=sys.stderr)
    return EXIT_HOLDS


def cmd_render(args: argparse.Namespace) -> int:
    fmt = _format(args, FORMATS, "svg")
    _check_output(args)
    trace = _read_trace(args.trace)
    try:
        data = diagram(trace, fmt)
    except (ValueError, KeyError, TypeError) as e:   # fields from_itf lets through, misused
        raise UsageError(f"{args.trace}: not a drawable trace ({e})") from None
    _emit(data, args.output, fmt == "png")
    return EXIT_HOLDS


def cmd_bench(args: argparse.Namespace) -> int:
    engines = _ids(args.engines, list(bench.ENGINES))
    for e in engines:
        if e not in bench.ENGINES:
            raise UsageError(f"unknown engine '{e}' (choose from {', '.join(bench.ENGINES)})")
    for spec_id, os_id, opts in bench.CONFIGS:
        cfg, _ = build_spec(spec_id, os_id, DEFAULTS | opts)
        print(f"bench: {spec_id} on {os_id}, bounds "
              + " ".join(f"{k}={v}" for k, v in cfg.bounds.items())
              + (f", disabled: {','.join(opts['disable'])}" if opts.get("disable") else ""),
              flush=True)
        print(bench.table(spec_id, os_id, [bench.run(e, spec_id, os_id, opts)
                                           for e in engines]), flush=True)
    if args.smt:
        _bench_smt()
    return EXIT_HOLDS


def _bench_smt() -> None:
    """Solver seconds per BMC depth on every shipped spec (a minute each), and proof times."""
    for sid in registry.shipped():
        res = smt.bmc(build_spec(sid, "linux-4.16")[1], 20, 60)
        found = ", ".join(f"{p} {t.length}" for p, t in res.traces.items()) or "none"
        per = " ".join(f"{d['depth']}:{d['seconds']}" for d in res.per_depth)
        print(f"bench smt: {sid} on linux-4.16, depth {res.depth} in {res.seconds:.1f} s"
              + (f" (stopped by {res.limit})" if res.limit else "")
              + f", violations {found}; solver seconds per depth {per}")
    for sid, prop in (("os-contract", "fsync-honesty"), ("pg-retry", "checkpoint-soundness"),
                      ("pg-panic", "checkpoint-soundness")):
        p = smt.prove(build_spec(sid, "freebsd")[1], prop, 300, free_bounds=True)
        print(f"bench smt: {sid} on freebsd, {prop} {p.verdict} by Spacer for every number of "
              f"{', '.join(p.free)} in {p.seconds:.1f} s")
