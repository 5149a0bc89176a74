"""The explicit engine: shortest counterexamples, determinism, limits, replayable traces."""
import networkx as nx
import pytest

from fsmodel.engines.pybfs import check
from fsmodel.engines.pycompile import compile_spec
from fsmodel.engines.replay import replay

from helpers import ONE, build


def state_graph(spec):
    comp = compile_spec(spec)
    g, frontier = nx.DiGraph(), [spec.init_state]
    g.add_node(spec.init_state)
    while frontier:
        s = frontier.pop()
        for _, t in comp.successors(s):
            if t not in g:
                frontier.append(t)
            g.add_edge(s, t)
    return g, comp


@pytest.mark.parametrize("spec_id,os", [("os-contract", "linux-4.16"), ("os-contract", "netbsd"),
                                        ("pg-panic", "linux-4.13"), ("pg-2018", "freebsd")])
def test_bfs_finds_a_shortest_counterexample(spec_id, os):
    """networkx on the full state graph agrees with the engine on distances and counts."""
    spec = build(spec_id, os, writes=1, files=1)
    g, comp = state_graph(spec)
    res = check(spec, progress=None, symmetry=False)
    dist = nx.single_source_shortest_path_length(g, spec.init_state)
    for pi, prop in enumerate(spec.properties):
        bad = [d for s, d in dist.items() if pi in comp.violated(s)]
        if res.verdicts[prop.name] == "violated":
            assert res.traces[prop.name].length == min(bad)
        else:
            assert not bad
    if res.complete:
        assert res.distinct == g.number_of_nodes()


def test_output_is_deterministic():
    a = check(build("pg-retry", "linux-4.16", **ONE), progress=None)
    b = check(build("pg-retry", "linux-4.16", **ONE), progress=None)
    assert [s.action for s in a.traces["durability"].steps] == \
           [s.action for s in b.traces["durability"].steps]
    assert (a.distinct, a.generated) == (b.distinct, b.generated)


def test_trace_replays_step_by_step():
    spec = build("pg-panic", "linux-5.8", **ONE)
    res = check(spec, progress=None)
    t = res.traces["checkpoint-soundness"]
    r = replay(spec, [s.action for s in t.steps[1:]])
    assert r.complete and "checkpoint-soundness" in r.violated


def test_state_limit_gives_unknown():
    res = check(build("pg-panic", "freebsd", **ONE), max_states=500, progress=None)
    assert not res.complete and res.limit.startswith("--max-states")
    assert set(res.verdicts.values()) == {"unknown"}


@pytest.mark.parametrize("spec_id,os", [("pg-fdpass-first", "linux-4.13"),
                                        ("pg-fdpass", "linux-4.16"),
                                        ("pg-retry", "linux-4.16")])
def test_symmetry_reduction_keeps_verdicts_and_lengths(spec_id, os):
    """Reducing interchangeable backends changes the state count, not the answers."""
    spec = build(spec_id, os, backends=2, writes=1, crashes=0, disable=["third-party"])
    full = check(spec, progress=None, symmetry=False)
    reduced = check(spec, progress=None, symmetry=True)
    assert reduced.verdicts == full.verdicts
    assert {p: t.length for p, t in reduced.traces.items()} == \
           {p: t.length for p, t in full.traces.items()}
    assert reduced.distinct < full.distinct
    for t in reduced.traces.values():   # the reported trace is concrete and replays
        r = replay(spec, [s.action for s in t.steps[1:]])
        assert r.complete and t.property in r.violated
