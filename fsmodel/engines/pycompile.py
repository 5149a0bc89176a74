"""Compile a spec to Python source once, so the explicit engine never walks a tree per state.

Every ground action becomes a block of one generated ``successors(s)`` function over tuple
states: guards become ``if`` tests on ``s``, updates become assignments into a list copy ``t``.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Callable

from ..lang.expr import Const, Expr, Local, Op, Var
from ..lang.spec import Action, Assign, Let, Require, Spec, Store
from ..lang.visit import ARITHMETIC, COMPARISONS, Fold, infix

_INFIX = {op: op for op in ARITHMETIC + COMPARISONS + ("and", "or")}   # Python's own


class PySource(Fold[str]):
    """Python source for an expression, reading state variables from the sequence named
    ``src`` and locals as ``{prefix}{index}``."""

    def __init__(self, src: str, prefix: str = "l") -> None:
        self.src, self.prefix = src, prefix
        super().__init__(infix(_INFIX) | {
            "not": lambda e, a: f"(not {a})", "neg": lambda e, a: f"(-{a})",
            "ite": lambda e, c, a, b: f"({a} if {c} else {b})", "index": self.index})

    def const(self, e: Const) -> str:
        return repr(e.value)

    def var(self, e: Var) -> str:
        return f"{self.src}[{e.slot}]"

    def local(self, e: Local) -> str:
        return f"{self.prefix}{e.index}"

    def index(self, e: Op, i: str, *elems: str) -> str:
        base = _contiguous(e.args[1:])
        if base is not None:
            return f"{self.src}[{base} + {i}]"
        return f"({', '.join(elems)},)[{i}]"


def py(e: Expr, src: str, prefix: str = "l") -> str:
    """Python source for ``e`` reading state variables from the sequence named ``src``."""
    return PySource(src, prefix)(e)


def _contiguous(elems: tuple[Expr, ...]) -> int | None:
    """The first slot if ``elems`` are state variables in consecutive slots."""
    if not all(isinstance(x, Var) for x in elems):
        return None
    slots = [x.slot for x in elems]  # type: ignore[attr-defined]
    return slots[0] if slots == list(range(slots[0], slots[0] + len(slots))) else None


@dataclass
class Compiled:
    successors: Callable[[tuple], list[tuple[int, tuple]]]
    violated: Callable[[tuple], tuple[int, ...]]
    derived: Callable[[tuple], tuple]
    canon: Callable[[tuple], tuple] | None   # representative under the declared symmetry
    orbit: Callable[[tuple], tuple]          # the same for every symmetric state (slow)
    source: str


def compile_spec(spec: Spec) -> Compiled:
    lines = ["def successors(s):", "    out = []"]
    for ai, act in enumerate(spec.actions):
        lines.append(f"    # {ai}: {act.label}")
        lines.extend(_action_block(ai, act))
    lines.append("    return out")

    lines.append("def violated(s):")
    lines.append("    bad = ()")
    for pi, prop in enumerate(spec.properties):
        lines.append(f"    if not {py(prop.holds, 's')}: bad += ({pi},)")
    lines.append("    return bad")

    lines.append("def derived(s):")
    body = ", ".join(py(e, "s") for e in spec.derived.values())
    lines.append(f"    return ({body}{',' if body else ''})")

    reduced = bool(spec.symmetry or spec.pools)
    if reduced:
        lines.extend(_canon(spec))
    source = "\n".join(lines) + "\n"
    ns: dict = {"SYMMETRY": spec.symmetry}
    exec(compile(source, f"<fsmodel:{spec.name}>", "exec"), ns)  # noqa: S102 (generated code)
    orbit = _orbit(spec, ns["relabel"]) if reduced else (lambda t: t)
    return Compiled(ns["successors"], ns["violated"], ns["derived"], ns.get("canon"), orbit,
                    source)


def _orbit(spec: Spec, relabel: Callable[[list], tuple]) -> Callable[[tuple], tuple]:
    """A key shared by exactly the states that differ by the declared symmetries and a
    relabelling of pool slots: the least relabelled image under every permutation.  ``canon``
    tries only the sorted order, which is fast and sound (it merges only symmetric states)
    but may leave two symmetric states apart; a trace is matched up to this key."""
    choices = [list(itertools.permutations(range(len(g.records)))) for g in spec.symmetry]

    def orbit(t: tuple) -> tuple:
        best = None
        for orders in itertools.product(*choices):
            u = list(t)
            for g, order in zip(spec.symmetry, orders):
                g.permute(u, order)
            key = tuple(int(x) for x in relabel(u))
            best = key if best is None or key < best else best
        return best
    return orbit


def _canon(spec: Spec) -> list[str]:
    """One representative per symmetry class: sort the interchangeable records of each
    symmetry in turn, then relabel each pool's slots in order of first reference."""
    out = [f"POOL{k} = {tuple(pool.records)!r}" for k, pool in enumerate(spec.pools)]
    out += ["def canon(t):", "    t = list(t)", "    for g in SYMMETRY:", "        g.sort(t)",
            "    return relabel(t)", "def relabel(t):"]
    for k, pool in enumerate(spec.pools):
        out.append("    m = {}")
        for h, w, val in pool.holders:
            test = f"t[{h}] != {pool.none} and t[{h}] not in m"
            if w is not None:
                test = f"t[{w}] == {val} and {test}"
            out.append(f"    if {test}: m[t[{h}]] = len(m)")
        out += ["    if any(a != b for a, b in m.items()):",
                f"        old = [tuple(t[i] for i in r) for r in POOL{k}]",
                f"        for r in POOL{k}:",
                "            for i in r: t[i] = 0",
                "        for a, b in m.items():",
                f"            for i, v in zip(POOL{k}[b], old[a]): t[i] = v"]
        for h, w, val in pool.holders:
            guard = f"t[{h}] != {pool.none}" + (f" and t[{w}] == {val}" if w is not None else "")
            out.append(f"        if {guard}: t[{h}] = m[t[{h}]]")
    out.append("    return tuple(t)")
    return out


