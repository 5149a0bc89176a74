"""Running checks: one cell (a spec under one policy, with one engine or two), as plain data.

The command line parses and prints; this module builds the configuration and the spec,
runs the engines, cross-checks them, and turns their results into cells (dicts that cross
process boundaries and are written as JSON).
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from . import registry
from .config import BadConfig, make_config
from .engines import native, pybfs, smt
from .engines.result import Progress, Reporter
from .kernel.policy import POLICIES, lookup_policy
from .render.text import render
from .validate import compare, known_fates
from .verdicts import overall

# Options of a run with every default (bench): ext4, nothing disabled, the spec's bounds.
DEFAULTS: dict[str, Any] = {"fs": "ext4", "disable": [], "fpw": True, "bounds": {},
                            "max_states": 0, "max_seconds": 0, "symmetry": True}


def build_spec(spec_id: str | Any, os_id: str, opts: dict[str, Any] = DEFAULTS
           ) -> tuple[Any, Any]:
    """The configuration (the spec's own bounds under the user's) and the built spec; the
    spec is an id, a file, or a loaded spec entry."""
    entry = registry.find(spec_id) if isinstance(spec_id, str) else spec_id
    o = scenario(entry, os_id, opts)
    cfg = make_config(os_id, o["fs"], o["disable"], o["fpw"], o["bounds"],
                      getattr(entry, "bounds", {}), o.get("reduce", True))
    return cfg, entry.build(cfg)


def scenario(entry: Any, os_id: str, opts: dict[str, Any]) -> dict[str, Any]:
    """The options with a patch's own (its file system, full_page_writes, behaviours turned
    off): they are part of the scenario it is about.  Its file system applies to Linux only."""
    own = getattr(entry, "options", {})
    o = opts | {k: v for k, v in own.items() if k != "disable"}
    o["disable"] = sorted(set(opts["disable"]) | set(own.get("disable", ())))
    if "fs" in own and not lookup_policy(os_id).linux:
        o["fs"] = "ext4"
    return o


class EngineDisagreement(Exception):
    """The explicit and SMT engines gave different answers: a bug in one of them."""


def run_cell(spec_id: str | Any, os_id: str, opts: dict[str, Any], prop: str | None = None,
             progress: Reporter | None = None) -> dict[str, Any]:
    """Check one spec under one policy; a plain dict (it crosses process boundaries).
    ``progress`` is told how far the explicit search is, about once a second."""
    cfg, spec = build_spec(spec_id, os_id, opts)
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
    out = {"spec": spec.name, **meta, **cell}
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
            "symmetry": res.symmetry, "explicit_engine": res.engine, "threads": res.threads,
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


def cell_opts(opts: dict[str, Any], policy: str) -> dict[str, Any]:
    """File-system variants apply to Linux policies; the others run on their own fs."""
    return opts if POLICIES[policy].linux else opts | {"fs": "ext4"}


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
cell: one entry per property (pg specs: checkpoint-soundness/durability; os-contract:
fsync-honesty). A number is the length of the shortest counterexample. ok: holds within the
bounds (explicit: every reachable state checked; smt: Spacer proof for these bounds). ok*:
Spacer proof for every number of writes, checkpoints, crashes and faults. x: Spacer found a
violation beyond the BMC depth reached. ?: inconclusive (smt: ?K, no violation up to depth K).
"""


Job = tuple[str, str]                          # (spec, policy): one cell of a matrix
_LIVE: Any = None                              # in a worker: the queue it reports to


class Watch:
    """What a matrix tells its caller while it runs (the command line prints it): each cell
    as it finishes, and about once a second the cells running with how far each is
    (``None`` until its first report)."""

    def done(self, job: Job, cell: dict[str, Any], running: dict[Job, Progress | None]) -> None:
        """A cell has finished."""

    def tick(self, running: dict[Job, Progress | None]) -> None:
        """A second has passed."""


def threads_per_cell(threads: int, jobs: int) -> int:
    """Threads per cell when ``jobs`` cells run at once: as asked, else the cores shared."""
    return threads or max(1, (os.cpu_count() or 1) // jobs)


def run_matrix(specs: list[str], policies: list[str], opts: dict[str, Any], jobs: int,
               watch: Watch = Watch()) -> tuple[dict[Job, dict[str, Any]], float]:
    """Every cell, ``jobs`` at a time, and the time."""
    start = time.monotonic()
    tasks = {(s, p): (s, p, cell_opts(opts, p)) for s in specs for p in policies}
    return _run_all(tasks, jobs, watch), time.monotonic() - start


def _run_all(tasks: dict[Any, tuple[Any, str, dict[str, Any]]], jobs: int,
             watch: Watch = Watch()) -> dict[Any, dict[str, Any]]:
    """Run each task's cell in a pool of ``jobs`` processes; the cells in the tasks' order.
    On an interrupt or a cell's error no worker is left running."""
    live = multiprocessing.get_context().Queue()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker, initargs=(live,))
    cells: dict[Any, dict[str, Any]] = {}
    running: dict[Any, Progress | None] = {}
    try:
        futures = {pool.submit(_task, key, *task): key for key, task in tasks.items()}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            _drain(live, running, cells)
            for f in finished:           # as they finish, not in grid order
                key = futures[f]
                cells[key] = f.result()
                running.pop(key, None)
                watch.done(key, cells[key], running)
            watch.tick(running)
    except BaseException:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()          # the executor has no public handle on its workers
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return {key: cells[key] for key in tasks}


def _worker(live: Any) -> None:
    global _LIVE
    _LIVE = live


def _task(key: Any, spec: Any, os_id: str, opts: dict[str, Any]) -> dict[str, Any]:
    """One cell in a worker, telling the parent it started and how far it is."""
    _LIVE.put((key, None))
    return run_cell(spec, os_id, opts, None, lambda p: _LIVE.put((key, p)))


def _drain(live: Any, running: dict[Any, Progress | None], cells: dict[Any, Any]) -> None:
    """The workers' reports so far, into ``running`` (a finished cell's late ones dropped)."""
    while True:
        try:
            key, p = live.get_nowait()
        except queue.Empty:
            return
        if key not in cells:
            running[key] = p


def validate_patch(patch: Any, base: Any, policies: list[str], opts: dict[str, Any],
                   expected: dict[str, str], jobs: int) -> list[dict[str, Any]]:
    """Each policy's comparison; the baseline runs in the patch's scenario (its options and
    its bounds, under the user's)."""
    same = opts | {"bounds": {**getattr(patch, "bounds", {}), **opts["bounds"]}}
    per = {p: scenario(patch, p, cell_opts(same, p)) for p in policies}
    cells = _run_all({(who.id, p): (who, p, o) for p, o in per.items() for who in (base, patch)},
                     jobs)
    rows = []
    for p, o in per.items():
        b, c = cells[(base.id, p)], cells[(patch.id, p)]
        row = compare(b, c, build_spec(base, p, o)[1], build_spec(patch, p, o)[1], expected.get(p))
        row["known"] = known_fates(patch, base.id, p)
        row["text"] = {"baseline": cell_text(b), "patch": cell_text(c)}
        rows.append(row)
    return rows
