"""A trace laid out as lanes: one per actor and one per part of the kernel, one row per step.

This is what the lane renderers (graphviz, Mermaid) draw; it decides what each lane says at
each step: the action in its actor's lane, every call as an arrow with its result, and each
changed variable in the lane that owns it (the trace's ``lanes`` metadata), so the page cache
shows cache against disk versions, the errseq lane the error value and each cursor, and the
checkpointer its redo pointer.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable

from ..trace import Trace

_INDEX = re.compile(r"\[(\d+)\]")


@dataclass
class Arrow:
    source: str
    target: str
    text: str
    failed: bool          # the call returned an error


@dataclass
class Row:
    index: int
    lane: str             # the actor's lane
    action: str
    doc: str
    changes: dict[str, list[str]]   # lane -> "variable: old → new" lines
    arrows: list[Arrow]
    violation: bool = False


@dataclass
class Lanes:
    title: str
    subtitle: str
    lanes: list[str]
    initial: dict[str, list[str]]   # lane -> values at the start that are not zero or empty
    rows: list[Row] = field(default_factory=list)
    verdict: str = ""               # "checkpoint-soundness violated: <explanation>"
    legend: list[str] = field(default_factory=list)   # "lane: what it is", lanes in order


def layout(trace: Trace) -> Lanes:
    """The lane diagram of a trace (its last step is the one that breaks the property)."""
    owner = _owner(trace)
    short = _short_names(trace)
    meta = trace.meta
    shown = values(trace)
    rows, order = [], []
    for i, (prev, step) in enumerate(zip(trace.steps, trace.steps[1:]), 1):
        lane = lane_of(trace, step.actor)
        changes: dict[str, list[str]] = {}
        for name, new in step.state.items():
            old = prev.state[name]
            if old != new:
                where = owner(name) or lane
                changes.setdefault(where, []).append(
                    f"{short(name)}: {shown(name, old)} → {shown(name, new)}")
        arrows = [_arrow(c, lane, shown) for c in step.calls]
        rows.append(Row(i, lane, step.action, step.doc, changes, arrows))
        order += [lane] + list(changes) + [x for a in arrows for x in (a.source, a.target)]
    if rows:
        rows[-1].violation = True
    init = trace.steps[0]
    initial: dict[str, list[str]] = {}
    for name, v in init.state.items():
        if v not in (0, False, "-", "absent", "none", "idle", "running"):
            initial.setdefault(owner(name) or "environment", []).append(
                f"{short(name)} = {shown(name, v)}")
    kernel = list(meta.get("kernel_lanes", []))   # the model's own lanes, drawn last
    processes = [x for x in dict.fromkeys(order + list(initial)) if x not in kernel]
    where = f"{meta.get('os', '?')}" + (f" ({meta['fs']})" if meta.get("fs") else "")
    lanes = processes + kernel
    return Lanes(f"{trace.spec} on {where}: {trace.property} violated in {trace.length} steps",
                 _bounds(meta), lanes, initial, rows,
                 f"{trace.property} violated: {trace.explanation or trace.property_doc}",
                 legend(trace, lanes))


def lane_of(trace: Trace, actor: str) -> str:
    """The lane an actor's actions are drawn in (the kernel's in the page cache's)."""
    return trace.meta.get("actor_lanes", {}).get(actor, actor or "environment")


def legend(trace: Trace, lanes: list[str]) -> list[str]:
    """What each lane is, as the model declares it (``lane_docs``: a "{0}" in a lane's name
    stands for its number), for the lanes drawn."""
    docs = trace.meta.get("lane_docs", {})
    out = []
    for lane in lanes:
        for pattern, doc in docs.items():
            m = re.fullmatch(re.escape(pattern).replace(r"\{0\}", r"(\d+)"), lane)
            if m:
                out.append(f"{lane}: {doc.format(*m.groups())}")
                break
    return out


def _owner(trace: Trace):
    """name -> the lane its array belongs to, or None for the acting process's own."""
    lanes = trace.meta.get("lanes", {})

    def owner(name: str) -> str | None:
        base = name.split("[", 1)[0]
        lane = lanes.get(base)
        return lane.format(*_INDEX.findall(name)) if lane else None
    return owner


def _short_names(trace: Trace):
    """Drop the indices of arrays with a single element ("cache" for "cache[0][0]")."""
    sizes: dict[str, int] = {}
    for name in trace.steps[0].state:
        base = name.split("[", 1)[0]
        sizes[base] = sizes.get(base, 0) + 1
    return lambda name: name.split("[", 1)[0] if sizes[name.split("[", 1)[0]] == 1 else name


def values(trace: Trace) -> Callable[[str, Any], str]:
    """``(name, value) -> text``, as the model says to show them: booleans T/F, and an
    errseq_t value decoded where the model declares one (``decode`` in the trace's meta:
    the SEEN flag and the counter's unit, lib/errseq.c's layout)."""
    decode = trace.meta.get("decode", {})

    def shown(name: str, v: Any) -> str:
        if isinstance(v, bool):
            return "T" if v else "F"
        layout = decode.get(name.split("[", 1)[0])
        if layout and isinstance(v, int) and v:
            seen, ctr = layout["seen"], layout["counter"]
            parts = ["EIO" if v % seen else "no error",
                     "seen" if v // seen % 2 else "unseen", f"ctr {v // ctr}"]
            return f"{v} ({', '.join(parts)})"
        return str(v)
    return shown


def _arrow(call: dict[str, Any], actor_lane: str, show: Callable[[str, Any], str]) -> Arrow:
    args = call.get("args", {})
    shown = ", ".join(f"{k} {v}" for k, v in args.items() if k != "cursor")
    text = f"{call['call']}({shown})"
    result = call.get("result")
    if call["call"] == "open":
        text += f" → desc {result}, cursor {show('f_wb_err', args.get('cursor', 0))}"
    elif call["call"] == "read":
        text += f" → version {result}"
    elif result is not None:
        text += f" → {result}"
    failed = result in ("EIO", "ENODEV")
    return Arrow(call.get("from") or actor_lane, call["to"], text, failed)


def _bounds(meta: dict[str, Any]) -> str:
    bounds = meta.get("bounds", {})
    off = meta.get("disabled", [])
    return ("bounds " + " ".join(f"{k}={v}" for k, v in bounds.items()) if bounds else "") + \
        (f"; disabled: {', '.join(off)}" if off else "")


def wrap(text: str, width: int = 70) -> list[str]:
    return textwrap.wrap(text, width) or [""]
