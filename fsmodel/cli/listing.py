"""``fsmodel list`` (specs, patches, policies, file systems, and each family's behaviours,
bounds, options and properties) and ``fsmodel bench``."""
from __future__ import annotations

import argparse

from ..config import BOUNDS, ENVIRONMENT, default_bounds
from ..engines import smt
from ..families import discover
from ..families.base import family_of
from ..kernel.policy import FILESYSTEMS, POLICIES
from ..run import bench, registry
from ..run.cells import DEFAULTS, build_spec
from .options import EXIT_HOLDS, UsageError, ids


def cmd_list(args: argparse.Namespace) -> int:
    files = [s for f in args.files for s in registry.load_file(f)]
    shipped = registry.shipped()
    print("specs (and the bounds each checks by default):")
    specs = list(shipped.values()) + files
    w = max([16] + [len(s.id) for s in specs])
    for s in specs:
        fam = family_of(s)
        print(f"  {s.id:<{w}} {s.summary} ({fam.name})")
        print(f"  {'':<{w}} " + " ".join(f"{k}={v}" for k, v in
                                         default_bounds(s.bounds, fam).items()))
    print("patches (specs/<family>/patches/; fsmodel validate ID):")
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
        print(f"  {f.id:<18} {f.summary}")
    print("the kernel's environment behaviours (--disable):")
    _rows(ENVIRONMENT)
    print("the kernel's bounds:")
    _bounds(BOUNDS)
    for fam in _families(files):
        _family(fam)
    return EXIT_HOLDS


def _families(files: list) -> list:
    """Every family here, and those of the spec files given."""
    out = discover()
    for s in files:
        if family_of(s) not in out:
            out.append(family_of(s))
    return out


def _family(fam) -> None:
    print(f"family {fam.name}: {fam.summary}")
    if fam.environment:
        print("  environment behaviours (--disable):")
        _rows(fam.environment, "    ")
    if fam.bounds:
        print("  bounds:")
        _bounds(fam.bounds, "    ")
    for name, c in fam.options.items():
        values = "on|off" if c.yes_no else "|".join(map(str, c.values))
        print(f"  option --{name} {values}: {c.meaning}")
    print("  properties:")
    _rows(fam.properties, "    ", 22)


def _rows(docs: dict, indent: str = "  ", width: int = 16) -> None:
    for name, doc in docs.items():
        print(f"{indent}{name:<{width}} {doc}")


def _bounds(ranges: dict, indent: str = "  ") -> None:
    for name, r in ranges.items():
        print(f"{indent}--{name:<14} {r.meaning} (default {r.default} unless the spec says, "
              f"{r.lo} to {r.hi}; --bound {name}=N)")


def cmd_bench(args: argparse.Namespace) -> int:
    engines = ids(args.engines, list(bench.ENGINES))
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
