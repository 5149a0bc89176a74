"""Traces with their calls, the lane diagrams, state graphs, the HTML report and the gallery."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from fsmodel.cli import main
from fsmodel.engines.graph import state_graph
from fsmodel.run.known import every_known, trace_of

KNOWN = every_known()
from fsmodel.render import dot, mermaid
from fsmodel.render.files import diagram
from fsmodel.run.gallery import write_gallery
from fsmodel.render.lanes import layout
from fsmodel.trace import from_itf

from helpers import ONE, build, shortest

ROOT = Path(__file__).resolve().parents[1]


def calls_of(trace, name):
    return [(step.actor, c["result"]) for step in trace.steps for c in step.calls
            if c["call"] == name]


def test_calls_record_what_each_fsync_returned():
    # T4: the third party's fsync gets the EIO, the checkpointer's then returns 0
    t = trace_of(KNOWN["T4"])
    assert calls_of(t, "fsync") == [("other", "EIO"), ("checkpointer", "0")]
    assert calls_of(t, "write-back") == [("other", "EIO")]
    # T1: the retried fsync after the failed one returns 0 (the page was marked clean)
    assert calls_of(trace_of(KNOWN["T1"]), "fsync") == [("checkpointer", "EIO"),
                                                      ("checkpointer", "0")]


def test_open_records_the_cursor_it_sampled():
    # 4.13 samples the unseen error and marks it seen (T2); 4.16 samples 0 for an unseen one
    t = trace_of(KNOWN["T2"])
    opens = [c for s in t.steps for c in s.calls if c["call"] == "open"]
    assert [c["args"]["cursor"] for c in opens] == [0, 3]
    spec = build("pg-panic", "linux-4.16", **ONE)
    from fsmodel.engines.pycompile import compile_calls, compile_spec
    from fsmodel.engines.replay import replay
    r = replay(spec, KNOWN["T2"].labels[:-1])
    calls = compile_calls(spec)
    last = [c for c in calls(r.actions[-1], r.states[-2]) if c["call"] in ("open", "fsync")]
    assert [(c["call"], c["result"]) for c in last] == [("open", 0), ("fsync", "EIO")]
    assert last[0]["args"]["cursor"] == 0
    assert compile_spec(spec).successors  # calls leave the engines' code alone:
    assert all("ev.append" not in line for line in compile_spec(spec).source.splitlines())


def test_itf_round_trip_draws_the_same_diagram():
    t = trace_of(KNOWN["T5"])
    back = from_itf(json.loads(json.dumps(t.to_itf())))
    assert back.explanation == t.explanation and back.steps[5].calls == t.steps[5].calls
    assert dot.render(layout(back)).source == dot.render(layout(t)).source
    assert mermaid.render(layout(back)) == mermaid.render(layout(t))


def test_lanes_put_state_where_it_belongs_and_mark_the_violation():
    d = layout(trace_of(KNOWN["T3"]))
    assert d.lanes[-3:] == ["page cache", "errseq and cursors", "disk"]
    evict = next(r for r in d.rows if r.action == "evict_inode")
    assert evict.lane == "page cache"
    assert evict.changes["errseq and cursors"] == ["wb_err: 1 (EIO, unseen, ctr 0) → 0"]
    assert [r.violation for r in d.rows] == [False] * (len(d.rows) - 1) + [True]
    assert d.verdict == ("checkpoint-soundness violated: checkpoint 1 completed; file 0 page 0 "
                         "on disk is version 0, the WAL that held version 1 is recycled")
    failed = [a.text for r in d.rows for a in r.arrows if a.failed]
    assert failed == ["write-back(file 0, page 0, version 1) → EIO"]


def test_every_lane_drawn_is_explained_in_a_legend():
    # T4 has a third party; the legend names each lane drawn, in order, with the model's doc
    t = trace_of(KNOWN["T4"])
    d = layout(t)
    assert [item.split(":")[0] for item in d.legend] == d.lanes
    assert d.lanes.index("other") < d.lanes.index("page cache")   # processes, then kernel
    assert any(x.startswith("other: a third-party process") for x in d.legend)
    assert "backend0: a backend process" in "\n".join(d.legend)
    source = dot.render(d).source
    assert "third-party process" in source and "lanes" in source
    assert "lanes" in mermaid.render(d)
    from fsmodel.render.text import render as text
    out = text(t)
    assert "  6  [other] other_open" in out and "  7  [disk] fault" in out   # lanes, as drawn
    assert "    other: a third-party process" in out and "lanes (as in the diagram)" in out


def test_explanations_follow_the_state():
    r2 = trace_of(KNOWN["R2"])
    # the end-of-recovery checkpoint completed without writing the page (BLK_DONE), then
    # power loss: the page reads 0 and its WAL is before the checkpoint
    assert r2.explanation == ("recovery lost committed data: file 0 page 0 reads version 0, "
                              "but version 1 was committed before the last checkpoint, whose "
                              "WAL is recycled")
    c1 = trace_of(KNOWN["C1"])
    assert c1.explanation == "fsync returned 0; file 0 page 0 is version 0 on disk, 1 written"


def test_mermaid_has_a_message_per_call_and_its_reply():
    t = trace_of(KNOWN["T5"])
    text = mermaid.render(layout(t))
    calls = [c for s in t.steps for c in s.calls]
    assert text.count("->>") - text.count("-->>") == len(calls)
    assert text.count("-->>") == sum(c["result"] is not None for c in calls)
    assert text.count("participant ") == len(layout(t).lanes)
    assert "rect rgb" in text and "#" not in text and ";" not in text


def test_dot_pins_every_node_and_svg_carries_its_digest():
    d = layout(trace_of(KNOWN["T1"]))
    g = dot.render(d)
    assert 'layout=neato' in g.source
    nodes = [n for n in re.findall(r'^\t("[^"]+"|\w+) \[', g.source, re.M)
             if n not in ("node", "edge", "graph")]
    pinned = re.findall(r'pos="[-\d.]+,[-\d.]+!"', g.source)
    assert len(pinned) == len(nodes) > 0
    svg = diagram(trace_of(KNOWN["T1"]), "svg").decode()
    digest = re.search(r"fsmodel lane diagram (\w+)", g.source).group(1)
    assert f"fsmodel lane diagram {digest}" in svg and "<svg" in svg


def test_state_graph_path_is_the_shortest_counterexample():
    kw = dict(writes=1, disable=["third-party", "os-crash"], **ONE)
    sg = state_graph(build("os-contract", "linux-4.16", **kw), max_nodes=10_000)
    assert len(sg.path) - 1 == shortest("os-contract", "linux-4.16", **kw)["fsync-honesty"]
    assert sg.kept == sg.states == sg.graph.number_of_nodes()
    assert sg.graph.nodes[sg.path[-1]]["violated"] == "fsync-honesty"
    small = state_graph(build("os-contract", "linux-4.16", **kw), max_nodes=20)
    assert small.states == sg.states and small.kept < sg.states
    assert set(small.path) <= set(small.graph) and small.path == sg.path


def test_graph_command_writes_graphml_that_reads_back(tmp_path):
    out = tmp_path / "g.graphml"
    rc = main(["graph", "os-contract", "--os", "freebsd", "--writes", "1", "--disable",
               "third-party,os-crash", "-o", str(out)])
    g = nx.read_graphml(out)
    assert rc == 0 and g.number_of_nodes() > 1   # the contract holds on FreeBSD: no path
    assert all(d["on_path"] == -1 and d["violated"] == "" for _, d in g.nodes(data=True))


def test_check_render_writes_every_format(tmp_path, capsys):
    rc = main(["check", "pg-panic", "--os", "linux-4.16", "--render", str(tmp_path)])
    assert rc == 1
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"pg-panic.linux-4.16.{prop}.{s}"
                           for prop in ("checkpoint-soundness", "durability")
                           for s in ("svg", "png", "dot", "mmd"))
    assert (tmp_path / "pg-panic.linux-4.16.durability.png").read_bytes()[:8] == \
        b"\x89PNG\r\n\x1a\n"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.svgs, self.cells = set(), [], 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "svg":
            self.svgs += 1
        if tag == "td" and a.get("class") in ("violated", "holds", "unknown"):
            self.cells.append(a["class"])


def test_report_links_every_violated_cell_to_its_diagrams(tmp_path):
    rc = main(["matrix", "--specs", "pg-panic,os-contract", "--os", "linux-4.16,freebsd",
               "--out", str(tmp_path / "m"), "--report", str(tmp_path / "r"), "--jobs", "1"])
    assert rc == 0
    page = Links()
    page.feed((tmp_path / "r" / "index.html").read_text())
    assert page.cells == ["violated", "holds", "violated", "holds"]
    assert sorted(page.hrefs) == ["#os-contract.linux-4.16", "#pg-panic.linux-4.16"]
    assert all(h[1:] in page.ids for h in page.hrefs)
    assert page.svgs == 3   # pg-panic: two properties, os-contract: one
    html = (tmp_path / "r" / "index.html").read_text()
    # each diagram scaled to the window, with a CSS-only toggle to full size, and its lanes
    assert ".diagram svg { max-width: 100%" in html
    assert html.count("class='zoom'") == 3 and html.count("<ul class='lanes'>") == 3
    assert "<li>page cache: the kernel" in html


@pytest.mark.parametrize("argv, message", [
    (["render", "/nonexistent.json"], "cannot read /nonexistent.json"),
    (["render", "{bad}"], "is not JSON"),
    (["render", "{notitf}"], "not an fsmodel ITF trace"),
    (["render", "{good}", "-o", "x.jpeg"], "cannot tell the format from 'x.jpeg'"),
    (["graph", "os-contract", "--os", "linux-4.16", "--max-nodes", "0"], "--max-nodes"),
    (["graph", "pg-panic", "--os", "linux-4.16"], "more than 200000 states: lower the bounds"),
])
def test_render_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    files = {"{bad}": "not json", "{notitf}": json.dumps({"states": []}),
             "{good}": json.dumps(trace_of(KNOWN["C1"]).to_itf())}
    for key, text in files.items():
        (tmp_path / key[1:-1]).write_text(text)
    argv = [str(tmp_path / a[1:-1]) if a in files else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_gallery_is_current(tmp_path):
    """diagrams/ must be what `make gallery` writes now (DOT and Mermaid byte for byte; each
    SVG rendered from its DOT, by the digest graphviz copies into it)."""
    write_gallery(tmp_path, formats=("dot", "mermaid"))
    committed = ROOT / "diagrams"
    for new in sorted(tmp_path.iterdir()):
        old = committed / new.name
        assert old.exists() and old.read_text() == new.read_text(), \
            f"diagrams/{new.name} is stale: run make gallery"
        if new.suffix == ".dot":
            digest = re.search(r"fsmodel lane diagram (\w+)", new.read_text()).group(1)
            svg = (committed / f"{new.stem}.svg").read_text()
            assert f"fsmodel lane diagram {digest}" in svg, f"{new.stem}.svg is stale"


@pytest.mark.parametrize("engine", ["explicit", "smt"])
def test_either_engine_trace_ends_in_the_fsync_that_returned_0(engine):
    """The calls come from the trace's states, whichever engine found it: the violating step
    of fsync-honesty is a sync call that returned 0 after a write-back that failed."""
    from fsmodel.run.cells import run_cell
    opts = {"fs": "ext4", "disable": [], "options": {}, "bounds": {}, "max_states": 0,
            "max_seconds": 0, "symmetry": True, "engine": engine, "depth": 8,
            "prove_seconds": 5}
    cell = run_cell("os-contract", "linux-4.16", opts)
    t = from_itf(cell["traces"]["fsync-honesty"]["itf"])
    assert t.engine == engine and t.length == 5
    last = [(c["call"], c["result"]) for c in t.steps[-1].calls]
    assert last[-1] in (("fsync", "0"), ("fdatasync", "0"))
    assert ("write-back", "EIO") in [(c["call"], c["result"]) for s in t.steps for c in s.calls]