def compile_calls(spec: Spec) -> Callable[[int, tuple], list[dict[str, Any]]]:
    """``calls(ai, s)``: the calls action ``ai`` makes from state ``s`` (for traces only), as
    dicts with the call's name, lanes, arguments and result."""
    lines = ["def calls(ai, s):", "    ev = []"]
    for ai, act in enumerate(spec.actions):
        lines.append(f"    if ai == {ai}:")
        lines.extend("    " + x for x in _action_block(ai, act, record_calls=True))
    lines.append("    return ev")
    ns: dict = {}
    exec(compile("\n".join(lines) + "\n", f"<fsmodel-calls:{spec.name}>", "exec"), ns)  # noqa: S102

    def calls(ai: int, s: tuple) -> list[dict[str, Any]]:
        act = spec.actions[ai]
        out = []
        for k, values in ns["calls"](ai, s):
            c = act.calls[k][1]
            args = dict(zip((name for name, _ in c.args), values[1:]))
            result = values[0]
            if c.results and result is not None:
                result = c.results[int(result)]
            out.append({"call": c.name, "from": c.source or act.actor, "to": c.to,
                        "args": args, "result": result})
        return out
    return calls


def _action_block(ai: int, act: Action, record_calls: bool = False) -> list[str]:
    """The guard and updates of one action: appends its successor to ``out``, or with
    ``record_calls`` the values of its calls to ``ev`` as (call index, (result, *args))."""
    out: list[str] = []
    ind = "    "
    src = "s"
    pre = f"a{ai}_"
    calls = list(enumerate(act.calls)) if record_calls else []

    def emit(upto: int) -> None:
        while calls and calls[0][1][0] <= upto:
            k, (_, c) = calls.pop(0)
            values = [py(c.result, src, pre) if c.result is not None else "None"]
            values += [py(e, src, pre) for _, e in c.args]
            stmt = f"ev.append(({k}, ({', '.join(values)},)))"
            out.append(ind + (stmt if c.cond is None else
                              f"if {py(c.cond, src, pre)}: {stmt}"))

    for n, ins in enumerate(act.program):
        emit(n)
        if isinstance(ins, Require):
            out.append(f"{ind}if {py(ins.cond, src, pre)}:")
            ind += "    "
            continue
        if src == "s" and isinstance(ins, (Assign, Store)):
            out.append(f"{ind}t = list(s)")
            src = "t"
        if isinstance(ins, Let):
            value = py(ins.value, src, pre)
            if ins.cond is not None:
                value = f"({value} if {py(ins.cond, src, pre)} else 0)"
            out.append(f"{ind}{pre}{ins.local.index} = {value}")
        elif isinstance(ins, Assign):
            stmt = f"t[{ins.var.slot}] = {py(ins.value, 't', pre)}"
            out.append(f"{ind}{_guarded(ins.cond, stmt, pre)}")
        elif isinstance(ins, Store):
            base = _contiguous(ins.vars)
            if base is None:
                raise ValueError("a dynamic store needs an array of consecutive variables")
            stmt = f"t[{base} + {py(ins.idx, 't', pre)}] = {py(ins.value, 't', pre)}"
            out.append(f"{ind}{_guarded(ins.cond, stmt, pre)}")
    if record_calls:
        emit(len(act.program))
        out.append(f"{ind}pass")
    else:
        out.append(f"{ind}out.append(({ai}, {'tuple(t)' if src == 't' else 's'}))")
    return out


def _guarded(cond: Expr | None, stmt: str, pre: str) -> str:
    return stmt if cond is None else f"if {py(cond, 't', pre)}: {stmt}"
