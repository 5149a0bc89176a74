"""Run a scripted sequence of actions (by label) from the initial state.

Used to check that a known trace (docs/model.md §6) is a behaviour of the model, and to
replay a counterexample against another spec or policy as far as it still applies.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..lang.spec import Spec
from .pycompile import Compiled, compile_spec


@dataclass
class Replay:
    states: list[tuple]
    actions: list[int]
    stuck_at: int | None        # index of the first label that was not enabled, if any
    violated: list[str]         # properties violated in the last state reached

    @property
    def complete(self) -> bool:
        return self.stuck_at is None


def replay(spec: Spec, labels: list[str], comp: Compiled | None = None) -> Replay:
    comp = comp or compile_spec(spec)
    s = spec.init_state
    states, actions = [s], []
    for i, label in enumerate(labels):
        nxt = [(a, t) for a, t in comp.successors(s) if spec.actions[a].label == label]
        if not nxt:
            return Replay(states, actions, i, _violated(spec, comp, s))
        a, s = nxt[0]
        states.append(s)
        actions.append(a)
    return Replay(states, actions, None, _violated(spec, comp, s))


def _violated(spec: Spec, comp: Compiled, s: tuple) -> list[str]:
    return [spec.properties[i].name for i in comp.violated(s)]


@dataclass
class Follow:
    """How far a trace's steps carry on another spec (see ``follow``)."""
    steps: int                  # steps that could be taken
    stuck: str | None           # the first step no action of the spec matches, if any
    violated: set[str]          # properties violated in some state reached at the end


def _parse(label: str) -> tuple[str, dict[str, str]]:
    name, _, rest = label.partition("(")
    args = dict(a.split("=", 1) for a in rest.rstrip(")").split(", ") if "=" in a)
    return name, args


def follow(spec: Spec, labels: list[str], comp: Compiled | None = None,
           limit: int = 20_000) -> Follow:
    """Replay a trace of one spec on another as far as it applies: a step matches every
    action with its name whose parameters agree on those the label shows (a patch may add a
    parameter, such as the fate of a syncfs), and every matching successor is followed."""
    comp = comp or compile_spec(spec)
    wanted = [_parse(x) for x in labels]
    acts = [_parse(a.label) + (a.params,) for a in spec.actions]
    frontier = {spec.init_state}
    for i, (name, args) in enumerate(wanted):
        nxt = set()
        for s in frontier:
            for a, t in comp.successors(s):
                n, _, params = acts[a]
                if n == name and all(str(params.get(k)) == v for k, v in args.items()):
                    nxt.add(t)
        if not nxt:
            return Follow(i, labels[i], _violated_any(spec, comp, frontier))
        frontier = set(list(nxt)[:limit]) if len(nxt) > limit else nxt
    return Follow(len(labels), None, _violated_any(spec, comp, frontier))


def _violated_any(spec: Spec, comp: Compiled, states: set[tuple]) -> set[str]:
    return {spec.properties[i].name for s in states for i in comp.violated(s)}
