"""Export a spec to Promela, so that SPIN checks the same transition system, and run SPIN.

The model is one process.  Its first step, ``d_step { check() }``, asserts the properties in
the initial state; then a ``do`` loop offers one ``d_step { guard -> updates; check() }`` per
ground action, so every action is one transition and each state after it is asserted.  A
counterexample of n actions is therefore violated by a transition out of a state at BFS
depth n (the initial check being the first step), and pan reports it "(at depth n)": the
depth pan prints is fsmodel's trace length.  The cost is one extra stored state, the initial
one before its check (same variables, another program counter).  ``spin -o2`` keeps the
variables that are written but never read in the state vector (SPIN hides them by default,
which merges states fsmodel tells apart; no verdict or length changes), so pan stores exactly
fsmodel's reachable states plus that one.

Variables are globals of the narrowest type holding their domain; an fsmodel array becomes
one flat Promela array.  Let-bound values are process locals that every d_step resets to 0 at
its end, so they hold 0 in every stored state and never tell two states apart (``hidden``
variables would not be stored, but pan refuses them under -DBFS).  ``printf`` names each
action: pan ignores it, and ``spin -t`` prints it when it replays a trail, so the trail reads
as fsmodel's trace.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..lang.expr import Bound, Const, Expr, Local, Op, Var, VarArray
from ..lang.spec import Action, Assign, Domain, Let, Property, Require, Spec, Store
from ..lang.visit import Fold, infix
from .analysis import interval, value_bits

_INFIX = {op: op for op in ("+", "-", "*", "%", "<", "<=", ">", ">=")} | {
    "//": "/", "and": "&&", "or": "||"}   # // and % of non-negatives only (value_bits checks)
_TESTS = frozenset({"==", "!=", "<", "<=", ">", ">=", "and", "or", "not"})

# Identifiers a name must not take: Promela's keywords and predefined names, C's keywords (a
# global is the C member ``now.name``) and the object-like macros of pan.c.
_RESERVED = frozenset("""
    active assert atomic bit bool break byte chan d_step D_proctype do else empty enabled
    eval false fi for full get_priority goto hidden if in init inline int len local ltl mtype
    nempty never nfull np_ od of pc_value print printf printm priority proctype provided
    remoterefs run select check set_priority short show skip timeout trace notrace true typedef
    unless unsigned xr xs c_code c_decl c_expr c_state c_track always eventually until weak
    stronger implies equivalent
    auto case char const continue default double enum extern float long register return
    signed sizeof static struct switch union void volatile while
    now depth trpt uchar uint ulong ushort final max mix rot cas rand pptr qptr q_sz
    wasnew getframe""".split())

PAN_MAX_DEPTH = 100_000   # pan's -m: BFS levels explored; none of the models comes close


class SpinUnavailable(RuntimeError):
    """``spin`` or ``gcc`` is not installed, so SPIN cannot check anything here."""


# -- names --------------------------------------------------------------------------------
def _ident(name: str, taken: set[str]) -> str:
    """A Promela identifier for ``name``, unique among ``taken`` (which it joins)."""
    out = re.sub(r"\W", "_", name).strip("_") or "v"
    if out[0].isdigit() or out in _RESERVED:
        out = "v_" + out
    base, n = out, 1
    while out in taken:
        n += 1
        out = f"{base}_{n}"
    taken.add(out)
    return out


class _Names:
    """Where each state variable lives in the model: a scalar, or an element of the flat
    Promela array made of its fsmodel array."""

    def __init__(self, spec: Spec) -> None:
        self.taken: set[str] = set()
        self.arrays: dict[str, list[int]] = {}       # fsmodel array -> its slots, in order
        for info in spec.vars:
            self.arrays.setdefault(info.array, []).append(info.var.slot)
        self.ident = {a: _ident(a, self.taken) for a in self.arrays}
        self.where: dict[int, tuple[str, int]] = {}  # slot -> (fsmodel array, flat offset)
        for a, slots in self.arrays.items():
            for k, slot in enumerate(slots):
                self.where[slot] = (a, k)
        self.scalar = {a for a in self.arrays if isinstance(spec.arrays.get(a), Var)}
        self.domain = {info.var.slot: info.domain for info in spec.vars}
        self.labels = {(a, i): _ident(f"{a}_{label}", self.taken)
                       for a, slots in self.arrays.items()
                       for i, label in enumerate(self.domain[slots[0]].labels)}

    def ref(self, slot: int) -> str:
        a, k = self.where[slot]
        return self.ident[a] if a in self.scalar else f"{self.ident[a]}[{k}]"

    def run(self, elems: tuple[Expr, ...]) -> tuple[str, int] | None:
        """(array, first offset) if ``elems`` are consecutive elements of one array."""
        if not elems or not all(isinstance(x, Var) for x in elems):
            return None
        places = [self.where[x.slot] for x in elems]  # type: ignore[attr-defined]
        a, first = places[0]
        if a in self.scalar or places != [(a, first + k) for k in range(len(places))]:
            return None
        return a, first

    def value(self, slot: int, v: int | bool) -> str:
        """A constant as a value of the variable at ``slot``: its enum label or literal."""
        d = self.domain[slot]
        if d.kind == "enum" and not isinstance(v, bool) and 0 <= v < len(d.labels):
            return self.labels[(self.where[slot][0], int(v))]
        return _literal(v)


def _literal(v: int | bool) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _ptype(lo: int, hi: int, boolean: bool) -> str:
    """The narrowest Promela type holding [lo, hi]."""
    if boolean:
        return "bool"
    for name, tlo, thi in (("bit", 0, 1), ("byte", 0, 255), ("short", -2**15, 2**15 - 1),
                           ("int", -2**31, 2**31 - 1)):
        if tlo <= lo and hi <= thi:
            return name
    raise ValueError(f"[{lo}, {hi}] does not fit a Promela int")


_PADDED = {"bool": 1, "bit": 1, "byte": 1, "short": 3, "int": 7}   # bytes, at most


# -- expressions --------------------------------------------------------------------------
class _Emitter(Fold[str]):
    """Promela text of expressions; ``inline`` renders locals as the values bound to them
    (for guards, which must be the d_step's first statement, before any let)."""

    def __init__(self, names: _Names, locals_: list[str],
                 inline: dict[int, str] | None = None) -> None:
        self.names, self.locals = names, locals_
        self.inline = {} if inline is None else inline
        super().__init__(infix(_INFIX) | {
            "==": self.equal, "!=": self.equal, "not": lambda e, a: f"(!{a})",
            "neg": lambda e, a: f"(-{a})", "ite": lambda e, c, a, b: f"({c} -> {a} : {b})",
            "index": self.index})

    def expr(self, e: Expr) -> str:
        return self(e)

    def const(self, e: Const) -> str:   # a Bound too: the model is for its value
        return _literal(e.value)

    def var(self, e: Var) -> str:
        return self.names.ref(e.slot)

    def local(self, e: Local) -> str:
        return self.inline.get(e.index, self.locals[e.index])

    def equal(self, e: Op, a: str, b: str) -> str:
        """A comparison with a constant names an enum's value by its label."""
        if isinstance(e.args[1], Const):
            b = self.const_as(e.args[0], e.args[1])
        return f"({a} {e.op} {b})"

    def index(self, e: Op, i: str, *elems: str) -> str:
        """``elems[idx]``: an array element if they are one run of an array (pan checks the
        bound), else a chain of conditionals (out of range: the last, as ``select`` says)."""
        run = self.names.run(e.args[1:])
        if run is not None:
            arr, first = run
            return f"{self.names.ident[arr]}[{_offset(first, i)}]"
        out = elems[-1]
        for k in range(len(elems) - 2, -1, -1):
            out = f"(({i}) == {k} -> {elems[k]} : {out})"
        return out

    def const_as(self, target: Expr, c: Const) -> str:
        """``c`` as a value compared with or stored into ``target`` (enum labels by name)."""
        slot = _slot_of(target)
        return self.names.value(slot, c.value) if slot is not None else _literal(c.value)

    def value(self, target_slot: int, e: Expr) -> str:
        return self.names.value(target_slot, e.value) if isinstance(e, Const) else self.expr(e)


def _offset(first: int, idx: str) -> str:
    return idx if first == 0 else f"{first} + {idx}"


def _slot_of(e: Expr) -> int | None:
    """A slot standing for the values of ``e``: a variable, or the first of an index over
    variables (one fsmodel array, one domain)."""
    if isinstance(e, Var):
        return e.slot
    if isinstance(e, Op) and e.op == "index" and isinstance(e.args[1], Var):
        return e.args[1].slot
    return None


# -- the model ----------------------------------------------------------------------------
def to_promela(spec: Spec, property: str | None = None) -> str:
    """The Promela model of ``spec``, asserting ``property`` (default: every property; pan
    then reports the first one violated in BFS order)."""
    props = [p for p in spec.properties if property in (None, p.name)]
    if property is not None and not props:
        raise ValueError(f"{spec.name} has no property {property!r}")
    bits = value_bits(spec)   # also refuses // and % of negative values (C truncates)
    if bits > 32:
        raise ValueError(f"{spec.name}: values need {bits} bits, more than a Promela int")
    names = _Names(spec)
    ltypes = _local_types(spec)
    locals_ = [_ident(f"l{i}", names.taken) for i in range(len(ltypes))]
    proc = _ident("fsmodel", names.taken)
    out = _header(spec, props)
    out += _declarations(spec, names)
    out += ["", "/* the properties: invariants, asserted in every state */", "inline check() {"]
    em = _Emitter(names, locals_)
    out += [f"  assert({em.expr(p.holds)}){';' if k + 1 < len(props) else ''}   /* "
            f"{_comment(p.name)}: {_comment(p.doc)} */" for k, p in enumerate(props)] or ["  skip"]
    out += ["}", "", f"active proctype {proc}()", "{"]
    for name, t in zip(locals_, ltypes):
        out.append(f"  {t} {name};   /* let-bound, 0 between actions */")
    out += ["  d_step { check() };   /* the initial state */", "end:", "  do"]
    for ai, act in enumerate(spec.actions):
        out += _action(ai, act, names, locals_)
    out += ["  od", "}"]
    return "\n".join(out) + "\n"


def _header(spec: Spec, props: list[Property]) -> list[str]:
    bounds: dict[str, int] = {}
    for e in _all_exprs(spec):
        _bounds(e, bounds)
    meta = {k: v for k, v in spec.meta.items() if k not in ("lanes", "actor_lanes")}
    lines = [f"fsmodel spec {spec.name}, exported to Promela by fsmodel.engines.promela."]
    if spec.doc:
        lines.append(" ".join(spec.doc.split()))
    lines += [f"{k}: {json.dumps(v, sort_keys=True)}" for k, v in sorted(meta.items())]
    lines.append("bounds read: " + (", ".join(f"{k}={v}" for k, v in sorted(bounds.items()))
                                    or "none"))
    lines += [f"{len(spec.vars)} state variables, {len(spec.actions)} actions; asserts "
              + ", ".join(p.name for p in props) + ".",
              "",
              "Each action is one d_step, so pan's BFS depth of a violation ('at depth n')",
              "is the number of actions from the initial state.  pan stores one state more",
              "than fsmodel (the initial one, before and after its check), if spin's -o2",
              "keeps the write-only variables (without it: same verdicts, fewer states).",
              "Run:",
              (f"  spin -o2 -a {_filename(spec.name)}.pml && gcc -DBFS -DSAFETY -O2 -o pan "
               f"pan.c && ./pan -m{PAN_MAX_DEPTH} -n"),
              (f"  spin -t -T {_filename(spec.name)}.pml   (replays the trail, printing "
               "each action)")]
    return ["/* " + _comment(lines[0])] + [" * " + _comment(x) if x else " *"
                                            for x in lines[1:]] + [" */"]


def _comment(text: str) -> str:
    return text.replace("*/", "* /")


def _all_exprs(spec: Spec) -> list[Expr]:
    out = [p.holds for p in spec.properties]
    for act in spec.actions:
        for ins in act.program:
            out += [getattr(ins, f) for f in ("cond", "value", "idx")
                    if getattr(ins, f, None) is not None]
    return out


def _bounds(e: Expr, out: dict[str, int]) -> None:
    if isinstance(e, Bound):
        out[e.name] = int(e.value)
    elif isinstance(e, Op):
        for x in e.args:
            _bounds(x, out)


def _declarations(spec: Spec, names: _Names) -> list[str]:
    """One global per fsmodel array (flattened) or scalar, typed by its domain; enum labels
    as macros."""
    out = ["", "/* the state: one variable per fsmodel variable or array, flattened */"]
    for a, slots in names.arrays.items():
        d = names.domain[slots[0]]
        out += [f"#define {names.labels[(a, i)]} {i}" for i in range(len(d.labels))]
        inits = [names.value(s, spec.vars[s].init) for s in slots]
        init = inits[0] if len(set(inits)) == 1 else "{" + ", ".join(inits) + "}"
        size = "" if a in names.scalar else f"[{len(slots)}]"
        out.append(f"{_ptype(d.lo, d.hi, d.kind == 'bool')} {names.ident[a]}{size} = {init};"
                   f"   /* {_layout(a, spec.arrays[a])}: {_describe(d)} */")
    return out


def _layout(name: str, arr: Var | VarArray) -> str:
    """The fsmodel array's shape and, for two or more dimensions, its row-major flattening:
    ``page[2][3], page[i][j] at [3*i + j]``."""
    shape = []
    while isinstance(arr, VarArray):
        shape.append(len(arr))
        arr = arr.items[0]
    out = name + "".join(f"[{n}]" for n in shape)
    if len(shape) < 2:
        return out
    idx = [f"i{k}" for k in range(len(shape))]
    strides = [math.prod(shape[k + 1:]) for k in range(len(shape))]
    flat = " + ".join(i if m == 1 else f"{m}*{i}" for i, m in zip(idx, strides))
    return f"{out}, {name}{''.join(f'[{i}]' for i in idx)} at [{flat}]"


def _describe(d: Domain) -> str:
    if d.kind == "bool":
        return "bool"
    if d.kind == "enum":
        return "enum {" + ", ".join(d.labels) + "}"
    return f"int {d.lo}..{d.hi}" + (f", {d.none} = none" if d.none is not None else "")


def _local_types(spec: Spec) -> list[str]:
    """A type per local index, wide enough for what any action binds there."""
    domains = [(int(i.domain.lo), int(i.domain.hi)) for i in spec.vars]
    hull: dict[int, tuple[int, int, bool]] = {}
    for act in spec.actions:
        env: dict[int, tuple[int, int]] = {}
        for ins in act.program:
            if not isinstance(ins, Let):
                continue
            lo, hi = interval(ins.value, domains, env)
            if ins.cond is not None:
                lo, hi = min(lo, 0), max(hi, 0)
            env[ins.local.index] = (lo, hi)
            test = isinstance(ins.value, Op) and ins.value.op in _TESTS
            old = hull.get(ins.local.index, (lo, hi, test))
            hull[ins.local.index] = (min(old[0], lo), max(old[1], hi), old[2] and test)
    return [_ptype(*hull.get(i, (0, 0, False))) for i in range(max(hull, default=-1) + 1)]


def _action(ai: int, act: Action, names: _Names, locals_: list[str]) -> list[str]:
    """``:: d_step { guard -> updates; reset locals; check() }``.  The guard (every require,
    with the lets before it inlined) is the first statement, the only one that may block."""
    bound: dict[int, str] = {}
    ge, em = _Emitter(names, locals_, bound), _Emitter(names, locals_)
    guards: list[str] = []
    body: list[Let | Assign | Store] = []
    for ins in act.program:
        if isinstance(ins, Require):
            if any(isinstance(x, (Assign, Store)) for x in body):
                raise ValueError(f"{act.label}: a require after an update")
            guards.append(ge.expr(ins.cond))
            continue
        if isinstance(ins, Let):
            text = ge.expr(ins.value)
            bound[ins.local.index] = text if ins.cond is None else \
                f"({ge.expr(ins.cond)} -> {text} : 0)"
        body.append(ins)
    stmts = [f'printf("action: {_printf(act.label)}\\n")']
    stmts += _updates(body, em, names)
    stmts += [f"{locals_[i]} = 0" for i in range(act.nlocals)]
    stmts.append("check()")
    guard = " && ".join(guards)
    head = f"  :: d_step {{   /* {ai}: {_comment(act.label)}" + \
        (f", by {_comment(act.actor)}" if act.actor else "") + " */"
    lines = [head]
    if guard:
        lines.append(f"       {guard} ->")
    lines += [f"       {s};" for s in stmts[:-1]] + [f"       {stmts[-1]}", "     }"]
    return lines


def _printf(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")


def _updates(body: list[Let | Assign | Store], em: _Emitter, names: _Names) -> list[str]:
    """Statements for lets, assignments and stores in order; a run of instructions under one
    condition that reads no state variable (a when() block) shares one ``if``."""
    out: list[str] = []
    k = 0
    while k < len(body):
        cond = body[k].cond
        if cond is None:
            out.append(_update(body[k], em, names))
            k += 1
            continue
        text = em.expr(cond)
        j = k + 1
        if not _reads_state(cond):
            while j < len(body) and body[j].cond is not None and em.expr(body[j].cond) == text:
                j += 1
        run = body[k:j]
        then = "; ".join(_update(x, em, names) for x in run)
        zero = [f"{em.expr(x.local)} = 0" for x in run if isinstance(x, Let)]
        out.append(f"if :: {text} -> {then} :: else -> {'; '.join(zero) or 'skip'} fi")
        k = j
    return out


def _update(ins: Let | Assign | Store, em: _Emitter, names: _Names) -> str:
    if isinstance(ins, Let):
        return f"{em.expr(ins.local)} = {em.expr(ins.value)}"
    if isinstance(ins, Assign):
        return f"{names.ref(ins.var.slot)} = {em.value(ins.var.slot, ins.value)}"
    run = names.run(ins.vars)
    if run is None:
        raise ValueError("a dynamic store needs an array of consecutive variables")
    arr, first = run
    return (f"{names.ident[arr]}[{_offset(first, em.expr(ins.idx))}] = "
            f"{em.value(ins.vars[0].slot, ins.value)}")


def _reads_state(e: Expr) -> bool:
    return isinstance(e, Var) or (isinstance(e, Op) and any(_reads_state(x) for x in e.args))


# -- running SPIN -------------------------------------------------------------------------
@dataclass
class SpinRun:
    """One pan run, asserting one property."""
    verdict: str                 # holds | violated | unknown
    length: int | None           # actions from the initial state to the violation
    trace: tuple[str, ...]       # their labels, from replaying the trail with spin -t
    stored: int                  # pan's "states, stored" (fsmodel's distinct + 1)
    matched: int                 # pan's "states, matched"
    search_seconds: float        # ./pan, wall clock
    compile_seconds: float       # spin -a and gcc
    note: str = ""               # why the verdict is unknown
    output: str = ""             # pan's standard output
    peak_rss: int = 0            # pan's peak resident memory, bytes


@dataclass
class SpinResult:
    """Per-property verdicts and lengths; the counts and times are summed over the runs."""
    verdicts: dict[str, str]
    lengths: dict[str, int | None]
    runs: dict[str, SpinRun]     # per property, one model and compile each
    total_seconds: float

    @property
    def stored(self) -> int:
        return sum(r.stored for r in self.runs.values())

    @property
    def matched(self) -> int:
        return sum(r.matched for r in self.runs.values())

    @property
    def search_seconds(self) -> float:
        return sum(r.search_seconds for r in self.runs.values())

    @property
    def compile_seconds(self) -> float:
        return sum(r.compile_seconds for r in self.runs.values())


def run_spin(spec: Spec, property: str | None = None,
             workdir: str | Path | None = None, max_seconds: float = 600.0,
             cflags: Sequence[str] = ("-O2",)) -> SpinResult:
    """Check ``property`` (default: each property, one model and compile apiece, so that each
    gets its own shortest counterexample) with SPIN's breadth-first search, all within
    ``max_seconds``.  Files stay in ``workdir`` if given (a subdirectory per property).
    ``cflags`` go to gcc after -DBFS -DSAFETY: -DCOLLAPSE or -DMEMLIM=<MB> for large models,
    -O0 for small ones (pan.c then compiles in a quarter of the time)."""
    _require_tools()
    start = time.monotonic()
    names = [property] if property is not None else [p.name for p in spec.properties]
    with tempfile.TemporaryDirectory(prefix="fsmodel-spin-") as tmp:
        root = Path(workdir) if workdir is not None else Path(tmp)
        runs = {n: _run_one(spec, n, root / _filename(n), start + max_seconds, cflags)
                for n in names}
    return SpinResult({n: r.verdict for n, r in runs.items()},
                      {n: r.length for n, r in runs.items()}, runs, time.monotonic() - start)


def _require_tools() -> None:
    for tool in ("spin", "gcc"):
        if shutil.which(tool) is None:
            raise SpinUnavailable(f"'{tool}' is not installed (Debian: apt-get install spin gcc)")


def _filename(name: str) -> str:
    return re.sub(r"[^\w.-]", "_", name)


def run_pan(spec: Spec, prop: str | None = None, where: Path | None = None,
            max_seconds: float = 600.0, cflags: Sequence[str] = ("-O2",)) -> SpinRun:
    """One model asserting ``prop`` (default: every property, so that one search answers for
    all of them, as the benchmark times it), compiled and searched once."""
    _require_tools()
    with tempfile.TemporaryDirectory(prefix="fsmodel-spin-") as tmp:
        return _run_one(spec, prop, Path(where or tmp), time.monotonic() + max_seconds, cflags)


def _run_one(spec: Spec, prop: str | None, where: Path, deadline: float,
             cflags: Sequence[str]) -> SpinRun:
    where.mkdir(parents=True, exist_ok=True)
    model = f"{_filename(spec.name)}.pml"
    (where / model).write_text(to_promela(spec, prop))
    t0 = time.monotonic()
    try:
        _tool(["spin", "-o2", "-a", model], where, deadline)
        _tool(["gcc", "-DBFS", "-DSAFETY", *_vectorsz(spec), *cflags, "-o", "pan", "pan.c"],
              where, deadline)
        t1 = time.monotonic()
        out, rss = _measured(["./pan", f"-m{PAN_MAX_DEPTH}", "-n"], where, deadline)
        run = _parse(out, t1 - t0, time.monotonic() - t1)
        run.peak_rss = rss
        if run.verdict == "violated":
            run.trace = _replay(model, where, deadline)
    except subprocess.TimeoutExpired as e:
        return SpinRun("unknown", None, (), 0, 0, 0.0, time.monotonic() - t0,
                       f"{e.cmd[0]} timed out")
    if run.verdict == "violated" and len(run.trace) != run.length:
        raise RuntimeError(f"spin: the trail has {len(run.trace)} actions, pan reported "
                           f"depth {run.length}")
    return run


def _measured(cmd: list[str], where: Path, deadline: float) -> tuple[str, int]:
    """``_tool``, and the peak RSS of that process alone (wait4's accounting)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=where, stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                raise subprocess.TimeoutExpired(cmd, 0)
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {where}:\n{text}")
    return text, usage.ru_maxrss * 1024


def _vectorsz(spec: Spec) -> list[str]:
    """-DVECTORSZ if the state vector may exceed pan's default 1024 bytes: every variable and
    local with its worst alignment padding, plus the process and pan's own fields."""
    types = [_ptype(i.domain.lo, i.domain.hi, i.domain.kind == "bool") for i in spec.vars]
    size = 64 + sum(_PADDED[t] for t in types + _local_types(spec))
    return [f"-DVECTORSZ={-(-size // 1024) * 1024}"] if size > 1024 else []


def _tool(cmd: list[str], where: Path, deadline: float) -> str:
    """Run ``cmd`` in ``where``; its standard output.  pan exits 0 whatever it found."""
    p = subprocess.run(cmd, check=False, cwd=where, capture_output=True, text=True,
                       timeout=max(0.01, deadline - time.monotonic()))
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {where}:\n{p.stdout}{p.stderr}")
    return p.stdout


_COUNT = r"(\d+(?:\.\d+)?(?:e\+\d+)?)"   # pan prints 36958740, and 3.3678235e+08
_VIOLATED = re.compile(r"^pan:\d+: assertion violated .* \(at depth (\d+)\)$", re.MULTILINE)
_INCOMPLETE = ("error: max search depth too small", "pan: out of memory",
               "pan: reached -DMEMLIM bound", "Warning: Search not completed")


def _parse(out: str, compile_seconds: float, search_seconds: float) -> SpinRun:
    """pan's verdict: a violation at depth n is n actions (see the module's docstring); no
    error and no truncation is a proof over the whole reachable state space."""
    stored = re.search(rf"^\s*{_COUNT} states, stored", out, re.MULTILINE)
    matched = re.search(rf"^\s*{_COUNT} states, matched", out, re.MULTILINE)
    if stored is None or matched is None:
        raise RuntimeError(f"pan's output has no state counts:\n{out}")
    counts = round(float(stored.group(1))), round(float(matched.group(1)))
    hit = _VIOLATED.search(out)
    if hit is not None:
        return SpinRun("violated", int(hit.group(1)), (), *counts, search_seconds,
                       compile_seconds, output=out)
    if re.search(r"^pan:\d+: ", out, re.MULTILINE):
        raise RuntimeError(f"pan reported an error that is not an assertion:\n{out}")
    note = next((w for w in _INCOMPLETE if w in out), "")
    return SpinRun("unknown" if note else "holds", None, (), *counts, search_seconds,
                   compile_seconds, note, out)


def _replay(model: str, where: Path, deadline: float) -> tuple[str, ...]:
    """The actions of pan's trail, as ``spin -t`` prints them replaying it (the initial
    check prints nothing, each action its label)."""
    out = _tool(["spin", "-t", "-T", model], where, deadline)
    return tuple(m.group(1) for m in re.finditer(r"^action: (.*)$", out, re.MULTILINE))
