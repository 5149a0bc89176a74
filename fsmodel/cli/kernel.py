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
    if args.postgres:
        return _replay_postgres(args)
    from ..conformance import harness, kernel_replay
    _series_fs(args.series, args.fs, tuple(harness.FILESYSTEMS))
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


def _replay_postgres(args: argparse.Namespace) -> int:
    from ..conformance import harness, pg_replay, pg_run
    _series_fs(args.series, args.fs, pg_run.FILESYSTEMS)
    settings = {}
    for x in args.setting:
        name, eq, value = x.partition("=")
        if not eq or name not in pg_replay.CONTROL_SETTINGS or \
                value not in pg_replay.CONTROL_SETTINGS[name]:
            raise UsageError(f"--setting takes NAME=VALUE of {pg_replay.control_settings()}")
        settings[name] = value
    trace = read_trace(args.trace)
    without = tuple(ids(args.without, []))
    try:
        exp = pg_replay.translate(trace, without, settings)
        runs = pg_run.run([exp], args.series, args.fs, Path(args.cache))
    except (pg_replay.Untranslatable, harness.HarnessError) as e:
        raise UsageError(str(e).splitlines()[0]) from None
    print(f"{trace.spec} ({trace.meta.get('os', '?')}) {trace.property} trace on "
          f"{runs.where}, {runs.seconds:.0f} s\n")
    print(runs.outcomes[0].text)
    return EXIT_HOLDS if runs.outcomes[0].ok else EXIT_VIOLATED


def cmd_pg_conformance(args: argparse.Namespace) -> int:
    """The known traces and their controls on every series and file system."""
    from ..conformance import harness, pg_replay, pg_run
    series, fss = ids(args.series, []), ids(args.fs, [])
    for x in series:
        for f in fss:
            _series_fs(x, f, pg_run.FILESYSTEMS)
    if not series or not fss:
        raise UsageError("pg-conformance needs a kernel series and a file system")
    out = check_dir(args.out)
    bad = 0
    try:
        exps = [e for k in pg_run.KNOWN for e in k.experiments()]
        lines = []
        for x in series:
            done, kept = 0, 0
            for f in fss:
                runs = pg_run.run(exps, x, f, Path(args.cache))
                head = f"## {runs.where}, {runs.seconds:.0f} s\n\n"
                text = "".join(o.text + "\n" for o in runs.outcomes)
                print(head + text)
                write_file(out / f"{x}-{f}.md", head + text)
                done += sum(o.ok for o in runs.outcomes if not o.exp.control)
                kept += sum(o.ok for o in runs.outcomes if o.exp.control)
                bad += sum(not o.ok for o in runs.outcomes)
            n = len(pg_run.KNOWN) * len(fss)
            lines.append(f"{done} of {n} traces reproduced on PostgreSQL {runs.server}, Linux "
                         f"{runs.kernel} ({', '.join(k.id for k in pg_run.KNOWN)} on "
                         f"{', '.join(fss)}); {kept} of {n} controls kept every row")
        print("\n".join(lines))
        write_file(out / "summary.md", "\n".join(lines) + "\n")
    except (pg_replay.Untranslatable, harness.HarnessError) as e:
        raise UsageError(f"pg-conformance: {e}".splitlines()[0]) from None
    print(f"fsmodel: {bad} runs not as the model says; tables in {out}/", file=sys.stderr)
    return EXIT_VIOLATED if bad else EXIT_HOLDS


def _series_fs(series: str, fs: str, filesystems: tuple[str, ...]) -> None:
    from ..conformance import harness
    if series not in harness.SERIES or fs not in filesystems:
        raise UsageError(f"--series takes {', '.join(harness.SERIES)}; --fs takes "
                         f"{', '.join(filesystems)}")
