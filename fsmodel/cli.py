"""The ``fsmodel`` command.

Exit codes: 0 every property holds (matrix: every cell has a verdict); 1 a violation was found;
2 bad usage or bad input; 3 inconclusive (a resource limit was hit); 130 interrupted; 141 the
output pipe closed.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Sequence

from . import registry
from .config import BOUNDS, ENVIRONMENT, BadConfig, make_config
from .engines import smt
from .engines.explicit import FINGERPRINT, check as explicit_check
from .kernel.policy import FILESYSTEMS, POLICIES, UnknownChoice, lookup_policy
from .render.files import FORMATS, NoGraphviz, diagram, output, write_diagrams
from .render.gallery import write_gallery
from .render.report import html
from .render.text import render
from .trace import from_itf
from .validate import compare, known_fates, parse_expect
from .verdicts import overall

EXIT_HOLDS, EXIT_VIOLATED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
# Options of a run with every default (bench): ext4, nothing disabled, the spec's bounds.
DEFAULTS: dict[str, Any] = {"fs": "ext4", "disable": [], "fpw": True, "bounds": {},
                            "max_states": 0, "max_seconds": 0, "symmetry": True}


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
    p.add_argument("--no-symmetry", action="store_true",
                   help="explore every permutation of interchangeable backends")
    p.add_argument("--engine", choices=("explicit", "smt", "both"), default="explicit",
                   help="explicit-state BFS, z3 (BMC, then a Spacer proof), or both, "
                        "failing if they disagree (default explicit)")
    p.add_argument("--depth", type=int, default=20, metavar="K",
                   help="BMC depth for the smt engine (default 20)")
    p.add_argument("--prove-seconds", type=float, default=60, metavar="S",
                   help="time for a Spacer proof of each unviolated property (default 60)")
    _bounds_args(p)


def build_parser() -> Parser:
    top = Parser(prog="fsmodel", description="Model checker of fsync semantics.",
                 epilog="exit codes: 0 holds, 1 violated, 2 bad usage or input, 3 inconclusive")
    sub = top.add_subparsers(dest="cmd", required=True, parser_class=Parser)

    c = sub.add_parser("check", help="check one spec under one OS policy")
    c.add_argument("spec", help="a shipped spec id (see 'fsmodel list') or a spec file")
    c.add_argument("--os", required=True, help="OS policy id")
    c.add_argument("--property", help="check only this property")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--trace-out", metavar="FILE", help="save the counterexample as ITF JSON")
    c.add_argument("--render", metavar="DIR", help="write each counterexample's lane diagram "
                   "here (svg, png, dot, mermaid)")
    _common(c)

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
    m.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="cells checked in parallel (default: the number of cores)")
    _common(m)

    sub.add_parser("list", help="specs, policies, file systems, behaviours, properties")

    r = sub.add_parser("render", help="draw a saved counterexample (ITF JSON) as a lane diagram")
    r.add_argument("trace", help="an ITF trace written by check --trace-out or matrix")
    r.add_argument("--format", choices=tuple(FORMATS),
                   help="svg, png, dot or mermaid (default: from -o's suffix, else svg)")
    r.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")

    g = sub.add_parser("graph", help="the reachable state graph of a small configuration, "
                       "the path to the first violation in red")
    g.add_argument("spec", help="a shipped spec id or a spec file")
    g.add_argument("--os", required=True, help="OS policy id")
    g.add_argument("--format", choices=("dot", "graphml", "svg", "png"),
                   help="default: from -o's suffix, else dot")
    g.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    g.add_argument("--max-nodes", type=int, default=300, metavar="N",
                   help="above N states draw only the path and its neighbours (default 300)")
    _common(g)

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
    v.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="cells checked in parallel (default: the number of cores)")
    _common(v)

    k = sub.add_parser("conformance", help="boot Debian's kernels under QEMU, run the "
                       "scenarios on each file system and compare with the model")
    k.add_argument("--series", default="6.1,6.12", metavar="LIST",
                   help="kernel series (default 6.1,6.12)")
    k.add_argument("--fs", default="ext4,ext4-journal,xfs,btrfs", metavar="LIST",
                   help="file systems (default ext4,ext4-journal,xfs,btrfs)")
    k.add_argument("--cache", default=".conformance", metavar="DIR",
                   help="downloads and builds (default .conformance)")
    k.add_argument("--out", default="out/conformance", metavar="DIR",
                   help="tables and raw results (default out/conformance)")

    rp = sub.add_parser("replay", help="run a trace's kernel-level steps on a booted Linux "
                        "and compare each result with the trace")
    rp.add_argument("trace", help="an ITF trace (check --trace-out, matrix)")
    rp.add_argument("--kernel", action="store_true", required=True,
                    help="on a Debian kernel under QEMU (the only replay there is)")
    rp.add_argument("--series", default="6.1", help="kernel series (default 6.1)")
    rp.add_argument("--fs", default="ext4", help="file system (default ext4)")
    rp.add_argument("--cache", default=".conformance", metavar="DIR",
                    help="downloads and builds (default .conformance)")

    gal = sub.add_parser("gallery", help="draw every known trace (DOMAIN.md section 6)")
    gal.add_argument("--out", metavar="DIR", default="diagrams",
                     help="write the diagrams and their index here (default diagrams)")

    b = sub.add_parser("bench", help="states per second and peak memory on a fixed config")
    b.add_argument("--spec", default="pg-fdpass", help="spec (default pg-fdpass)")
    b.add_argument("--os", default="freebsd", help="policy (default freebsd: the property "
                   "holds, so the whole state space is explored)")
    b.add_argument("--smt", action="store_true",
                   help="also: BMC solver time per depth on pg-panic/linux-4.16 and the time "
                        "to a Spacer proof on pg-retry/freebsd")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"check": cmd_check, "matrix": cmd_matrix, "list": cmd_list,
                "bench": cmd_bench, "render": cmd_render, "graph": cmd_graph,
                "gallery": cmd_gallery, "validate": cmd_validate,
                "conformance": cmd_conformance, "replay": cmd_replay}[args.cmd](args)
    except (UsageError, BadConfig, UnknownChoice, registry.BadSpec, NoGraphviz) as e:
        print(f"fsmodel: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except EngineDisagreement as e:
        print(f"fsmodel: engines disagree: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("fsmodel: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (| head): exit as SIGPIPE would, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


# -- running one cell ------------------------------------------------------------------------
def _bounds_from(args: argparse.Namespace) -> dict[str, int]:
    return {k: getattr(args, k.replace("-", "_")) for k in BOUNDS
            if getattr(args, k.replace("-", "_")) is not None}


def _options(args: argparse.Namespace) -> dict[str, Any]:
    disable = [d for d in args.disable.split(",") if d]
    if args.max_states < 0 or args.max_seconds < 0:
        raise UsageError("--max-states and --max-seconds take non-negative numbers")
    if args.depth < 0 or args.prove_seconds < 0:
        raise UsageError("--depth and --prove-seconds take non-negative numbers")
    return {"fs": args.fs, "disable": disable, "fpw": args.fpw == "on",
            "bounds": _bounds_from(args), "max_states": args.max_states,
            "max_seconds": args.max_seconds, "symmetry": not args.no_symmetry,
            "engine": args.engine, "depth": args.depth, "prove_seconds": args.prove_seconds}


def _build(spec_id: str | Any, os_id: str, opts: dict[str, Any] = DEFAULTS
           ) -> tuple[Any, Any]:
    """The configuration (the spec's own bounds under the user's) and the built spec; the
    spec is an id, a file, or a loaded spec entry."""
    entry = registry.find(spec_id) if isinstance(spec_id, str) else spec_id
    o = scenario(entry, os_id, opts)
    cfg = make_config(os_id, o["fs"], o["disable"], o["fpw"], o["bounds"],
                      getattr(entry, "bounds", {}))
    return cfg, entry.build(cfg)


def scenario(entry: Any, os_id: str, opts: dict[str, Any]) -> dict[str, Any]:
    """The options with a patch's own (its file system, full_page_writes, behaviours turned
    off): they are part of the scenario it is about.  Its file system applies to Linux only."""
    own = getattr(entry, "options", {})
    o = opts | {k: v for k, v in own.items() if k != "disable"}
    o["disable"] = sorted(set(opts["disable"]) | set(own.get("disable", ())))
    if "fs" in own and not lookup_policy(os_id).linux:
        o["fs"] = "ext4"
    return o


class EngineDisagreement(Exception):
    """The explicit and SMT engines gave different answers: a bug in one of them."""


def run_cell(spec_id: str | Any, os_id: str, opts: dict[str, Any], prop: str | None = None,
             progress: bool = True) -> dict[str, Any]:
    """Check one spec under one policy; a plain dict (it crosses process boundaries)."""
    cfg, spec = _build(spec_id, os_id, opts)
    if prop is not None:
        names = [p.name for p in spec.properties]
        if prop not in names:
            raise BadConfig(f"unknown property '{prop}' (choose from {', '.join(names)})")
        spec.properties = [p for p in spec.properties if p.name == prop]
    engine = opts.get("engine", "explicit")
    cells = {}
    if engine in ("explicit", "both"):
        cells["explicit"] = _explicit_cell(spec, opts, progress)
    if engine in ("smt", "both"):
        cells["smt"] = _smt_cell(spec, opts)
    if engine == "both":
        _compare(cells["explicit"], cells["smt"])
    cell = cells["explicit" if engine != "smt" else "smt"]
    meta = cfg.describe() | {"engine": engine}
    for t in cell["traces"].values():
        t["itf"]["#meta"].update(meta)
    out = {"spec": spec.name, **meta, **cell}
    if engine == "both":
        out["smt"] = _summary(cells["smt"])
    return out


def _explicit_cell(spec: Any, opts: dict[str, Any], progress: bool) -> dict[str, Any]:
    res = explicit_check(spec, opts["max_states"], opts["max_seconds"],
                         sys.stderr if progress else None, opts.get("symmetry", True))
    details = {}
    for name, v in res.verdicts.items():
        details[name] = {"holds": "no violation in any reachable state within the bounds",
                         "unknown": f"stopped by {res.limit}"}.get(v, "")
    return {"verdicts": res.verdicts, "details": details, "traces": _traces(res.traces),
            "states": res.states, "distinct": res.distinct, "depth": res.depth,
            "seconds": round(res.seconds, 3), "complete": res.complete, "limit": res.limit,
            "symmetry": res.symmetry}


def _smt_cell(spec: Any, opts: dict[str, Any]) -> dict[str, Any]:
    res = smt.bmc(spec, opts.get("depth", 20), opts["max_seconds"])
    verdicts, details, proofs = {}, {}, {}
    for name, v in res.verdicts.items():
        if v == "violated":
            verdicts[name] = "violated"
            details[name] = f"found by BMC at depth {res.traces[name].length}"
            continue
        verdicts[name], details[name], proofs[name] = _prove(spec, name, v, opts)
    return {"verdicts": verdicts, "details": details, "traces": _traces(res.traces),
            "states": 0, "distinct": 0, "depth": res.depth, "seconds": round(res.seconds, 3),
            "complete": False, "limit": res.limit, "symmetry": False, "bits": res.bits,
            "solver_seconds_per_depth": res.per_depth, "proofs": proofs}


def _prove(spec: Any, name: str, bmc_verdict: str, opts: dict[str, Any]) -> tuple[str, str, str]:
    """A Spacer proof for every value of the bounds, else for the configured ones: the
    verdict, what backs it, and the proof's scope (all-bounds, bounds, or none)."""
    budget = opts.get("prove_seconds", 60)
    free = smt.prove(spec, name, budget, free_bounds=True)
    if free.verdict == "proved":
        return "holds", (f"proved by Spacer (an inductive invariant) for every number of "
                         f"{', '.join(free.free)}, in {free.seconds:.1f} s"), "all-bounds"
    bounded = smt.prove(spec, name, budget)
    why = (f"not for every number of {', '.join(free.free)}: Spacer finds a violation "
           "with larger bounds" if free.verdict == "violated" else
           f"no proof for every bound in {free.seconds:.1f} s")
    if bounded.verdict == "proved":
        return "holds", (f"proved by Spacer (an inductive invariant) for these bounds in "
                         f"{bounded.seconds:.1f} s; {why}"), "bounds"
    if bounded.verdict == "violated":   # BMC stopped short of the violation Spacer reached
        return "violated", f"Spacer finds a violation beyond BMC's {bmc_verdict}", "none"
    return "unknown", f"{bmc_verdict}; {why}; none for these bounds in " \
                      f"{bounded.seconds:.1f} s", "none"


