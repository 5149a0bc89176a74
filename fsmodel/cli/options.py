"""What the commands share: the run options from the parsed arguments, exit codes, and
reading and writing the files a command is given or writes."""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from ..config import BOUNDS
from ..engines.result import default_memory
from ..families import discover
from ..outputs import check_file, write_file
from ..trace import from_itf

EXIT_HOLDS, EXIT_VIOLATED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
MAX_TRACE_BYTES = 64 << 20    # a trace of a million steps is far smaller


class UsageError(Exception):
    """Bad usage: reported in one line, exit 2."""


def flag_bounds() -> dict[str, Any]:
    """The bounds with a flag of their own: the kernel's and every family's here."""
    out = dict(BOUNDS)
    for fam in discover():
        out |= fam.bounds
    return out


def flag_options() -> dict[str, Any]:
    """The options with a flag of their own (``--fpw on|off``): every family's here."""
    return {name: c for fam in discover() for name, c in fam.options.items()}


def bounds_from(args: argparse.Namespace) -> dict[str, int]:
    """The named bound flags given, and each ``--bound NAME=N`` (a bound of a family in a
    spec file of its own)."""
    out = {k: getattr(args, k.replace("-", "_")) for k in flag_bounds()
           if getattr(args, k.replace("-", "_")) is not None}
    for item in args.bound:
        name, _, value = item.partition("=")
        try:
            out[name] = int(value)
        except ValueError:
            raise UsageError(f"--bound {item!r}: takes NAME=N, e.g. --bound records=3") from None
    return out


def options_from(args: argparse.Namespace) -> dict[str, Any]:
    """The option flags given (``on``/``off`` for a yes-or-no option), and each ``--option
    NAME=VALUE`` (an option of a family in a spec file of its own)."""
    out: dict[str, Any] = {}
    for item in args.option:
        name, eq, value = item.partition("=")
        if not eq:
            raise UsageError(f"--option {item!r}: takes NAME=VALUE, e.g. --option dir-sync=on")
        out[name] = {"on": True, "off": False}.get(value, value)
    for name, c in flag_options().items():
        given = getattr(args, name.replace("-", "_"))
        if given is not None:
            out[name] = given == "on" if c.yes_no else given
    return out


def run_options(args: argparse.Namespace) -> dict[str, Any]:
    disable = [d for d in args.disable.split(",") if d]
    if args.max_states < 0 or not 0 <= args.max_seconds < math.inf:
        raise UsageError("--max-states and --max-seconds take non-negative numbers")
    if args.depth < 0 or not 0 <= args.prove_seconds < math.inf:
        raise UsageError("--depth and --prove-seconds take non-negative numbers")
    if not 0 <= args.threads <= 16:
        raise UsageError("--threads takes 1 to 16 (0: one per core)")
    max_bytes = size(args.max_memory) if args.max_memory else default_memory()
    return {"fs": args.fs, "disable": disable, "options": options_from(args),
            "bounds": bounds_from(args), "max_states": args.max_states,
            "max_seconds": args.max_seconds,
            "symmetry": not (args.no_symmetry or args.no_reduction),
            "reduce": not args.no_reduction,
            "engine": args.engine, "depth": args.depth, "prove_seconds": args.prove_seconds,
            "threads": args.threads, "max_bytes": max_bytes}


def exit_code(verdict: str) -> int:
    return {"holds": EXIT_HOLDS, "violated": EXIT_VIOLATED, "unknown": EXIT_UNKNOWN}[verdict]


def ids(text: str, default: list[str]) -> list[str]:
    return [x for x in text.split(",") if x] or default


def size(text: str) -> int:
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


def write_json(path: Path, doc: Any) -> None:
    write_file(path, json.dumps(doc, indent=1) + "\n")


def read_trace(name: str) -> Any:
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


def output_format(args: argparse.Namespace, suffixes: dict[str, str], default: str) -> str:
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


def check_output(args: argparse.Namespace) -> None:
    """-o FILE checked before any work."""
    if args.output:
        check_file(args.output)


def emit(data: bytes, output: str | None, binary: bool) -> None:
    if output:
        write_file(Path(output), data)
    elif binary and sys.stdout.isatty():
        raise UsageError("a PNG goes to a file: add -o FILE.png")
    else:
        sys.stdout.buffer.write(data)
