"""The matrix as one self-contained HTML page: the verdict grid (each cell coloured and linked)
and, for every violation, its lane diagram (inline SVG) and its step table.  No script, no
external file: it opens from disk in any browser."""
from __future__ import annotations

from html import escape
from typing import Callable

from ..trace import Trace, from_itf
from ..verdicts import overall
from . import dot
from .files import output
from .lanes import Lanes, layout

CSS = """
body { font: 14px/1.45 Helvetica, Arial, sans-serif; color: #202124; margin: 24px 32px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin-top: 40px; }
h3 { font-size: 15px; margin: 24px 0 6px; }
table { border-collapse: collapse; margin: 10px 0; }
th, td { border: 1px solid #dadce0; padding: 4px 8px; vertical-align: top; }
th { background: #f1f3f4; text-align: left; }
.grid td { text-align: center; min-width: 70px; }
.grid td a { color: inherit; text-decoration: none; display: block; }
.violated { background: #fce8e6; color: #a50e0e; font-weight: bold; }
.holds { background: #e6f4ea; color: #137333; }
.unknown { background: #fef7e0; color: #8a5a00; }
.why { color: #a50e0e; font-weight: bold; }
.steps td { font-size: 12px; } .steps td.calls { white-space: nowrap; }
.err { color: #a50e0e; font-weight: bold; }
.diagram { overflow-x: auto; border: 1px solid #dadce0; padding: 8px; margin: 4px 0 8px; }
.diagram svg { max-width: 100%; height: auto; }   /* fits the window: every lane in view */
.zoom { display: none; }
.zoom + label { color: #1a73e8; cursor: pointer; font-size: 12px; }
.zoom:checked + label + .diagram svg { max-width: none; }   /* full size, scrolled */
.lanes { color: #5f6368; font-size: 12px; margin: 4px 0; padding-left: 18px; }
.legend { color: #5f6368; font-size: 12px; white-space: pre-wrap; }
"""


def html(title: str, specs: list[str], policies: list[str], cells: dict[tuple[str, str], dict],
         cell_text: Callable[[dict], str], legend: str) -> str:
    """The page; ``cell_text`` writes a cell as the text grid does (see run.cells.legend)."""
    out = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
           f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>"]
    out += _grid(specs, policies, cells, lambda c: c, cell_text)
    if any("smt" in c for c in cells.values()):   # --engine both: the z3 grid as well
        out.append("<h3>The same grid from the smt engine (it agrees with the explicit one)</h3>")
        out += _grid(specs, policies, cells, lambda c: c["smt"], cell_text)
    out.append(f"<p class='legend'>{escape(legend)}</p>")
    for s in specs:
        for p in policies:
            c = cells[(s, p)]
            if c["traces"]:
                out.append(f"<h2 id='{s}.{p}'>{escape(s)} on {escape(p)}</h2>")
            for name, t in c["traces"].items():
                out += _violation(from_itf(t["itf"]), f"{s}.{p}.{name}")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _grid(specs: list[str], policies: list[str], cells: dict[tuple[str, str], dict],
          view: Callable[[dict], dict], cell_text: Callable[[dict], str]) -> list[str]:
    """Specs by policies, each cell coloured by its verdict and linked to its violations."""
    out = ["<table class='grid'><tr><th>spec</th>"]
    out += [f"<th>{escape(p)}</th>" for p in policies] + ["</tr>"]
    for s in specs:
        out.append(f"<tr><th>{escape(s)}</th>")
        for p in policies:
            c = view(cells[(s, p)])
            text = escape(cell_text(c))
            tip = escape("; ".join(f"{n}: {v}" + (f" ({c['details'][n]})" if c["details"].get(n)
                                                   else "") for n, v in c["verdicts"].items()))
            link = f"<a href='#{s}.{p}'>{text}</a>" if cells[(s, p)]["traces"] else text
            verdict = overall(c["verdicts"].values())
            out.append(f"<td class='{verdict}' title='{tip}'>{link}</td>")
        out.append("</tr>")
    return out + ["</table>"]


def _violation(trace: Trace, key: str) -> list[str]:
    """A violation: why, the lanes, the diagram scaled to the window (a click on "full size"
    shows it at its own size, scrolled; CSS only), and the step table."""
    d = layout(trace)                        # laid out once: diagram, legend and steps
    svg = output(dot.render(d), "svg").decode()
    svg = svg[svg.index("<svg"):]            # inline: no XML prolog or doctype
    lanes = "".join(f"<li>{escape(x)}</li>" for x in d.legend)
    return [f"<h3>{escape(trace.property)}: {trace.length} steps ({escape(trace.engine)} "
            "engine)</h3>", f"<p class='why'>{escape(trace.explanation)}</p>",
            f"<ul class='lanes'>{lanes}</ul>",
            f"<input type='checkbox' class='zoom' id='zoom.{key}'>"
            f"<label for='zoom.{key}'>full size</label>",
            f"<div class='diagram'>{svg}</div>", *_steps(d)]


def _steps(lanes: Lanes) -> list[str]:
    rows = ["<table class='steps'><tr><th>#</th><th>lane</th><th>action</th>"
            "<th>calls</th><th>changes</th></tr>"]
    for row in lanes.rows:
        calls = "<br>".join((f"<span class='err'>{escape(a.text)}</span>" if a.failed
                             else escape(a.text)) for a in row.arrows)
        changes = "<br>".join(escape(f"[{lane}] {line}") if lane != row.lane else escape(line)
                              for lane, lines in row.changes.items() for line in lines)
        cls = " class='violated'" if row.violation else ""
        rows.append(f"<tr{cls}><td>{row.index}</td><td>{escape(row.lane)}</td>"
                    f"<td title='{escape(row.doc)}'>{escape(row.action)}</td>"
                    f"<td class='calls'>{calls}</td><td>{changes}</td></tr>")
    rows.append("</table>")
    return rows
