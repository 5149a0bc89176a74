"""The lane diagram as a Mermaid ``sequenceDiagram`` (it renders on GitHub and in editors):
lanes are participants, calls are messages with their results as replies, changed state is a
note over its lane, and the step that breaks the property is boxed in red."""
from __future__ import annotations

import re

from .lanes import Lanes, Row


def _id(lane: str) -> str:
    return re.sub(r"\W", "_", lane)


def _text(s: str) -> str:
    """Mermaid reserves ';' and '#' (entity codes) in message text."""
    return s.replace(";", ",").replace("#", "no. ")


def render(d: Lanes) -> str:
    out = ["sequenceDiagram", f"    title {_text(d.title)}"]
    out += [f"    participant {_id(lane)} as {lane}" for lane in d.lanes]
    for lane, lines in d.initial.items():
        out.append(f"    Note over {_id(lane)}: {_text('<br/>'.join(lines))}")
    for row in d.rows:
        block = _row(row)
        if row.violation:
            block = ["    rect rgb(252, 232, 230)"] + ["    " + x for x in block] + ["    end"]
        out += block
    first, last = _id(d.lanes[0]), _id(d.lanes[-1])
    out.append(f"    Note over {first},{last}: ✗ {_text(d.verdict)}")
    if d.legend:
        out.append(f"    Note over {first},{last}: lanes<br/>{_text('<br/>'.join(d.legend))}")
    return "\n".join(out) + "\n"


def _row(row: Row) -> list[str]:
    actor = _id(row.lane)
    own = row.changes.get(row.lane, [])
    out = [f"    Note over {actor}: {row.index}. {_text('<br/>'.join([row.action] + own))}"]
    for a in row.arrows:
        call, _, result = a.text.partition(" → ")
        out.append(f"    {_id(a.source)}->>{_id(a.target)}: {_text(call)}")
        if result:
            out.append(f"    {_id(a.target)}-->>{_id(a.source)}: {_text(result)}")
    for lane, lines in row.changes.items():
        if lane != row.lane:
            out.append(f"    Note over {_id(lane)}: {_text('<br/>'.join(lines))}")
    return out
