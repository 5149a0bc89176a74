"""Known traces (each family's ``known``, fsmodel/families/base.py's ``Known``) replayed on
their spec: the tests check each, ``fsmodel gallery`` draws them, ``validate`` replays them
on a patch."""
from __future__ import annotations

from typing import Any

from ..config import make_config, ranges
from ..engines.pycompile import compile_spec
from ..engines.replay import replay
from ..families import discover
from ..families.base import Known, family_of
from ..engines.traces import trace_of_states
from ..trace import Trace
from . import registry

# The scripts name actions as one file, one backend, one fault and one crash show them (no
# file or backend parameter); a trace that needs two says so in its own bounds.
SMALLEST = {"files": 1, "backends": 1, "faults": 1, "crashes": 1}


def every_known() -> dict[str, Known]:
    """Every family's known traces, by id."""
    return {k.id: k for fam in discover() for k in fam.known}


def build(k: Known, entry: Any = None) -> tuple[Any, Any]:
    """The configuration and the spec the trace runs on (or ``entry``, a patch of it, in the
    same configuration)."""
    entry = entry or registry.find(k.spec)
    if k.changes:
        entry = entry.variant(**k.changes)
    fam = family_of(entry)
    smallest = {b: v for b, v in SMALLEST.items() if b in ranges(fam)}
    cfg = make_config(k.os, k.fs, [], smallest | k.bounds, defaults=entry.bounds,
                      options=k.options, family=fam)
    return cfg, entry.build(cfg)


def trace_of(k: Known) -> Trace:
    """Replay the script; raises ValueError if a step is not enabled or the last state does
    not violate the property."""
    cfg, spec = build(k)
    comp = compile_spec(spec)
    r = replay(spec, k.labels, comp)
    if not r.complete:
        raise ValueError(f"{k.id}: step {r.stuck_at + 1} "
                         f"({k.labels[r.stuck_at]}) is not enabled")
    if k.property not in r.violated:
        raise ValueError(f"{k.id}: the last state does not violate {k.property}")
    t = trace_of_states(spec, comp, r.states, [None] + r.actions, k.property, "replay")
    t.meta |= cfg.describe() | {"known": k.id, "title": k.title}
    return t
