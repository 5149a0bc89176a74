"""One check (a cell): a spec under one policy, with one engine or two, as plain typed data.

The command line parses and prints; this module builds the configuration and the spec, runs
the engines, cross-checks them, and turns their results into cells (dicts that cross process
boundaries and are written as JSON; ``Cell`` names their fields).
"""
from __future__ import annotations

from typing import Any, Iterable, TypedDict

from ..config import BadConfig, behaviours, make_config, ranges
from ..engines import native, pybfs, smt
from ..engines.result import Reporter
from ..families.base import family_of
from ..kernel.policy import POLICIES, lookup_policy
from ..render.text import render
from ..verdicts import overall
from . import registry

# Options of a run with every default (bench): ext4, nothing disabled, the spec's bounds.
DEFAULTS: dict[str, Any] = {"fs": "ext4", "disable": [], "options": {}, "bounds": {},
                            "max_states": 0, "max_seconds": 0, "symmetry": True}


class Cell(TypedDict, total=False):
    """One checked cell (JSON as the command line writes it)."""
    spec: str
    os: str
    fs: str
    bounds: dict[str, int]
    disabled: list[str]
    engine: str
    verdicts: dict[str, str]          # property -> holds | violated | unknown
    details: dict[str, str]           # what backs each verdict
    traces: dict[str, dict[str, Any]]  # property -> {"itf", "text", "length"}
    generated: int
    distinct: int
    depth: int
    seconds: float
    complete: bool
    limit: str
    symmetry: bool
    smt: dict[str, Any]               # with --engine both: the smt engine's summary


def build_spec(spec_id: str | Any, os_id: str, opts: dict[str, Any] = DEFAULTS,
               strict: bool = True) -> tuple[Any, Any]:
    """The configuration (the spec's own bounds under the user's) and the built spec; the
    spec is an id, a file, or a loaded spec entry.  ``strict``: a bound, behaviour or option
    the spec's family does not have is an error (else it is left out, as a matrix of several
    families does)."""
    entry = registry.find(spec_id) if isinstance(spec_id, str) else spec_id
    if strict:
        check_request([entry], opts)
    o = scenario(entry, os_id, opts)
    cfg = make_config(os_id, o["fs"], o["disable"], o["bounds"], defaults=entry.bounds,
                      options=o["options"], family=family_of(entry),
                      reduce=o.get("reduce", True))
    return cfg, entry.build(cfg)


def check_request(entries: Iterable[Any], opts: dict[str, Any]) -> None:
    """Every bound, behaviour and option asked for exists for one of the specs at least."""
    fams = [family_of(e) for e in entries]
    for what, asked, known in (
            ("bound", opts.get("bounds", {}), [ranges(f) for f in fams]),
            ("environment behaviour", opts.get("disable", []), [behaviours(f) for f in fams]),
            ("option", opts.get("options", {}), [f.options for f in fams])):
        for name in asked:
            if not any(name in k for k in known):
                choices = sorted({n for k in known for n in k})
                which = f"choose from {', '.join(choices)}" if choices else "it has none"
                raise BadConfig(f"unknown {what} '{name}' for "
                                f"{', '.join(sorted({f.name for f in fams}))} ({which})")


def scenario(entry: Any, os_id: str, opts: dict[str, Any]) -> dict[str, Any]:
    """The options the spec's family reads, with a patch's own (its file system, options,
    behaviours turned off): they are part of the scenario it is about.  Its file system
    applies to Linux only."""
    fam = family_of(entry)
    own = dict(getattr(entry, "options", {}))
    o = dict(opts)
    o["bounds"] = {k: v for k, v in opts.get("bounds", {}).items() if k in ranges(fam)}
    o["disable"] = sorted({d for d in opts.get("disable", []) if d in behaviours(fam)}
                          | set(own.pop("disable", ())))
    if "fs" in own:
        fs = own.pop("fs")
        o["fs"] = fs if lookup_policy(os_id).linux else "ext4"
    o["options"] = {k: v for k, v in opts.get("options", {}).items() if k in fam.options} | own
    return o


class EngineDisagreement(Exception):
    """The explicit and SMT engines gave different answers: a bug in one of them."""


