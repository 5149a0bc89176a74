"""The reachable state graph of a (small) configuration as a networkx graph, with the shortest
path to a violation; above a node cap, only the neighbourhood of that path is kept."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx

from ..lang.spec import Spec
from .pycompile import compile_spec


class TooLarge(Exception):
    """The configuration has more states than the exploration limit."""


@dataclass
class StateGraph:
    graph: nx.MultiDiGraph      # nodes: ints (0 is the initial state); edges: action labels
    path: list[int]             # the shortest path to a violating state, or []
    states: int                 # reachable states in the configuration
    kept: int                   # nodes drawn: all, or the neighbourhood of the path
    property: str | None        # the property the path violates


def state_graph(spec: Spec, max_nodes: int = 300, limit: int = 200_000) -> StateGraph:
    """Explore every reachable state (no symmetry reduction: each node is a concrete state)."""
    comp = compile_spec(spec)
    ids = {spec.init_state: 0}
    g = nx.MultiDiGraph()
    g.add_node(0, depth=0, violated=",".join(_bad(spec, comp, spec.init_state)), state="init")
    queue = deque([spec.init_state])
    while queue:
        s = queue.popleft()
        for ai, t in comp.successors(s):
            if t not in ids:
                if len(ids) >= limit:
                    raise TooLarge(f"more than {limit} states: lower the bounds")
                ids[t] = len(ids)
                g.add_node(ids[t], depth=g.nodes[ids[s]]["depth"] + 1,
                           violated=",".join(_bad(spec, comp, t)), state=_shown(spec, t))
                queue.append(t)
            g.add_edge(ids[s], ids[t], action=spec.actions[ai].label)
    bad = [n for n in g if g.nodes[n]["violated"]]   # in BFS order: the first is nearest
    path = nx.shortest_path(g, 0, bad[0]) if bad else []
    prop = g.nodes[bad[0]]["violated"].split(",")[0] if bad else None
    total = g.number_of_nodes()
    for n, path_index in ((n, i) for i, n in enumerate(path)):
        g.nodes[n]["on_path"] = path_index
    if total > max_nodes:
        near = set(path) | {m for n in path for m in nx.all_neighbors(g, n)}
        if not path:
            near = {n for n in g if g.nodes[n]["depth"] <= 2}
        g = g.subgraph(near).copy()
    return StateGraph(g, path, total, g.number_of_nodes(), prop)


def _shown(spec: Spec, s: tuple) -> str:
    """The variables that differ from the initial state."""
    return ", ".join(f"{v.var.name}={v.domain.show(x)}" for v, x, x0 in
                     zip(spec.vars, s, spec.init_state) if x != x0)


def _bad(spec: Spec, comp, s: tuple) -> list[str]:
    return [spec.properties[i].name for i in comp.violated(s)]