def _traces(traces: dict[str, Any]) -> dict[str, Any]:
    return {name: {"itf": t.to_itf(), "text": render(t), "length": t.length}
            for name, t in traces.items()}


def _compare(explicit: dict[str, Any], symbolic: dict[str, Any]) -> None:
    """Fail loudly where the two engines' answers contradict each other: verdicts that differ,
    shortest lengths that differ, or BMC clean past the explicit engine's counterexample."""
    for name, v in explicit["verdicts"].items():
        w = symbolic["verdicts"][name]
        n = explicit["traces"].get(name, {}).get("length")
        m = symbolic["traces"].get(name, {}).get("length")
        if v == "unknown" or (w == "unknown" and (v != "violated" or n > symbolic["depth"])):
            continue   # one engine stopped short, and nothing it saw contradicts the other
        if v != w or None not in (n, m) and n != m:
            why = f"length {m}" if m else symbolic["details"][name]
            raise EngineDisagreement(f"{name}: explicit says {v}"
                                     + (f" (length {n})" if n else "") + f", smt says {w} ({why})")


def _verdict(cell: dict[str, Any]) -> str:
    return overall(cell["verdicts"].values())


def _exit(verdict: str) -> int:
    return {"holds": EXIT_HOLDS, "violated": EXIT_VIOLATED, "unknown": EXIT_UNKNOWN}[verdict]