def run_cell(spec_id: str | Any, os_id: str, opts: dict[str, Any], prop: str | None = None,
             progress: Reporter | None = None, strict: bool = True) -> Cell:
    """Check one spec under one policy; a plain dict (it crosses process boundaries).
    ``progress`` is told how far the explicit search is, about once a second."""
    cfg, spec = build_spec(spec_id, os_id, opts, strict)
    if prop is not None:
        names = [p.name for p in spec.properties]
        if prop not in names:
            raise BadConfig(f"unknown property '{prop}' (choose from {', '.join(names)})")
        spec.properties = [p for p in spec.properties if p.name == prop]
    engine = opts.get("engine", "explicit")
    cells = {}
    if engine in ("explicit", "python", "both"):
        cells["explicit"] = _explicit_cell(spec, opts, progress, engine == "python",
                                           " ".join(f"{k}={v}" for k, v in cfg.bounds.items()))
    if engine in ("smt", "both"):
        cells["smt"] = _smt_cell(spec, opts)
    if engine == "both":
        compare_engines(cells["explicit"], cells["smt"])
    cell = cells["explicit" if engine != "smt" else "smt"]
    meta = cfg.describe() | {"engine": engine}
    for t in cell["traces"].values():
        t["itf"]["#meta"].update(meta)
    out: Cell = {"spec": spec.name, **meta, **cell}   # type: ignore[typeddict-item]
    if engine == "both":
        out["smt"] = summary(cells["smt"])
    return out


def _explicit_cell(spec: Any, opts: dict[str, Any], progress: Reporter | None, python: bool,
                   bounds: str) -> dict[str, Any]:
    if python:
        res = pybfs.check(spec, opts["max_states"], opts["max_seconds"], progress,
                          opts.get("symmetry", True), opts.get("max_bytes", 0))
    else:
        res = native.check(spec, opts["max_states"], opts["max_seconds"], progress,
                           opts.get("symmetry", True), opts.get("threads", 0),
                           opts.get("max_bytes", 0))
    details = {}
    for name, v in res.verdicts.items():
        details[name] = {"holds": f"no violation in any reachable state with {bounds}",
                         "unknown": f"stopped by {res.limit}"}.get(v, "")
    return {"verdicts": res.verdicts, "details": details, "traces": _traces(res.traces),
            "generated": res.generated, "distinct": res.distinct, "depth": res.depth,
            "seconds": round(res.seconds, 3), "complete": res.complete, "limit": res.limit,
            "symmetry": res.symmetry, "reduced": spec.reductions() if res.symmetry else [],
            "explicit_engine": res.engine, "threads": res.threads,
            "compile_seconds": res.compile_seconds}


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
            "generated": 0, "distinct": 0, "depth": res.depth, "seconds": round(res.seconds, 3),
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


def compare_engines(explicit: dict[str, Any], symbolic: dict[str, Any]) -> None:
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


def verdict_of(cell: dict[str, Any]) -> str:
    return overall(cell["verdicts"].values())


def split_column(column: str) -> tuple[str, str | None]:
    """A matrix column: a policy, or a Linux policy and a file system (``linux-5.8/btrfs``)."""
    os_id, _, fs = column.partition("/")
    return os_id, fs or None


def cell_opts(opts: dict[str, Any], column: str) -> dict[str, Any]:
    """File-system variants apply to Linux policies; the others run on their own fs.  A
    column naming a file system runs on it."""
    os_id, fs = split_column(column)
    if fs is not None:
        return opts | {"fs": fs}
    return opts if POLICIES[os_id].linux else opts | {"fs": "ext4"}


def column_file(column: str) -> str:
    """A column as part of a file name (``linux-5.8_btrfs``)."""
    return column.replace("/", "_")


def summary(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell without its traces, with their lengths."""
    return {k: v for k, v in cell.items() if k != "traces"} | {
        "lengths": {n: t["length"] for n, t in cell["traces"].items()}}


def cell_text(cell: dict[str, Any]) -> str:
    """One entry per property: see LEGEND."""
    parts, lengths = [], summary(cell)["lengths"] if "traces" in cell else cell["lengths"]
    for name, v in cell["verdicts"].items():
        if v == "violated":
            parts.append(str(lengths.get(name, "x")))
        elif v == "holds":
            parts.append("ok*" if cell.get("proofs", {}).get(name) == "all-bounds" else "ok")
        else:
            parts.append(f"?{cell['depth']}" if "proofs" in cell else "?")
    return "/".join(parts)


LEGEND = """\
A number is the length of the shortest counterexample. ok: holds within the bounds
(explicit: every reachable state checked; smt: Spacer proof for these bounds). ok*: Spacer
proof for every number of writes, checkpoints, crashes and faults. x: Spacer found a
violation beyond the BMC depth reached. ?: inconclusive (smt: ?K, no violation up to depth K).
"""


def legend(cells: Iterable[dict[str, Any]]) -> str:
    """What each entry of a cell is: the properties in order, per family of specs shown
    (the same order for every spec with the same properties)."""
    orders: dict[str, list[str]] = {}
    for c in cells:
        orders.setdefault("/".join(c["verdicts"]), []).append(c["spec"])
    lines = ["cell: one entry per property, in this order:"]
    for order, specs in orders.items():
        names = list(dict.fromkeys(specs))
        who = ", ".join(names) if len(names) <= 4 else f"{names[0]} and {len(names) - 1} more"
        lines.append(f"  {who}: {order}")
    return "\n".join(lines) + "\n" + LEGEND
