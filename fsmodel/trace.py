"""Traces: the data every renderer reads (built by the engines, fsmodel/engines/traces.py,
by re-executing a path from the initial state), saved as ITF JSON (the Informal Trace Format
of Apalache and Quint).

Besides ITF's variables, each state's ``#meta`` holds the action that reached it, its actor,
the calls it made with their results, and the derived values; the trace's ``#meta`` holds the
one-line explanation of the violation and the lane of each variable.  ``from_itf`` reads all of
it back, so a saved trace renders exactly as a fresh one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
