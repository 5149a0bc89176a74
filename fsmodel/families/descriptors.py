"""The variables of a family that can name a description of a data file, declared once.

A family lists them as groups, one per state variable.  The one list gives the kernel's slot
count (how many descriptions of one file can be open at once), the pools of interchangeable
slots (every holder of a file's descriptions, in one order), what an exit closes and what a
crash forgets, so that a new holder cannot be left out of any of them.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import prod
from typing import Any, NamedTuple

from ..kernel.model import Kernel
from ..lang.expr import Var, VarArray, ite
from ..lang.spec import Slot, Spec, Update

OWN, OTHER = "own", "other"   # held by the family's own processes, or by the third party


class Holder(NamedTuple):
    """One variable that may name a description of a file; it counts only while ``when`` (if
    any) equals ``value``, as a message naming its file does (a holder of ``Spec.pool``)."""
    var: Var
    when: Var | None = None
    value: int = 0


@dataclass(frozen=True)
class Group:
    """A state variable (or array) of holders.  Its last index is the file, unless it holds a
    description of one ``file`` only, or is an array of messages, each naming its file in the
    variable ``named_by``."""
    name: str
    shape: tuple[int, ...]
    owner: str = OWN
    file: int | None = None
    named_by: str = ""
    live: bool = True        # declared in this configuration
    reserved: bool = False   # its slots are counted even where it is not live

    @property
    def per_file(self) -> int:
        """How many descriptions of one file it can hold at once."""
        by_file = self.file is None and not self.named_by
        return prod(self.shape[:-1] if by_file else self.shape)

    def holders(self, var: Any, f: int, spec: Spec) -> list[Holder]:
        """Its holders of file f's descriptions."""
        if self.file is not None:
            return [Holder(var)] if f == self.file else []
        if self.named_by:
            names = spec.arrays[self.named_by]
            return [Holder(var[i], names[i], f) for i in range(self.shape[0])]
        out = []
        for index in itertools.product(*(range(n) for n in self.shape[:-1])):
            x = var
            for i in index:
                x = x[i]
            out.append(Holder(x[f]))
        return out


class Descriptors:
    """A family's holder groups, in the order pools and exits visit them, and their variables
    once declared (each where it stands in the state vector)."""

    def __init__(self, spec: Spec, groups: list[Group]) -> None:
        """The slot count is fixed here, before any variable is declared."""
        self.spec, self.groups = spec, {g.name: g for g in groups}
        self.slots = sum(g.per_file for g in groups if g.live or g.reserved)
        self.NONE = self.slots          # the kernel's "not open": slots are 0 .. slots - 1
        self.vars: dict[str, Any] = {}

    def declare(self, name: str) -> Any:
        """Declare the group's variable here, every holder empty; None where it is not live."""
        g = self.groups[name]
        if not g.live:
            return None
        self.vars[name] = self.spec.var(name, Slot(self.NONE), self.NONE, g.shape)
        return self.vars[name]

    def _declared(self, owner: str | None) -> list[Group]:
        """The groups declared so far, of one owner (or all), in group order."""
        return [g for g in self.groups.values()
                if g.name in self.vars and owner in (None, g.owner)]

    def of_file(self, f: int, owner: str | None = None) -> list[Holder]:
        """Every holder of file f's descriptions (of one owner's, if given), in group order."""
        out: list[Holder] = []
        for g in self._declared(owner):
            out += g.holders(self.vars[g.name], f, self.spec)
        return out

    def declare_pools(self, k: Kernel) -> None:
        """Each file's description slots are interchangeable among all their holders."""
        k.declare_pools(self.spec, [self.of_file(f) for f in range(k.F)])

    def close(self, u: Update, k: Kernel, owner: str, fate: str) -> None:
        """The owner's processes exit: the kernel closes every description they hold."""
        for f in range(k.F):
            for h, when, value in self.of_file(f, owner):
                desc = u.let(h if when is None else ite(when == value, h, k.NONE))
                with u.when(desc != k.NONE):
                    k.close(u, f, desc, fate)

    def forget(self, u: Update, owner: str | None = None) -> None:
        """The owner's processes (every process, by default) are gone with their memory."""
        for g in self._declared(owner):
            v = self.vars[g.name]
            for x in v.flat() if isinstance(v, VarArray) else [v]:
                u[x] = self.NONE


def derive_cursors(spec: Spec, k: Kernel, f: int) -> None:
    """Which open descriptions of file f have a cursor behind its errseq_t (shown in traces)."""
    for s in range(k.S):
        spec.derive(f"cursor_behind[{f}][{s}]", (k.ref[f][s] > 0) & (k.cur[f][s] != k.err[f]))
