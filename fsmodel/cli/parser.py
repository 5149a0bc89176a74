"""The command line's grammar: one small function per command, the arguments every check
shares (``common``) in one place, each family's bounds and options as flags."""
from __future__ import annotations

import argparse
import os
from typing import Any

from .. import __version__
from ..config import ENVIRONMENT
from ..families import discover
from ..render.files import FORMATS
from .options import UsageError, flag_bounds, flag_options


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not argparse's usage dump
        raise UsageError(message)


def _bounds_args(p: argparse.ArgumentParser) -> None:
    """A flag per bound of the kernel and of each family, and --bound for any other."""
    for name, r in flag_bounds().items():
        p.add_argument(f"--{name}", type=int, metavar="N",
                       help=f"{r.meaning} ({r.lo} to {r.hi}; the spec's default, else "
                            f"{r.default})")
    p.add_argument("--bound", action="append", default=[], metavar="NAME=N",
                   help="a bound of the spec's family by name (a family of a spec file of "
                        "your own); repeatable")


def _options_args(p: argparse.ArgumentParser) -> None:
    """A flag per option of each family (``on``/``off`` for a yes-or-no one), and --option
    for any other."""
    p.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                   help="an option of the spec's family by name (on/off for yes or no); "
                        "repeatable")
    for name, c in flag_options().items():
        yes_no = c.yes_no
        default = ("on" if c.default else "off") if yes_no else c.default
        p.add_argument(f"--{name}", choices=("on", "off") if yes_no else c.values,
                       help=f"{c.meaning} (default {default}; for the specs that have it)")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--fs", default="ext4", help="file-system variant on Linux (default ext4)")
    p.add_argument("--disable", default="", metavar="LIST",
                   help="environment behaviours to turn off: " + ",".join(_behaviours()))
    _options_args(p)
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


def _behaviours() -> list[str]:
    """Each behaviour once (every engine's family declares app-crash)."""
    named = [*ENVIRONMENT, *(b for fam in discover() for b in fam.environment)]
    return list(dict.fromkeys(named))


def build_parser() -> Parser:
    top = Parser(prog="fsmodel", description="Model checker of fsync semantics.",
                 epilog="exit codes: 0 holds, 1 violated, 2 bad usage or input, 3 inconclusive")
    top.add_argument("--version", action="version", version=f"fsmodel {__version__}")
    sub = top.add_subparsers(dest="cmd", required=True, parser_class=Parser)
    for add in (_add_check, _add_matrix, _add_list, _add_render, _add_graph, _add_validate,
                _add_conformance, _add_replay, _add_pg_conformance, _add_export, _add_gallery, _add_bench):
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
                   help="spec ids (default: every shipped spec and patch; with --family, "
                        "more specs beside the family's)")
    m.add_argument("--family", default="", metavar="NAME",
                   help="the shipped specs of a family, or of a group of families (kv: "
                        "every key-value engine), with the columns it is compared on")
    m.add_argument("--os", default="", metavar="LIST",
                   help="columns: policy ids, or a Linux policy and a file system as "
                        "linux-5.8/btrfs (default: every policy, or the family's columns)")
    m.add_argument("--json", action="store_true", help="print the grid as JSON")
    m.add_argument("--out", metavar="DIR", default="out/matrix",
                   help="write every trace and a summary here (default out/matrix)")
    m.add_argument("--render", metavar="DIR", help="write every counterexample's lane "
                   "diagram here, as DIR/<spec>/<column>.<property>.{svg,png,dot,mmd}")
    m.add_argument("--report", metavar="DIR", help="write DIR/index.html: the grid, and each "
                   "violation's diagram and steps, in one self-contained page")
    _jobs(m)
    _common(m)


def _add_list(sub: Any) -> None:
    li = sub.add_parser("list", help="specs with their default bounds, policies, file "
                        "systems, and each family's behaviours, bounds, options, properties")
    li.add_argument("files", nargs="*", metavar="SPEC_FILE",
                    help="spec files of your own to list too (with their families)")


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
    _booted(k, "ext4,ext4-journal,xfs,btrfs", "out/conformance")


def _booted(k: Parser, filesystems: str, out: str) -> None:
    """The kernel series and file systems a conformance run boots, its cache and output."""
    k.add_argument("--series", default="6.1,6.12", metavar="LIST",
                   help="kernel series (default 6.1,6.12)")
    k.add_argument("--fs", default=filesystems, metavar="LIST",
                   help=f"file systems (default {filesystems})")
    _cache(k)
    k.add_argument("--out", default=out, metavar="DIR",
                   help=f"tables and raw results (default {out})")


def _add_replay(sub: Any) -> None:
    rp = sub.add_parser("replay", help="run a trace's kernel-level steps on a booted Linux "
                        "and compare each result with the trace")
    rp.add_argument("trace", help="an ITF trace (check --trace-out, matrix)")
    where = rp.add_mutually_exclusive_group(required=True)
    where.add_argument("--kernel", action="store_true",
                       help="the trace's system calls by a probe, on a Debian kernel under QEMU")
    where.add_argument("--postgres", action="store_true",
                       help="the trace as transactions, checkpoints and faults on Debian's "
                       "PostgreSQL 15 server in the same guest (pg-retry, pg-panic)")
    rp.add_argument("--series", default="6.1", help="kernel series (default 6.1)")
    rp.add_argument("--fs", default="ext4", help="file system (default ext4)")
    rp.add_argument("--without", default="", metavar="ACTIONS",
                    help="--postgres: a control, the trace without these actions' steps "
                    "(e.g. other_open,other_fsync)")
    rp.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                    help="--postgres: a control, the server with this setting "
                    "(e.g. data_sync_retry=off)")
    _cache(rp)


def _add_pg_conformance(sub: Any) -> None:
    k = sub.add_parser("pg-conformance", help="replay the known PostgreSQL traces (T1, T3, "
                       "T4, T4 with a power loss, R3) and their controls on Debian's "
                       "PostgreSQL 15 under QEMU")
    _booted(k, "ext4,xfs", "out/pg-conformance")


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
