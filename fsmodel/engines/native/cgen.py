"""Compile a spec to C once per check, as SPIN compiles a model to pan.c.

A state is packed into 64-bit words: each variable a bit field as wide as its domain needs
(``hi - lo``), never straddling a word.  Successor generation unpacks the parent once into an
``int32_t`` vector ``S``; each enabled action copies it to ``T``, applies its updates to ``T``
and to the packed copy ``t`` at once (reads see earlier updates, as in every engine), and
hands ``t`` to the runtime.  A write outside the variable's domain, or a dynamic index out of
range, stops the check with an error instead of wrapping silently.  The symmetry and pool
reductions are tables the runtime applies exactly as ``pycompile._canon`` does, so both
engines explore the same quotient graph and report the same traces.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...lang.expr import Const, Expr, Local, Op, Var
from ...lang.spec import Action, Assign, Let, Require, Spec, Store
from ...lang.visit import COMPARISONS, Fold, infix
from ..pycompile import _contiguous

_INFIX = {op: op for op in ("+", "-", "*") + COMPARISONS} | {"and": "&&", "or": "||"}


@dataclass(frozen=True)
class Field:
    """Where a variable lives in the packed state."""
    word: int
    shift: int
    width: int
    lo: int
    hi: int


def layout(spec: Spec) -> list[Field]:
    """First fit in slot order: a field starts a new word when it does not fit the current."""
    out, word, shift = [], 0, 0
    for info in spec.vars:
        lo, hi = int(info.domain.lo), int(info.domain.hi)
        width = max(1, (hi - lo).bit_length())
        if shift + width > 64:
            word, shift = word + 1, 0
        out.append(Field(word, shift, width, lo, hi))
        shift += width
    return out


def words(fields: list[Field]) -> int:
    return fields[-1].word + 1 if fields else 1


class Emitter(Fold[str]):
    """C source for expressions, reading slot i from the array named ``src``; locals are
    ``{prefix}{index}``.  // and % keep Python's floor semantics; a dynamic index out of
    range is a spec error at run time."""

    def __init__(self, prefix: str, src: str = "S") -> None:
        self.prefix, self.src = prefix, src
        super().__init__(infix(_INFIX) | {
            "//": lambda e, a, b: f"fsm_div({a}, {b})", "%": lambda e, a, b: f"fsm_mod({a}, {b})",
            "not": lambda e, a: f"(!{a})", "neg": lambda e, a: f"(-{a})",
            "ite": lambda e, c, a, b: f"({c} ? {a} : {b})", "index": self.index})

    def c(self, e: Expr, src: str) -> str:
        self.src = src
        return self(e)

    def const(self, e: Const) -> str:
        return str(int(e.value))

    def var(self, e: Var) -> str:
        return f"{self.src}[{e.slot}]"

    def local(self, e: Local) -> str:
        return f"{self.prefix}{e.index}"

    def index(self, e: Op, i: str, *elems: str) -> str:
        n = len(elems)
        base = _contiguous(e.args[1:])
        if base is not None:
            return f"{self.src}[{base} + FSM_IDX({i}, {n})]"
        out = elems[-1]
        for k in range(n - 2, -1, -1):
            out = f"(FSM_IDX({i}, {n}) == {k} ? {elems[k]} : {out})"
        return out


_COPY = "memcpy(T, S, sizeof(int32_t) * FSM_NVARS); memcpy(t, s, sizeof(uint64_t) * FSM_NW);"


def _set(f: Field, slot: int, value: str) -> str:
    """``slot := value`` in T and in the packed t, with the domain check, constants inline."""
    mask = (1 << f.width) - 1
    return (f"{{ const int32_t v = {value}; "
            f"if ((uint32_t)(v - ({f.lo})) > {f.hi - f.lo}u) fsm_spec_error(w, 1, {slot}, v); "
            f"T[{slot}] = v; t[{f.word}] = (t[{f.word}] & ~({mask}ull << {f.shift})) | "
            f"(((uint64_t)(uint32_t)(v - ({f.lo})) & {mask}ull) << {f.shift}); }}")


def _action(ai: int, act: Action, fields: list[Field]) -> list[str]:
    """One action: guards nest as ``if`` blocks; updates go to T and t; then FSM_EMIT."""
    em = Emitter(f"a{ai}_")
    out, ind, src = [f"  /* {ai}: {act.label} */", "  {"], "    ", "S"
    closes = 1
    decl = [f"{em.prefix}{i}" for i in range(act.nlocals)]
    if decl:
        out.append(ind + "int32_t " + ", ".join(f"{d} = 0" for d in decl) + ";")
        out.append(ind + "(void)" + ", (void)".join(decl) + ";")
    for ins in act.program:
        if isinstance(ins, Require):
            out.append(f"{ind}if ({em.c(ins.cond, src)}) {{")
            ind += "  "
            closes += 1
            continue
        if src == "S" and isinstance(ins, (Assign, Store)):
            out.append(f"{ind}{_COPY} w->action = {ai};")
            src = "T"
        guard = "" if ins.cond is None else f"if ({em.c(ins.cond, src)}) "
        if isinstance(ins, Let):
            value = em.c(ins.value, src)
            if ins.cond is not None:
                value = f"({em.c(ins.cond, src)} ? {value} : 0)"
            out.append(f"{ind}{em.prefix}{ins.local.index} = {value};")
        elif isinstance(ins, Assign):
            slot = ins.var.slot
            out.append(f"{ind}{guard}{_set(fields[slot], slot, em.c(ins.value, 'T'))}")
        elif isinstance(ins, Store):
            base = _contiguous(ins.vars)
            if base is None:
                raise ValueError("a dynamic store needs an array of consecutive variables")
            idx = f"FSM_IDX({em.c(ins.idx, 'T')}, {len(ins.vars)})"
            out.append(f"{ind}{guard}FSM_SET({base} + {idx}, {em.c(ins.value, 'T')});")
    if src == "S":   # no update: the successor is the state itself
        out.append(f"{ind}{_COPY}")
    out.append(f"{ind}FSM_EMIT({ai});")
    for _ in range(closes):
        ind = ind[:-2]
        out.append(f"{ind}}}")
    return out


def _table(name: str, ctype: str, rows: list[list[int]]) -> str:
    if not rows or not rows[0]:
        return f"static const {ctype} {name}[1][1] = {{{{0}}}};"
    body = ", ".join("{" + ", ".join(map(str, r)) + "}" for r in rows)
    return f"static const {ctype} {name}[{len(rows)}][{len(rows[0])}] = {{{body}}};"


def _canon_tables(spec: Spec, symmetry: bool) -> list[str]:
    """The declared symmetries (records sorted, names renamed) and pools (slots relabelled),
    as data for ``fsm_canon``."""
    groups = spec.symmetry if symmetry else []
    pools = spec.pools if symmetry else []
    out = [f"#define FSM_NGROUPS {len(groups)}", f"#define FSM_NPOOLS {len(pools)}"]
    if groups:
        nrec = max(len(g.records) for g in groups)
        rlen = max(len(g.records[0]) for g in groups)
        slots = [[list(r) + [-1] * (rlen - len(r)) for r in g.records]
                 + [[-1] * rlen] * (nrec - len(g.records)) for g in groups]
        refs = [[gi, r.slot, r.base, r.stride, *(r.live or (-1, 0))]
                for gi, g in enumerate(groups) for r in g.refs]
        out += [f"#define FSM_GMAXREC {nrec}", f"#define FSM_GMAXLEN {rlen}",
                f"#define FSM_NREFS {len(refs)}",
                _table("FSM_GSIZE", "int16_t", [[len(g.records), len(g.records[0])]
                                                 for g in groups]),
                f"static const int16_t FSM_GSLOT[{len(groups)}][{nrec}][{rlen}] = {{"
                + ", ".join("{" + ", ".join("{" + ", ".join(map(str, r)) + "}" for r in g)
                            + "}" for g in slots) + "};",
                _table("FSM_REF", "int16_t", refs or [[0] * 6])]
    if pools:
        nrec = max(len(p.records) for p in pools)
        rlen = max(len(r) for p in pools for r in p.records)
        nhold = max(len(p.holders) for p in pools)
        recs, holders, meta = [], [], []
        for p in pools:
            rows = [list(r) + [-1] * (rlen - len(r)) for r in p.records]
            rows += [[-1] * rlen] * (nrec - len(rows))
            recs.append("{" + ", ".join("{" + ", ".join(map(str, r)) + "}" for r in rows) + "}")
            hs = [[h, -1 if w is None else w, v] for h, w, v in p.holders]
            hs += [[-1, -1, 0]] * (nhold - len(hs))
            holders.append("{" + ", ".join("{" + ", ".join(map(str, h)) + "}" for h in hs)
                           + "}")
            meta.append(f"{{{len(p.records)}, {len(p.holders)}, {p.none}}}")
        out += [f"#define FSM_POOLREC {nrec}", f"#define FSM_POOLRLEN {rlen}",
                f"#define FSM_POOLHOLD {nhold}",
                f"static const int16_t FSM_POOL[{len(pools)}][{nrec}][{rlen}] = "
                f"{{{', '.join(recs)}}};",
                f"static const int16_t FSM_HOLD[{len(pools)}][{nhold}][3] = "
                f"{{{', '.join(holders)}}};",
                f"static const int16_t FSM_POOLMETA[{len(pools)}][3] = {{{', '.join(meta)}}};"]
    return out


def _key_words(fields: list[Field], slots: tuple[int, ...]) -> list[list[tuple[int, int]]]:
    """A record's fields packed most significant first into 64-bit words, a field never
    straddling two: (slot, shift) per field, so that comparing the words in order is
    comparing the tuples of values (Python's order)."""
    out: list[list[tuple[int, int]]] = [[]]
    free = 64
    for slot in slots:
        width = fields[slot].width
        if width > free:
            out.append([])
            free = 64
        free -= width
        out[-1].append((slot, free))
    return out


def _canon(spec: Spec, fields: list[Field], symmetry: bool) -> list[str]:
    """``fsm_canon``: what ``pycompile._canon`` does, with record comparisons on keys built
    by straight-line code; the rare moves go through the runtime's table-driven helpers."""
    out = ["static int fsm_canon(int32_t *T) {", "  int changed = 0;", "  (void)T;"]
    for g, sym in enumerate(spec.symmetry if symmetry else []):
        n = len(sym.records)
        keys = [_key_words(fields, r) for r in sym.records]
        kw = max(len(k) for k in keys)
        out += [f"  {{ /* symmetry {g}: {n} records */",
                f"    uint64_t k[{n}][{kw}] = {{{{0}}}};"]
        for i, words_ in enumerate(keys):
            for w, parts in enumerate(words_):
                terms = " | ".join(f"((uint64_t)(uint32_t)(T[{slot}] - ({fields[slot].lo})) "
                                   f"<< {shift})" for slot, shift in parts)
                out.append(f"    k[{i}][{w}] = {terms or '0'};")
        out += [f"    int order[{n}];",
                f"    for (int i = 0; i < {n}; i++) order[i] = i;",
                f"    for (int i = 1; i < {n}; i++) {{",
                "      int x = order[i], j = i - 1;",
                f"      for (; j >= 0 && fsm_key_gt(k[order[j]], k[x], {kw}); j--) "
                "order[j + 1] = order[j];",
                "      order[j + 1] = x;",
                "    }",
                f"    for (int i = 0; i < {n}; i++)",
                f"      if (order[i] != i) {{ fsm_permute_group(T, {g}, order); changed = 1; "
                "break; }",
                "  }"]
    for p, pool in enumerate(spec.pools if symmetry else []):
        nrec = len(pool.records)
        out += [f"  {{ /* pool {p}: {nrec} slots */",
                f"    int m[{nrec}], nm = 0, moved = 0;",
                f"    for (int i = 0; i < {nrec}; i++) m[i] = -1;"]
        for h, w, val in pool.holders:
            when = "" if w is None else f"T[{w}] == {val} && "
            out.append(f"    {{ const int32_t v = T[{h}]; if ({when}v != {pool.none} && "
                       f"v >= 0 && v < {nrec} && m[v] < 0) {{ m[v] = nm; moved |= v != nm; "
                       "nm++; } }")
        out += [f"    if (moved) {{ fsm_relabel_pool(T, {p}, m); changed = 1; }}", "  }"]
    out += ["  return changed;", "}"]
    return out


def generate(spec: Spec, symmetry: bool = True) -> str:
    """The C translation unit for ``spec``: constants, tables, successors, properties; the
    runtime (``runtime.c``) is included after it and drives the search."""
    fields = layout(spec)
    nw = words(fields)
    lines = [f"/* fsmodel: {spec.name}, generated; do not edit */",
             "#include <stdint.h>", "#include <string.h>",
             f"#define FSM_NVARS {len(spec.vars)}", f"#define FSM_NW {nw}",
             f"#define FSM_NACTIONS {len(spec.actions)}",
             f"#define FSM_NPROPS {len(spec.properties)}"]
    cols = list(zip(*[(f.word, f.shift, f.width, f.lo, f.hi - f.lo) for f in fields])) \
        or [(), (), (), (), ()]
    for name, ctype, col in zip(("FSM_WORD", "FSM_SHIFT", "FSM_WIDTH", "FSM_LO", "FSM_RANGE"),
                                ("uint8_t", "uint8_t", "uint8_t", "int32_t", "uint32_t"), cols):
        lines.append(f"static const {ctype} {name}[FSM_NVARS + 1] = "
                     f"{{{', '.join(map(str, col))}{', ' if col else ''}0}};")
    init = [int(v) for v in spec.init_state]
    lines.append(f"static const int32_t FSM_INIT[FSM_NVARS + 1] = "
                 f"{{{', '.join(map(str, init))}{', ' if init else ''}0}};")
    lines += _canon_tables(spec, symmetry)
    lines.append('#include "runtime.h"')
    lines.append("static inline void fsm_unpack(const uint64_t *s, int32_t *S) {")
    for i, f in enumerate(fields):
        mask = (1 << f.width) - 1
        lines.append(f"  S[{i}] = (int32_t)((s[{f.word}] >> {f.shift}) & {mask}ull) + ({f.lo});")
    lines.append("}")
    lines.append("static inline void fsm_pack(const int32_t *S, uint64_t *s) {")
    lines.append("  memset(s, 0, sizeof(uint64_t) * FSM_NW);")
    for i, f in enumerate(fields):
        mask = (1 << f.width) - 1
        lines.append(f"  s[{f.word}] |= ((uint64_t)(uint32_t)(S[{i}] - ({f.lo})) & {mask}ull)"
                     f" << {f.shift};")
    lines.append("}")
    lines.append("static inline int fsm_violated(const int32_t *S) {")
    lines.append("  int bad = 0;")
    em = Emitter("p_")
    for pi, prop in enumerate(spec.properties):
        lines.append(f"  if (!({em.c(prop.holds, 'S')})) bad |= {1 << pi};")
    lines.append("  return bad;")
    lines.append("}")
    lines.append("static void fsm_successors(fsm_worker *w, const uint64_t *s, "
                 "const int32_t *S) {")
    lines.append("  int32_t T[FSM_NVARS + 1]; uint64_t t[FSM_NW];")
    lines.append("  (void)T; (void)t;")
    for ai, act in enumerate(spec.actions):
        lines += _action(ai, act, fields)
    lines.append("}")
    lines.append('#include "runtime.c"')
    lines += _canon(spec, fields, symmetry)
    return "\n".join(lines) + "\n"
