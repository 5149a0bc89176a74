"""A patch against its baseline on one policy: the two verdicts per property, which of the
baseline's counterexamples the patch closes (each replayed on the patch as far as it
applies), which holes the patch opens, and whether the patch does what was claimed for it."""
from __future__ import annotations

from typing import Any

from ..engines.replay import follow
from ..families.base import family_of
from ..lang.spec import Spec
from ..verdicts import overall
from . import known
from .cells import Cell, build_spec, cell_opts, cell_text, scenario
from .matrix import run_all


def labels(itf: dict[str, Any]) -> list[str]:
    """The action labels of a saved trace, the initial state left out."""
    return [s["#meta"]["action"] for s in itf["states"][1:]]


def validate_patch(patch: Any, base: Any, policies: list[str], opts: dict[str, Any],
                   expected: dict[str, str], jobs: int) -> list[dict[str, Any]]:
    """Each policy's comparison; the baseline runs in the patch's scenario (its options and
    its bounds, under the user's)."""
    same = opts | {"bounds": {**getattr(patch, "bounds", {}), **opts["bounds"]}}
    per = {p: scenario(patch, p, cell_opts(same, p)) for p in policies}
    cells = run_all({(who.id, p): (who, p, o) for p, o in per.items() for who in (base, patch)},
                    jobs)
    rows = []
    for p, o in per.items():
        b, c = cells[(base.id, p)], cells[(patch.id, p)]
        row = compare(b, c, build_spec(base, p, o, False)[1], build_spec(patch, p, o, False)[1],
                      expected.get(p))
        row["known"] = known_fates(patch, base.id, p)
        row["text"] = {"baseline": cell_text(b), "patch": cell_text(c)}
        rows.append(row)
    return rows


def compare(base: Cell, patch: Cell, base_spec: Spec,
            patch_spec: Spec, expected: str | None) -> dict[str, Any]:
    """One policy's row; ``base`` and ``patch`` are checked cells (cells.run_cell)."""
    props = {}
    for name, v in patch["verdicts"].items():
        was = base["verdicts"].get(name)
        entry: dict[str, Any] = {"baseline": was, "patch": v}
        if name in base["traces"]:
            entry["baseline_trace"] = _fate(base["traces"][name], patch_spec, name)
        if v == "violated" and was == "holds":   # a hole the baseline did not have
            entry["opens"] = _fate(patch["traces"][name], base_spec, name)
        props[name] = entry
    verdict = overall(p["patch"] for p in props.values())
    surprise = expected is not None and verdict != "unknown" and verdict != expected
    return {"os": patch["os"], "properties": props, "verdict": verdict,
            "expected": expected, "surprise": surprise,
            "opens": any("opens" in p for p in props.values())}


def known_fates(patch: Any, baseline_id: str, os: str) -> dict[str, dict[str, Any]]:
    """The known traces of the family (docs/model.md §6) that exist on the baseline under
    this policy, each replayed on the patch in the trace's own configuration."""
    out = {}
    for k in family_of(patch).known:
        if k.spec == baseline_id and k.os == os:
            out[k.id] = _follow(k.labels, known.build(k, patch)[1], k.property)
    return out


def _fate(trace: dict[str, Any], other: Spec, prop: str) -> dict[str, Any]:
    """What becomes of a counterexample on the other spec."""
    return _follow(labels(trace["itf"]), other, prop)


def _follow(steps: list[str], other: Spec, prop: str) -> dict[str, Any]:
    f = follow(other, steps)
    if f.stuck is not None:
        what = f"closed: step {f.steps + 1} ({f.stuck}) cannot happen"
    elif prop in f.violated:
        what = "still violated: it replays step for step"
    else:
        what = "closed: it replays, but the last state satisfies the property"
    return {"length": len(steps), "replayed": f.steps, "stuck_at": f.stuck,
            "closed": prop not in f.violated or f.stuck is not None, "text": what}


def own_claims(patch: Any, policies: list[str]) -> list[str]:
    """The verdicts a patch file claims, as --expect items, on the policies checked."""
    return [f"{v}:{','.join(p for p in ps if p in policies)}"
            for v, ps in getattr(patch, "expect", {}).items() if set(ps) & set(policies)]


def parse_expect(items: list[str], policies: list[str]) -> dict[str, str]:
    """``holds``, ``violated``, ``holds:p1,p2`` (repeatable) -> {policy: verdict}; raises
    ValueError on a bad item."""
    out: dict[str, str] = {}
    for item in items:
        verdict, _, where = item.partition(":")
        if verdict not in ("holds", "violated"):
            raise ValueError(f"--expect takes holds or violated (optionally :POLICY,...), "
                             f"not '{item}'")
        names = [p for p in where.split(",") if p] or policies
        for p in names:
            if p not in policies:
                raise ValueError(f"--expect names '{p}', which is not among the policies "
                                 "checked")
            out[p] = verdict
    return out
