"""Run a scripted sequence of actions (by label) from the initial state.

Used to check that a known trace (DOMAIN.md section 6) is a behaviour of the model, and to
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
