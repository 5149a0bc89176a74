"""Traces: the data every renderer reads, built by re-executing a path from the initial state,
and saved as ITF JSON (the Informal Trace Format of Apalache and Quint)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .lang.spec import Spec


@dataclass
class Step:
    action: str                 # label, e.g. "ckpt_fsync(f=0)"; "init" for the first state
    actor: str
    doc: str
    state: dict[str, Any]       # flat variable name -> shown value
    derived: dict[str, Any]


@dataclass
class Trace:
    spec: str
    property: str
    property_doc: str
    engine: str
    steps: list[Step]
    arrays: list[dict[str, Any]]  # per step, array name -> nested value (for ITF)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def length(self) -> int:
        """Number of transitions."""
        return len(self.steps) - 1

    def to_itf(self) -> dict[str, Any]:
        states = []
        for i, (step, arrays) in enumerate(zip(self.steps, self.arrays)):
            states.append({"#meta": {"index": i, "action": step.action, "actor": step.actor},
                           **arrays})
        meta = {"format": "ITF", "source": self.spec, "property": self.property,
                "engine": self.engine, "description": self.property_doc, **self.meta}
        return {"#meta": meta, "vars": list(self.arrays[0]), "states": states}


def build_trace(spec: Spec, comp: Any, path: list[tuple[int, int]], prop: str,
                engine: str, canon: Any = None) -> Trace:
    """Re-execute (action, fingerprint) pairs from the initial state into a Trace.

    Under a symmetry the fingerprints are of representatives; the trace stays concrete by
    taking, at each step, a successor whose representative has the recorded fingerprint."""
    key = canon or (lambda t: t)
    s = spec.init_state
    states, labels = [s], [None]
    for ai, fp in path:
        matches = sorted(((a != ai, a), t) for a, t in comp.successors(s) if hash(key(t)) == fp)
        if not matches:
            raise RuntimeError(f"trace does not replay at {spec.actions[ai].label}")
        (_, a), s = matches[0]
        states.append(s)
        labels.append(a)
    return trace_of_states(spec, comp, states, labels, prop, engine)


def trace_of_states(spec: Spec, comp: Any, states: list[tuple], actions: list[int | None],
                    prop: str, engine: str) -> Trace:
    doc = next((p.doc for p in spec.properties if p.name == prop), "")
    names = list(spec.derived)
    steps, arrays = [], []
    for s, ai in zip(states, actions):
        flat = {v.var.name: v.domain.show(s[v.var.slot]) for v in spec.vars}
        derived = dict(zip(names, comp.derived(s)))
        if ai is None:
            steps.append(Step("init", "", "", flat, derived))
        else:
            a = spec.actions[ai]
            steps.append(Step(a.label, a.actor, a.doc, flat, derived))
        arrays.append(spec.show(s))
    return Trace(spec.name, prop, doc, engine, steps, arrays, dict(spec.meta))
