"""A trace as numbered steps: the action, who did it, and only what changed (values shown
as the diagrams show them: errseq_t decoded)."""
from __future__ import annotations

from ..trace import Trace
from .lanes import lane_of, layout, values


def render(trace: Trace) -> str:
    _value = values(trace)
    lines = [f"Counterexample to {trace.property} ({trace.length} steps, {trace.engine} engine)",
             f"  {trace.property_doc}"]
    first = trace.steps[0]
    interesting = {k: v for k, v in first.state.items() if v not in (0, False, "absent", "none",
                                                                     "idle", "running")}
    init = ", ".join(f"{k}={_value(k, v)}" for k, v in interesting.items())
    lines.append(f"  0  init  {init or '(all zero, empty, closed)'}")
    for i, (prev, step) in enumerate(zip(trace.steps, trace.steps[1:]), 1):
        lines.append(f"{i:>3}  [{lane_of(trace, step.actor)}] {step.action}")
        changed = [f"{k}: {_value(k, prev.state[k])} -> {_value(k, v)}"
                   for k, v in step.state.items() if prev.state[k] != v]
        if changed:
            lines.append("       " + "; ".join(changed))
        why = [f"{k}={_value(k, v)}" for k, v in step.derived.items()
               if prev.derived.get(k) != v]
        if why:
            lines.append("       why: " + "; ".join(why))
    lines.append(f"  violated: {trace.property}")
    lines += ["  lanes (as in the diagram):"] + [f"    {item}" for item in layout(trace).legend]
    return "\n".join(lines) + "\n"
