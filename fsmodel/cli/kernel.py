"""``fsmodel conformance`` and ``fsmodel replay --kernel``: the model against booted kernels."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..outputs import check_dir, write_file
from .options import EXIT_HOLDS, EXIT_VIOLATED, UsageError, ids, read_trace, write_json


def cmd_conformance(args: argparse.Namespace) -> int:
    from ..conformance import compare, harness   # QEMU's world: only for this command
    series, fss = ids(args.series, []), ids(args.fs, [])
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
            write_json(out / f"{x}.json", {"kernel": b.kernel, "seconds": b.seconds,
                                            "lines": b.lines})
            bad += len(compare.unexplained(x, results))
    except harness.HarnessError as e:
        raise UsageError(f"conformance: {e}".splitlines()[0]) from None
    print(f"fsmodel: {bad} unexplained differences; tables in {out}/", file=sys.stderr)
    return EXIT_VIOLATED if bad else EXIT_HOLDS


def cmd_replay(args: argparse.Namespace) -> int:
    from ..conformance import harness, kernel_replay
    if args.series not in harness.SERIES or args.fs not in harness.FILESYSTEMS:
        raise UsageError(f"--series takes {', '.join(harness.SERIES)}; --fs takes "
                         f"{', '.join(harness.FILESYSTEMS)}")
    trace = read_trace(args.trace)
    try:
        script = kernel_replay.translate(trace)
        harness.install_packages()
        b = harness.boot(args.series, Path(args.cache), [args.fs],
                         [kernel_replay.scenario(script)])
    except (kernel_replay.Untranslatable, harness.HarnessError) as e:
        raise UsageError(str(e).splitlines()[0]) from None
    from ..conformance.compare import parse
    from ..conformance.scenarios import SETUP
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
