"""The lane diagram as graphviz: every node pinned at its place in the grid (lanes across,
steps down) and laid out by neato, so the DOT source renders the same picture with any
graphviz command (the graph says ``layout=neato``)."""
from __future__ import annotations

import hashlib
from html import escape

import graphviz

from .lanes import Lanes, Row, wrap

FONT = "Helvetica"
CHAR_W = 6.6          # points per character at 11 pt, generous for Helvetica
LINE_H = 15.0         # points per text line
RED, GREY, INK = "#c0392b", "#9aa0a6", "#202124"
LANE_FILL = {"page cache": "#e8f0fe", "errseq and cursors": "#fef7e0", "disk": "#e6f4ea"}


def _width(lines: list[str], minimum: float = 0) -> float:
    return max([minimum] + [len(x) * CHAR_W + 16 for x in lines])


def _html(title: str | None, lines: list[str], color: str = INK, left: bool = False) -> str:
    """An HTML-like label: the title in bold, then one smaller line per entry (centred, or
    flush left)."""
    out = [f'<B>{escape(title)}</B>'] if title else []
    out += [f'<FONT POINT-SIZE="10">{escape(x)}</FONT>' for x in lines]
    br = '<BR ALIGN="LEFT"/>' if left else "<BR/>"
    return f'<<FONT COLOR="{color}">' + br.join(out) + (br if left else "") + "</FONT>>"


def _row_lines(row: Row) -> dict[str, list[str]]:
    """What each lane's box says in this row (the actor's box holds the action too)."""
    cells = {lane: list(lines) for lane, lines in row.changes.items()}
    cells.setdefault(row.lane, [])
    return cells


def render(d: Lanes) -> graphviz.Digraph:
    # Lane centres: each lane as wide as its widest box or arrow label, at least 170 pt.
    width = {lane: 170.0 for lane in d.lanes}
    for row in d.rows:
        for lane, lines in _row_lines(row).items():
            width[lane] = max(width[lane], _width(lines + [row.action] * (lane == row.lane)))
        for a in row.arrows:   # a label sits above its arrow, centred between the two lanes
            need = _width([a.text]) / 2
            width[a.source] = max(width[a.source], need)
            width[a.target] = max(width[a.target], need)
    for lane, lines in d.initial.items():
        width[lane] = max(width[lane], _width(lines))
    x, cx = 60.0, {}
    for lane in d.lanes:
        cx[lane] = x + width[lane] / 2
        x += width[lane] + 30
    right = x

    g = graphviz.Digraph("trace", engine="neato")
    g.attr(layout="neato", inputscale="72", splines="false", overlap="true",
           outputorder="edgesfirst", fontname=FONT, bgcolor="white", pad="0.3")
    g.attr("node", fontname=FONT, fontsize="11", shape="box", style="rounded,filled",
           fillcolor="white", color=GREY, margin="0.14,0.06")
    g.attr("edge", fontname=FONT, fontsize="10", color=INK, arrowsize="0.7")

    def node(name: str, px: float, py: float, **attrs: str) -> None:
        g.node(name, pos=f"{px:.1f},{py:.1f}!", **attrs)

    # Title, then the lane headers with the initial values worth saying.
    y = 0.0
    title_w = max(len(d.title) * 8.2, _width([d.subtitle]))   # left-aligned: seen first
    node("title", 40 + title_w / 2, y, shape="plaintext", style="", fontsize="14",
         label=_html(d.title, [d.subtitle]))
    y -= 55
    head_h = LINE_H * (1 + max([len(v) for v in d.initial.values()] + [0])) + 12
    for lane in d.lanes:
        node(f"lane_{lane}", cx[lane], y - head_h / 2, label=_html(lane, d.initial.get(lane, [])),
             fillcolor=LANE_FILL.get(lane, "#f1f3f4"), color=INK, width=f"{width[lane] / 72:.2f}",
             height=f"{head_h / 72:.2f}", fixedsize="true")
    y -= head_h + 20

    for row in d.rows:
        y = _draw_row(g, node, row, cx, width, y)
    # The verdict under the last row, across the diagram.
    lines = wrap(d.verdict, int((right - 60) / CHAR_W) - 4)
    node("verdict", (60 + right) / 2, y - LINE_H * len(lines) / 2 - 6, shape="box",
         style="filled", fillcolor="#fce8e6", color=RED, fontcolor=RED,
         label=_html(None, lines, RED).replace('POINT-SIZE="10"', 'POINT-SIZE="12"'))
    bottom = y - LINE_H * len(lines) - 20
    for lane in d.lanes:   # lifelines
        node(f"end_{lane}", cx[lane], bottom, shape="point", width="0.01", style="invis")
        g.edge(f"lane_{lane}", f"end_{lane}", style="dashed", color=GREY, arrowhead="none")
    if d.legend:           # what each lane is, under the lifelines
        text = [x for item in d.legend for x in wrap(item, int((right - 60) / CHAR_W) - 4)]
        node("legend", 60 + _width(text) / 2, bottom - 20 - LINE_H * (len(text) + 1) / 2,
             shape="plaintext", style="", label=_html("lanes", text, left=True))
    digest = hashlib.sha256(g.source.encode()).hexdigest()[:16]
    g.attr(comment=f"fsmodel lane diagram {digest}")
    return g


def _draw_row(g: graphviz.Digraph, node, row: Row, cx: dict[str, float],
              width: dict[str, float], y: float) -> float:
    """One step: the action box, one arrow per call, then the other lanes' changes."""
    colour = RED if row.violation else INK
    cells = _row_lines(row)
    own = cells.pop(row.lane)
    h = LINE_H * (1 + len(own)) + 10
    node(f"n{row.index}", 28, y - h / 2, shape="plaintext", style="", fontcolor=colour,
         label=str(row.index), fontsize="12")
    node(f"a{row.index}", cx[row.lane], y - h / 2, label=_html(row.action, own, colour),
         tooltip=row.doc or row.action, color=colour, penwidth="2" if row.violation else "1",
         fillcolor="#fce8e6" if row.violation else "white")
    y -= h + 6
    for k, a in enumerate(row.arrows):   # the call's text above its arrow
        tint = RED if a.failed else INK
        node(f"c{row.index}_{k}", (cx[a.source] + cx[a.target]) / 2, y - LINE_H / 2,
             shape="plaintext", style="", fontsize="10", fontcolor=tint, label=a.text,
             margin="0")
        y -= LINE_H + 2
        src, dst = f"c{row.index}_{k}s", f"c{row.index}_{k}t"
        node(src, cx[a.source], y, shape="point", width="0.05", color=tint, fillcolor=tint)
        node(dst, cx[a.target], y, shape="point", width="0.01", style="invis")
        g.edge(src, dst, color=tint)
        y -= 8
    if cells:
        y -= 6
        tallest = max(len(v) for v in cells.values())
        h2 = LINE_H * tallest + 10
        for lane, lines in cells.items():
            node(f"s{row.index}_{lane}", cx[lane], y - h2 / 2, label=_html(None, lines),
                 shape="note", style="filled", fillcolor="#fafafa",
                 width=f"{_width(lines) / 72:.2f}")
        y -= h2
    return y - 14
