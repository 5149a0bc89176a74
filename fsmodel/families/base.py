"""What a family declares beyond the kernel's: its bounds, environment behaviours, options,
properties and known traces.  The configuration (fsmodel/config.py) validates a user's choices
against the kernel's and the family's declarations; the command line offers every family's
bounds and options; ``fsmodel list`` prints them.  A family is a package under
fsmodel/families/ (or any module a spec file imports) whose spec entries carry it as their
``family`` attribute.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Range:
    """A bound: its default, its range and what it counts."""
    default: int
    lo: int
    hi: int
    meaning: str


@dataclass(frozen=True)
class Choice:
    """An option: its default and its values (``on``/``off`` on the command line for a
    boolean), and the name a trace's metadata shows it under."""
    default: Any
    values: tuple[Any, ...]
    meaning: str
    shown_as: str = ""

    @property
    def yes_no(self) -> bool:
        """A yes-or-no option (``on``/``off`` on the command line)."""
        return set(self.values) == {True, False}


@dataclass(frozen=True)
class Known:
    """A known trace: a script of action labels on a spec under a policy (and file system,
    options and bounds), ending in a state that violates ``property``; ``changes`` are knobs
    of a variant of the spec.  fsmodel/run/known.py replays it."""
    id: str
    title: str
    spec: str
    os: str
    property: str
    script: str                   # action labels separated by ";"
    fs: str = "ext4"
    options: dict[str, Any] = field(default_factory=dict)
    bounds: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return [x.strip() for x in self.script.split(";") if x.strip()]


@dataclass(frozen=True)
class Family:
    """One application protocol's declarations (see the module's docstring)."""
    name: str
    summary: str
    bounds: dict[str, Range] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    options: dict[str, Choice] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)   # name -> what it says
    known: tuple[Known, ...] = ()
    group: str = ""      # a set of families checked together (``matrix --family``)
    columns: tuple[str, ...] = ()   # what ``matrix --family`` compares them on by default


def family_of(entry: Any) -> Family:
    """The family of a spec entry (a shipped spec, a patch or a user's spec file's SPEC)."""
    fam = getattr(entry, "family", None)
    if not isinstance(fam, Family):
        raise TypeError(f"spec {getattr(entry, 'id', entry)!r} declares no family")
    return fam
