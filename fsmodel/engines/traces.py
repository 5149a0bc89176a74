"""Building a trace: an engine's path re-executed from the initial state, each state shown
with the calls that reached it (the data of fsmodel/trace.py)."""
from __future__ import annotations

from typing import Any, Callable

from ..lang.spec import Spec
from ..trace import Step, Trace
from .pycompile import compile_calls


def build_trace(spec: Spec, comp: Any, path: list[tuple[int, tuple]], prop: str,
                engine: str, canon: Callable[[tuple], tuple] | None) -> Trace:
    """Re-execute (action, state) pairs from the initial state into a Trace.

    An engine records, per step, the action and the state it reached as it explored it:
    under a symmetry, a representative.  The trace stays concrete by taking, at each step, a
    successor the engine's ``canon`` maps to the recorded state, else one symmetric to it
    (``comp.orbit``, slower); a step that matches none, or a last state that does not violate
    the property, is an engine bug and raises."""
    s = spec.init_state
    states, labels = [s], [None]
    key = canon or (lambda t: t)
    for ai, rep in path:
        succ = comp.successors(s)
        matches = sorted(((a != ai, a), t) for a, t in succ if key(t) == rep)
        if not matches:
            want = comp.orbit(rep)
            matches = sorted(((a != ai, a), t) for a, t in succ if comp.orbit(t) == want)
        if not matches:
            raise RuntimeError(f"{engine} trace does not replay at {spec.actions[ai].label}")
        (_, a), s = matches[0]
        states.append(s)
        labels.append(a)
    index = next(i for i, p in enumerate(spec.properties) if p.name == prop)
    if index not in comp.violated(s):
        raise RuntimeError(f"{engine} trace replays but its last state satisfies {prop}")
    return trace_of_states(spec, comp, states, labels, prop, engine)


def representatives(comp: Any, init: tuple, actions: list[int],
                    canon: Callable[[tuple], tuple] | None) -> list[tuple[int, tuple]]:
    """The states a search reaches along ``actions`` when it keeps representatives."""
    out, s = [], init
    for ai in actions:
        t = next((t for a, t in comp.successors(s) if a == ai), None)
        if t is None:
            raise RuntimeError(f"action {ai} is not enabled on the recorded path")
        s = canon(t) if canon is not None else t
        out.append((ai, s))
    return out


def trace_of_states(spec: Spec, comp: Any, states: list[tuple], actions: list[int | None],
                    prop: str, engine: str) -> Trace:
    """The trace of a run: each state shown, with the calls that reached it."""
    p = next((p for p in spec.properties if p.name == prop), None)
    calls = compile_calls(spec)
    names = list(spec.derived)
    steps, arrays = [], []
    for prev, s, ai in zip([None] + states, states, actions):
        flat = {v.var.name: v.domain.show(s[v.var.slot]) for v in spec.vars}
        derived = dict(zip(names, comp.derived(s)))
        if ai is None:
            steps.append(Step("init", "", "", flat, derived))
        else:
            a = spec.actions[ai]
            steps.append(Step(a.label, a.actor, a.doc, flat, derived, calls(ai, prev)))
        arrays.append(spec.show(s))
    last = steps[-1]
    why = p.explain(last.state | last.derived) if p and p.explain else ""
    none = {v.array: v.domain.none for v in spec.vars if v.domain.none is not None}
    return Trace(spec.name, prop, p.doc if p else "", engine, steps, arrays,
                 dict(spec.meta) | {"none": none}, why)