# -- commands --------------------------------------------------------------------------------
def cmd_check(args: argparse.Namespace) -> int:
    cell = run_cell(args.spec, args.os, _options(args), args.property, progress=not args.json)
    verdict = _verdict(cell)
    first = next(iter(cell["traces"]), None)   # a violated property with a trace
    if args.trace_out and first:
        _save_traces(cell, Path(args.trace_out))
    if args.render:
        for name, t in cell["traces"].items():
            for path in write_diagrams(from_itf(t["itf"]),
                                       Path(args.render) / f"{cell['spec']}.{cell['os']}.{name}"):
                print(f"fsmodel: wrote {path}", file=sys.stderr)
    if args.json:
        out = {"spec": cell["spec"], "os": cell["os"], "fs": cell["fs"], "engine": cell["engine"],
               "verdict": verdict, "property": first, "properties": cell["verdicts"],
               "details": cell["details"], "states": cell["states"],
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
        reduced = ", reduced by symmetry (backends, description slots)" if cell["symmetry"] else ""
        print(f"  explored {cell['distinct']} distinct states ({cell['states']} generated), "
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


def _save_traces(cell: dict[str, Any], path: Path) -> None:
    names = list(cell["traces"])
    path.parent.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        target = path if i == 0 else path.with_name(f"{path.name.split('.')[0]}.{name}.itf.json")
        _write_json(target, cell["traces"][name]["itf"])


def _ids(text: str, default: list[str]) -> list[str]:
    return [x for x in text.split(",") if x] or default


def cmd_matrix(args: argparse.Namespace) -> int:
    specs = _ids(args.specs, list(registry.shipped()) + list(registry.patches()))
    for s in specs:
        registry.find(s)
    policies = _ids(args.os, list(POLICIES))
    opts = _options(args)
    for p in policies:  # validate every choice before the long run starts
        make_config(p, opts["fs"] if POLICIES.get(p) and POLICIES[p].linux else "ext4",
                    opts["disable"], opts["fpw"], opts["bounds"])
    if args.jobs < 1:
        raise UsageError("--jobs takes a positive number")
    jobs = [(s, p) for s in specs for p in policies]
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    start = time.monotonic()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {job: pool.submit(run_cell, job[0], job[1], _cell_opts(opts, job[1]), None,
                                    False) for job in jobs}
        for job in jobs:
            cells[job] = futures[job].result()
            c = cells[job]
            smt_part = (f"; smt {_cell_text(c['smt'])} ({c['smt']['seconds']} s)"
                        if "smt" in c else "")
            print(f"fsmodel: {job[0]} on {job[1]}: {_cell_text(c)} "
                  f"({c['distinct']} states, {c['seconds']} s){smt_part}",
                  file=sys.stderr, flush=True)
    elapsed = time.monotonic() - start
    table = _table(specs, policies, cells, lambda c: c)
    if opts["engine"] == "both":
        table = ("explicit engine:\n" + table + "\nsmt engine (agrees with the explicit one):\n"
                 + _table(specs, policies, cells, lambda c: c["smt"]))
    table += LEGEND
    _write_matrix(Path(args.out), specs, policies, cells, table, elapsed)
    if args.render:
        for (s, p), c in cells.items():
            for name, t in c["traces"].items():
                write_diagrams(from_itf(t["itf"]), Path(args.render) / s / f"{p}.{name}")
        print(f"fsmodel: diagrams written to {args.render}/", file=sys.stderr)
    if args.report:
        page = Path(args.report) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        title = f"fsmodel matrix: {len(specs)} specs by {len(policies)} policies"
        page.write_text(html(title, specs, policies, cells, _cell_text, LEGEND))
        print(f"fsmodel: report written to {page}", file=sys.stderr)
    if args.json:
        print(json.dumps({"specs": specs, "os": policies, "seconds": round(elapsed, 1),
                          "cells": [_summary(c) for c in cells.values()]}))
    else:
        print(table, end="")
        print(f"{len(cells)} cells in {elapsed:.1f} s")
    unknown = any(_verdict(c) == "unknown" for c in cells.values())
    return EXIT_UNKNOWN if unknown else EXIT_HOLDS


def _cell_opts(opts: dict[str, Any], policy: str) -> dict[str, Any]:
    """File-system variants apply to Linux policies; the others run on their own fs."""
    return opts if POLICIES[policy].linux else opts | {"fs": "ext4"}


def _summary(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell without its traces, with their lengths."""
    return {k: v for k, v in cell.items() if k != "traces"} | {
        "lengths": {n: t["length"] for n, t in cell["traces"].items()}}


def _cell_text(cell: dict[str, Any]) -> str:
    """One entry per property: see LEGEND."""
    parts, lengths = [], _summary(cell)["lengths"] if "traces" in cell else cell["lengths"]
    for name, v in cell["verdicts"].items():
        if v == "violated":
            parts.append(str(lengths.get(name, "x")))
        elif v == "holds":
            parts.append("ok*" if cell.get("proofs", {}).get(name) == "all-bounds" else "ok")
        else:
            parts.append(f"?{cell['depth']}" if "proofs" in cell else "?")
    return "/".join(parts)


LEGEND = """\
cell: one entry per property (pg specs: checkpoint-soundness/durability; os-contract:
fsync-honesty). A number is the length of the shortest counterexample. ok: holds within the
bounds (explicit: every reachable state checked; smt: Spacer proof for these bounds). ok*:
Spacer proof for every number of writes, checkpoints, crashes and faults. x: Spacer found a
violation beyond the BMC depth reached. ?: inconclusive (smt: ?K, no violation up to depth K).
"""


def _table(specs: list[str], policies: list[str], cells: dict,
           view: Callable[[dict], dict]) -> str:
    head = ["spec"] + policies
    rows = [[s] + [_cell_text(view(cells[(s, p)])) for p in policies] for s in specs]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(x.ljust(w) for x, w in zip(r, widths)) + " |"  # noqa: E731
    lines = [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines) + "\n"


def _write_matrix(out: Path, specs: list[str], policies: list[str], cells: dict, table: str,
                  elapsed: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for (s, p), c in cells.items():
        for name, t in c["traces"].items():
            d = out / s
            d.mkdir(exist_ok=True)
            _write_json(d / f"{p}.{name}.itf.json", t["itf"])
            (d / f"{p}.{name}.txt").write_text(t["text"])
    (out / "summary.md").write_text(
        "# fsmodel matrix\n\n" + table + f"\n{len(cells)} cells in {elapsed:.1f} s. "
        "Traces: `<spec>/<os>.<property>.txt` and `.itf.json`.\n")
    _write_json(out / "matrix.json", [_summary(c) for c in cells.values()])


def _write_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, indent=1) + "\n")


def cmd_list(args: argparse.Namespace) -> int:
    print("specs:")
    for sid, s in registry.shipped().items():
        print(f"  {sid:<16} {s.summary}")
    print("patches (specs/patches/; fsmodel validate ID):")
    for sid, s in registry.patches().items():
        print(f"  {sid:<30} over {s.baseline}: {s.summary.removeprefix('patch: ')}")
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
        print(f"  --{name:<14} {meaning} (default {d}, {lo} to {hi})")
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


def _emit(data: bytes, output: str | None, binary: bool) -> None:
    if output:
        Path(output).write_bytes(data)
    elif binary and sys.stdout.isatty():
        raise UsageError("a PNG goes to a file: add -o FILE.png")
    else:
        sys.stdout.buffer.write(data)


def cmd_graph(args: argparse.Namespace) -> int:
    fmt = _format(args, {"dot": "dot", "graphml": "graphml", "svg": "svg", "png": "png"}, "dot")
    if args.max_nodes < 1:
        raise UsageError("--max-nodes takes a positive number")
    from .engines.graph import TooLarge, state_graph   # networkx (19 MiB): only here
    from .render.stategraph import to_dot, to_graphml
    cfg, spec = _build(args.spec, args.os, _options(args))
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
    results, failed, unknown = [], False, False
    for patch in patches:
        base_id = args.baseline or getattr(patch, "baseline", "")
        if not base_id:
            raise UsageError(f"patch {patch.id} names no baseline: add --baseline SPEC")
        base = registry.find(base_id)
        claims = args.expect or [f"{v}:{','.join(p for p in ps if p in policies)}"
                                 for v, ps in getattr(patch, "expect", {}).items()
                                 if set(ps) & set(policies)]
        try:
            expected = parse_expect(claims, policies)
        except ValueError as e:
            raise UsageError(str(e)) from None
        rows = _validate(patch, base, policies, opts, expected, args.jobs)
        results.append({"patch": patch.id, "baseline": base.id, "rows": rows})
        if not args.json:
            print(_validation_text(patch, base, rows))
        failed |= any(r["surprise"] or r["opens"] for r in rows)
        unknown |= any(r["verdict"] == "unknown" for r in rows)
    if args.json:
        print(json.dumps(results))
    return EXIT_VIOLATED if failed else EXIT_UNKNOWN if unknown else EXIT_HOLDS


def _validate(patch: Any, base: Any, policies: list[str], opts: dict[str, Any],
              expected: dict[str, str], jobs: int) -> list[dict[str, Any]]:
    """Each policy's comparison; the baseline runs in the patch's scenario (its options and
    its bounds, under the user's)."""
    same = opts | {"bounds": {**getattr(patch, "bounds", {}), **opts["bounds"]}}
    per = {p: scenario(patch, p, _cell_opts(same, p)) for p in policies}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {(who.id, p): pool.submit(run_cell, who, p, o, None, False)
                   for p, o in per.items() for who in (base, patch)}
        cells = {k: f.result() for k, f in futures.items()}
    rows = []
    for p, o in per.items():
        b, c = cells[(base.id, p)], cells[(patch.id, p)]
        row = compare(b, c, _build(base, p, o)[1], _build(patch, p, o)[1], expected.get(p))
        row["known"] = known_fates(patch, base.id, p)
        row["text"] = {"baseline": _cell_text(b), "patch": _cell_text(c)}
        rows.append(row)
    return rows


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
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bad = 0
    try:
        harness.install_packages()
        for x in series:
            b = harness.boot(x, Path(args.cache), fss)
            results = compare.compare(b.lines, fss, x)
            text = compare.table(b.kernel, x, results)
            print(text + f"boot and {len(compare.SCENARIOS)} scenarios on {len(fss)} file "
                  f"systems: {b.seconds:.1f} s\n")
            (out / f"{x}.md").write_text(text)
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
    trace = from_itf(_read_json(args.trace))
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


def _read_json(name: str) -> Any:
    try:
        return json.loads(Path(name).read_text())
    except OSError as e:
        raise UsageError(f"cannot read {name}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise UsageError(f"{name} is not JSON ({e.msg}, line {e.lineno})") from None


def cmd_gallery(args: argparse.Namespace) -> int:
    paths = write_gallery(Path(args.out))
    print(f"fsmodel: {len(paths)} files written to {args.out}/", file=sys.stderr)
    return EXIT_HOLDS


def cmd_render(args: argparse.Namespace) -> int:
    fmt = _format(args, FORMATS, "svg")
    doc = _read_json(args.trace)
    try:
        data = diagram(from_itf(doc), fmt)
    except ValueError as e:
        raise UsageError(f"{args.trace}: {e}") from None
    _emit(data, args.output, fmt == "png")
    return EXIT_HOLDS


def cmd_bench(args: argparse.Namespace) -> int:
    cell = run_cell(args.spec, args.os, DEFAULTS, progress=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = cell["states"] / cell["seconds"] if cell["seconds"] else 0
    print(f"bench: {cell['spec']} on {cell['os']}, bounds "
          + " ".join(f"{k}={v}" for k, v in cell["bounds"].items()))
    print(f"  {cell['distinct']} distinct states, {cell['states']} generated, depth "
          f"{cell['depth']}, {cell['seconds']} s")
    print(f"  {rate:,.0f} states/s generated, {cell['distinct'] / cell['seconds']:,.0f} "
          f"distinct/s, peak RSS {peak:.0f} MiB")
    if args.smt:
        _bench_smt()
    return EXIT_HOLDS


def _bench_smt() -> None:
    """Solver seconds per BMC depth on every shipped spec (a minute each), and proof times."""
    for sid in registry.shipped():
        res = smt.bmc(_build(sid, "linux-4.16")[1], 20, 60)
        found = ", ".join(f"{p} {t.length}" for p, t in res.traces.items()) or "none"
        per = " ".join(f"{d['depth']}:{d['seconds']}" for d in res.per_depth)
        print(f"bench smt: {sid} on linux-4.16, depth {res.depth} in {res.seconds:.1f} s"
              + (f" (stopped by {res.limit})" if res.limit else "")
              + f", violations {found}; solver seconds per depth {per}")
    for sid, prop in (("os-contract", "fsync-honesty"), ("pg-retry", "checkpoint-soundness"),
                      ("pg-panic", "checkpoint-soundness")):
        p = smt.prove(_build(sid, "freebsd")[1], prop, 300, free_bounds=True)
        print(f"bench smt: {sid} on freebsd, {prop} {p.verdict} by Spacer for every number of "
              f"{', '.join(p.free)} in {p.seconds:.1f} s")
