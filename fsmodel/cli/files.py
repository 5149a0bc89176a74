"""The commands that draw or export: render, graph, export, gallery."""
from __future__ import annotations

import argparse
import sys

from ..outputs import replacing_all
from ..render.files import FORMATS, diagram, output
from ..run.gallery import write_gallery
from ..run.cells import build_spec
from .options import (EXIT_HOLDS, EXIT_VIOLATED, UsageError, check_output, emit,
                      output_format, read_trace, run_options)


def cmd_render(args: argparse.Namespace) -> int:
    fmt = output_format(args, FORMATS, "svg")
    check_output(args)
    trace = read_trace(args.trace)
    try:
        data = diagram(trace, fmt)
    except (ValueError, KeyError, TypeError) as e:   # fields from_itf lets through, misused
        raise UsageError(f"{args.trace}: not a drawable trace ({e})") from None
    emit(data, args.output, fmt == "png")
    return EXIT_HOLDS


def cmd_graph(args: argparse.Namespace) -> int:
    fmt = output_format(args, {"dot": "dot", "graphml": "graphml", "svg": "svg", "png": "png"}, "dot")
    check_output(args)
    if args.max_nodes < 1:
        raise UsageError("--max-nodes takes a positive number")
    from ..engines.graph import TooLarge, state_graph   # networkx (19 MiB): only here
    from ..render.stategraph import to_dot, to_graphml
    cfg, spec = build_spec(args.spec, args.os, run_options(args))
    try:
        sg = state_graph(spec, args.max_nodes)
    except TooLarge as e:
        raise UsageError(str(e)) from None
    d = cfg.describe()
    title = f"{spec.name} on {d['os']} ({d['fs']}), " + " ".join(
        f"{k}={v}" for k, v in d["bounds"].items())
    data = to_graphml(sg) if fmt == "graphml" else output(to_dot(sg, title), fmt)
    emit(data, args.output, fmt == "png")
    print(f"fsmodel: {sg.states} states, {sg.kept} drawn; "
          + (f"{sg.property} violated in {len(sg.path) - 1} steps" if sg.path else
             "no violation"), file=sys.stderr)
    return EXIT_VIOLATED if sg.path else EXIT_HOLDS


def cmd_export(args: argparse.Namespace) -> int:
    from ..engines.promela import to_promela
    check_output(args)
    cfg, spec = build_spec(args.spec, args.os, run_options(args))
    names = [p.name for p in spec.properties]
    if args.property is not None and args.property not in names:
        raise UsageError(f"unknown property '{args.property}' (choose from {', '.join(names)})")
    spec.meta |= cfg.describe()    # the header says what was exported
    try:
        text = to_promela(spec, args.property)
    except ValueError as e:      # a spec the translation cannot express (one line)
        raise UsageError(f"{spec.name}: {e}") from None
    emit(text.encode(), args.output, False)
    if args.output:
        print(f"fsmodel: wrote {args.output}: spin -o2 -a {args.output} && gcc -DBFS -DSAFETY "
              "-O2 -o pan pan.c && ./pan -m100000 -n", file=sys.stderr)
    return EXIT_HOLDS


def cmd_gallery(args: argparse.Namespace) -> int:
    with replacing_all([args.out]) as (out,):
        paths = write_gallery(out)
    print(f"fsmodel: {len(paths)} files written to {args.out}/", file=sys.stderr)
    return EXIT_HOLDS
