"""The ``fsmodel`` command: it parses (parser.py), calls one run module and prints.

Exit codes: 0 every property holds (matrix: every cell has a verdict); 1 a violation was found;
2 bad usage or bad input; 3 inconclusive (a resource limit was hit); 130 interrupted; 141 the
output pipe closed.  One module per group of commands: check (and --sweep), matrix,
validate, kernel (conformance, replay), files (render, graph, export, gallery), listing
(list, bench).
"""
from __future__ import annotations

import os
import signal
import sys
from typing import Any, Sequence

from ..config import BadConfig
from ..engines import native
from ..engines.result import Interrupted
from ..kernel.policy import UnknownChoice
from ..outputs import BadOutput
from ..render.files import NoGraphviz
from ..run import registry
from ..run.cells import EngineDisagreement
from .check import cmd_check
from .files import cmd_export, cmd_gallery, cmd_graph, cmd_render
from .kernel import cmd_conformance, cmd_pg_conformance, cmd_replay
from .listing import cmd_bench, cmd_list
from .matrix import cmd_matrix
from .options import EXIT_USAGE, UsageError
from .parser import build_parser
from .validate import cmd_validate

_TERMINATED = False
COMMANDS = {"check": cmd_check, "matrix": cmd_matrix, "list": cmd_list, "bench": cmd_bench,
            "render": cmd_render, "graph": cmd_graph, "gallery": cmd_gallery,
            "validate": cmd_validate, "conformance": cmd_conformance, "replay": cmd_replay,
            "pg-conformance": cmd_pg_conformance,
            "export": cmd_export}


def _on_term(signum: int, frame: Any) -> None:
    """SIGTERM as SIGINT: searches stop with what they explored; exit 143."""
    global _TERMINATED
    _TERMINATED = True
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _on_term)
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.cmd](args)
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
