"""``fsmodel validate``: a patch against its baseline on every policy."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..kernel.policy import POLICIES, lookup_policy
from ..run import registry
from ..run.matrix import threads_per_cell
from ..run.validate import own_claims, parse_expect, validate_patch
from .options import (EXIT_HOLDS, EXIT_UNKNOWN, EXIT_VIOLATED, UsageError, ids,
                      run_options)


def cmd_validate(args: argparse.Namespace) -> int:
    patches = (registry.load_file(args.patch) if args.patch.endswith(".py")
               else [registry.find(args.patch)])
    policies = ids(args.os, list(POLICIES))
    for p in policies:
        lookup_policy(p)
    opts = run_options(args)
    if args.jobs < 1:
        raise UsageError("--jobs takes a positive number")
    opts["threads"] = threads_per_cell(opts["threads"], args.jobs)
    results, failed, unknown = [], False, False
    for patch in patches:
        base_id = args.baseline or getattr(patch, "baseline", "")
        if not base_id:
            raise UsageError(f"patch {patch.id} names no baseline: add --baseline SPEC")
        base = registry.find(base_id, Path(args.patch).parent if args.patch.endswith(".py")
                             else None)
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
