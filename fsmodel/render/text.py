"""A trace as numbered steps: the action, who did it, and only what changed."""
from __future__ import annotations

from ..trace import Trace


def _fmt(v: object) -> str:
    if isinstance(v, bool):
        return "T" if v else "F"
    return str(v)


def render(trace: Trace) -> str:
    lines = [f"Counterexample to {trace.property} ({trace.length} steps, {trace.engine} engine)",
             f"  {trace.property_doc}"]
    first = trace.steps[0]
    interesting = {k: v for k, v in first.state.items() if v not in (0, False, "absent", "none",
                                                                     "idle", "running")}
    init = ", ".join(f"{k}={_fmt(v)}" for k, v in interesting.items())
    lines.append(f"  0  init  {init or '(all zero, empty, closed)'}")
    for i, (prev, step) in enumerate(zip(trace.steps, trace.steps[1:]), 1):
        actor = f"[{step.actor}] " if step.actor else ""
        lines.append(f"{i:>3}  {actor}{step.action}")
        changed = [f"{k}: {_fmt(prev.state[k])} -> {_fmt(v)}"
                   for k, v in step.state.items() if prev.state[k] != v]
        if changed:
            lines.append("       " + "; ".join(changed))
        why = [f"{k}={_fmt(v)}" for k, v in step.derived.items() if prev.derived.get(k) != v]
        if why:
            lines.append("       why: " + "; ".join(why))
    lines.append(f"  violated: {trace.property}")
    return "\n".join(lines) + "\n"
