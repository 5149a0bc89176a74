"""Traces: the data every renderer reads, built by re-executing a path from the initial state,
and saved as ITF JSON (the Informal Trace Format of Apalache and Quint).

Besides ITF's variables, each state's ``#meta`` holds the action that reached it, its actor,
the calls it made with their results, and the derived values; the trace's ``#meta`` holds the
one-line explanation of the violation and the lane of each variable.  ``from_itf`` reads all of
it back, so a saved trace renders exactly as a fresh one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .engines.pycompile import compile_calls
from .lang.spec import Spec


@dataclass
class Step:
    action: str                 # label, e.g. "ckpt_fsync(f=0)"; "init" for the first state
    actor: str
    doc: str
    state: dict[str, Any]       # flat variable name -> shown value
    derived: dict[str, Any]
    calls: list[dict[str, Any]] = field(default_factory=list)  # see compile_calls


@dataclass
class Trace:
    spec: str
    property: str
    property_doc: str
    engine: str
    steps: list[Step]
    arrays: list[dict[str, Any]]  # per step, array name -> nested value (for ITF)
    meta: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""         # why the last state violates the property, in one line

    @property
    def length(self) -> int:
        """Number of transitions."""
        return len(self.steps) - 1

    def to_itf(self) -> dict[str, Any]:
        states = []
        for i, (step, arrays) in enumerate(zip(self.steps, self.arrays)):
            states.append({"#meta": {"index": i, "action": step.action, "actor": step.actor,
                                     "doc": step.doc, "calls": step.calls,
                                     "derived": step.derived}, **arrays})
        meta = {"format": "ITF", "source": self.spec, "property": self.property,
                "engine": self.engine, "description": self.property_doc,
                "explanation": self.explanation, **self.meta}
        return {"#meta": meta, "vars": list(self.arrays[0]), "states": states}


def from_itf(doc: Any) -> Trace:
    """A trace saved by ``to_itf``; raises ValueError, naming the field, if ``doc`` is not
    one (every field a renderer or a replay reads is checked for its type)."""
    meta = _need(_need(doc, dict, "the document").get("#meta"), dict, "#meta")
    states = _need(doc.get("states"), list, "states")
    if not states:
        raise ValueError("not an fsmodel ITF trace (no states)")
    none = _need(meta.get("none", {}), dict, "#meta.none")
    steps, arrays = [], []
    for i, st in enumerate(_need(x, dict, f"state {i}") for i, x in enumerate(states)):
        m = _need(st.get("#meta"), dict, f"state {i} #meta")
        calls = _need(m.get("calls", []), list, f"state {i} calls")
        for c in calls:
            _need(c, dict, f"state {i} call")
            for key, kind in (("call", str), ("from", str), ("to", str), ("args", dict)):
                _need(c.get(key), kind, f"state {i} call {key}")
        values = {k: v for k, v in st.items() if k != "#meta"}
        flat: dict[str, Any] = {}
        for name, v in values.items():
            _flatten(name, v, none.get(name), flat)
        steps.append(Step(_need(m.get("action"), str, f"state {i} action"),
                          _need(m.get("actor", ""), str, f"state {i} actor"),
                          _need(m.get("doc", ""), str, f"state {i} doc"), flat,
                          _need(m.get("derived", {}), dict, f"state {i} derived"), calls))
        arrays.append(values)
    known = {"format", "source", "property", "engine", "description", "explanation"}
    return Trace(_need(meta.get("source"), str, "#meta.source"),
                 _need(meta.get("property"), str, "#meta.property"),
                 _need(meta.get("description", ""), str, "#meta.description"),
                 _need(meta.get("engine", ""), str, "#meta.engine"), steps, arrays,
                 {k: v for k, v in meta.items() if k not in known},
                 _need(meta.get("explanation", ""), str, "#meta.explanation"))


def _need(value: Any, kind: type, what: str) -> Any:
    if not isinstance(value, kind):
        raise ValueError(f"not an fsmodel ITF trace ({what}: "
                         + ("missing" if value is None else f"not a {kind.__name__}") + ")")
    return value


def _flatten(name: str, v: Any, none: int | None, out: dict[str, Any]) -> None:
    if isinstance(v, list):
        for i, x in enumerate(v):
            _flatten(f"{name}[{i}]", x, none, out)
    else:
        out[name] = "-" if none is not None and v == none else v


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
