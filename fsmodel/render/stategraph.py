"""A state graph (engines/graph.py) as DOT or GraphML, the path to the violation in red."""
from __future__ import annotations

import io

import graphviz
import networkx as nx

from ..engines.graph import StateGraph

RED, GREY = "#c0392b", "#9aa0a6"


def to_dot(sg: StateGraph, title: str) -> graphviz.Digraph:
    g = graphviz.Digraph("states")
    shown = (f"all {sg.states} reachable states" if sg.kept == sg.states else
             f"{sg.kept} of {sg.states} states: only the path to the violation and its "
             "neighbours (over the node cap)")
    what = (f"red: the shortest path to a {sg.property} violation ({len(sg.path) - 1} steps)"
            if sg.path else "no reachable state violates a property")
    g.attr(label=f"{title}\n{shown}; {what}", labelloc="t", fontname="Helvetica",
           fontsize="14", rankdir="TB", ranksep="0.5", nodesep="0.25")
    g.attr("node", fontname="Helvetica", fontsize="10", shape="circle", width="0.35",
           fixedsize="true", color=GREY)
    g.attr("edge", fontname="Helvetica", fontsize="9", color=GREY, arrowsize="0.5")
    on_path = set(sg.path)
    for n, a in sorted(sg.graph.nodes(data=True)):
        attrs = {"tooltip": a["state"]}
        if n in on_path:
            attrs |= {"color": RED, "penwidth": "2.5", "fontcolor": RED}
        if a["violated"]:
            attrs |= {"style": "filled", "fillcolor": "#fce8e6", "shape": "doublecircle"}
        g.node(str(n), str(n), **attrs)
    path_edges = set(zip(sg.path, sg.path[1:]))
    actions: dict[tuple[int, int], list[str]] = {}   # parallel edges drawn as one
    for u, v, a in sg.graph.edges(data=True):
        actions.setdefault((u, v), []).append(a["action"])
    for (u, v), labels in sorted(actions.items()):
        tip = ", ".join(sorted(labels))
        if (u, v) in path_edges:
            g.edge(str(u), str(v), label=sorted(labels)[0], tooltip=tip, color=RED,
                   fontcolor=RED, penwidth="2.5")
        else:
            g.edge(str(u), str(v), tooltip=tip)
    return g


def to_graphml(sg: StateGraph) -> bytes:
    """GraphML (for Gephi, yEd, networkx): every node and edge attribute, path included."""
    g = sg.graph.copy()
    for n in g:
        g.nodes[n].setdefault("on_path", -1)
    buf = io.BytesIO()
    nx.write_graphml(g, buf)
    return buf.getvalue()
