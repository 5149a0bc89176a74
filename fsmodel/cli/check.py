"""``fsmodel check``: one spec under one policy, and ``check --sweep``."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..config import ranges
from ..engines.pybfs import FINGERPRINT
from ..engines.result import printer
from ..families.base import family_of
from ..outputs import check_dir, check_file
from ..render.files import write_diagrams
from ..run import registry
from ..run.cells import build_spec, run_cell, summary, verdict_of
from ..run.sweep import Attempt, sweep
from ..trace import from_itf
from .options import (EXIT_HOLDS, EXIT_UNKNOWN, EXIT_VIOLATED, UsageError, exit_code,
                      run_options, write_json)


def cmd_check(args: argparse.Namespace) -> int:
    if args.sweep:
        return cmd_sweep(args)
    trace_out = check_file(args.trace_out) if args.trace_out else None   # before the run
    render_dir = check_dir(args.render) if args.render else None
    cell = run_cell(args.spec, args.os, run_options(args), args.property,
                    progress=None if args.json else printer())
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
        return exit_code(verdict)
    print(f"{cell['spec']} on {cell['os']} ({cell['fs']}), bounds "
          + " ".join(f"{k}={v}" for k, v in cell["bounds"].items())
          + (f", disabled: {','.join(cell['disabled'])}" if cell["disabled"] else ""))
    for name, v in cell["verdicts"].items():
        t = cell["traces"].get(name)
        print(f"  {name}: {v}" + (f" ({t['length']} steps)" if t else f": {cell['details'][name]}"))
    if cell["engine"] != "smt":
        reduced = (f", reduced by symmetry ({', '.join(cell['reduced'])})"
                   if cell["reduced"] else "")
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
    return exit_code(verdict)


def cmd_sweep(args: argparse.Namespace) -> int:
    """check --sweep: exit 1 if some size is violated, 3 if the budget ended first, else 0."""
    opts = run_options(args)
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
              + ", ".join(ranges(family_of(entry))))
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
        write_json(target, cell["traces"][name]["itf"])
