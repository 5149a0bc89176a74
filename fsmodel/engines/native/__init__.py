"""The native explicit-state engine (``--engine explicit``): the spec compiled to C once per
check (``cgen``), built by the system compiler and loaded with cffi (``compiler``), searched
breadth-first by ``runtime.c`` on every core.

It explores the same quotient graph as the Python engine (``pybfs``), in the same order, so
the counts, the verdicts and the traces are the same; each trace is re-executed from the
initial state by the Python code and rebuilt by ``trace.build_trace``.
"""
from __future__ import annotations

import os
import sys
import time

from ...lang.spec import Spec
from ..traces import build_trace
from .. import pybfs
from ..pycompile import compile_spec
from ..result import Interrupted, Progress, Reporter, Result, verdicts_of
from . import cgen
from .compiler import CompileError, Library, NoCompiler, build, ffi

LIMITS = {1: "--max-states", 2: "--max-seconds", 3: "a signal", 4: "--max-memory",
          6: "memory: an allocation failed"}


class SpecError(ValueError):
    """The spec wrote a value outside a variable's domain, or indexed out of range."""


def load(spec: Spec, symmetry: bool = True) -> Library:
    """The compiled spec (cached by source)."""
    return build(cgen.generate(spec, symmetry))


def check(spec: Spec, max_states: int = 0, max_seconds: float = 0.0,
          progress: Reporter | None = None, symmetry: bool = True, threads: int = 0,
          max_bytes: int = 0) -> Result:
    """Breadth-first search of every reachable state; stops when every property is violated.
    ``threads`` 0 means one per core.  Without a C compiler it says so on stderr, in one line,
    and runs the Python engine."""
    start = time.monotonic()
    try:
        library = load(spec, symmetry)
    except NoCompiler as e:
        print(f"fsmodel: {e}: using the Python engine", file=sys.stderr)
        return pybfs.check(spec, max_states, max_seconds, progress, symmetry, max_bytes)
    compile_seconds = time.monotonic() - start
    lib = library.lib
    failed: list[BaseException] = []     # what the progress reporter raised, first only
    report = ffi.NULL if progress is None else ffi.callback(
        "void(int64_t, int64_t, int64_t, int, double)",
        lambda *p: None if failed else progress(Progress(*p)),
        onerror=lambda kind, exc, tb: failed.append(exc))
    opts = ffi.new("fsm_opts *", {"max_states": max_states, "max_seconds": max_seconds,
                                  "max_bytes": max_bytes, "threads": threads or os.cpu_count() or 1,
                                  "symmetry": symmetry, "report": report})
    r = ffi.new("fsm_result *")
    handle = lib.fsm_search(opts, r)
    try:
        result = _result(spec, lib, handle, r, symmetry, max_states, max_seconds, max_bytes)
    finally:
        lib.fsm_release(handle)
    result.compile_seconds = round(compile_seconds, 3)
    if failed:      # raised in C's call back, where it cannot propagate: raised here, as
        raise failed[0]   # the Python engine raises it
    if r.limit == 3:
        raise Interrupted(result)
    return result


def _result(spec: Spec, lib, handle, r, symmetry: bool, max_states: int, max_seconds: float,
            max_bytes: int) -> Result:
    if r.error in (1, 2):    # 3: out of memory, reported as the limit that stopped it
        raise SpecError(_spec_error(spec, r))
    if handle == ffi.NULL:
        raise MemoryError("the native engine could not start: out of memory")
    value = {1: max_states, 2: f"{max_seconds:g}", 3: "", 4: _size(max_bytes)}.get(r.limit, "")
    limit = f"{LIMITS[r.limit]} {value}".strip() if r.limit else ""
    found = {p.name: i for i, p in enumerate(spec.properties) if r.found_depth[i] >= 0}
    traces = {}
    if found:
        comp = compile_spec(spec)
        for name, pi in found.items():
            actions = ffi.new("int32_t[]", max(1, r.found_depth[pi]))
            n = lib.fsm_path(handle, pi, actions)
            path = _representatives(spec, lib, [actions[i] for i in range(n)], symmetry)
            traces[name] = build_trace(spec, comp, path, name, "native",
                                       comp.canon if symmetry else None)
    return Result(spec, "native", verdicts_of(spec, set(found), bool(r.complete)), traces,
                  r.generated, r.distinct, r.depth, round(r.seconds, 3), bool(r.complete),
                  limit, symmetry and bool(spec.symmetry or spec.pools), r.threads,
                  peak_bytes=r.peak_bytes, state_bytes=8 * r.nw, queue=r.queue)


def _representatives(spec: Spec, lib, actions: list[int], symmetry: bool
                     ) -> list[tuple[int, tuple]]:
    """The states the search reached along ``actions``, recomputed by the compiled code:
    what the Python re-execution must meet (so the C semantics are checked on every trace)."""
    n = len(spec.vars)
    state = ffi.new("int32_t[]", [int(v) for v in spec.init_state] or [0])
    out = []
    cap = len(spec.actions)
    states, acts = ffi.new("int32_t[]", max(1, cap * n)), ffi.new("int32_t[]", max(1, cap))
    for ai in actions:
        m = lib.fsm_successors_of(state, symmetry, states, acts, cap)
        hit = [k for k in range(min(m, cap)) if acts[k] == ai]
        if not hit:
            raise RuntimeError(f"native path: action {spec.actions[ai].label} not enabled")
        row = [states[hit[0] * n + i] for i in range(n)]
        out.append((ai, tuple(row)))
        state = ffi.new("int32_t[]", row or [0])
    return out


def _size(n: int) -> str:
    return f"{n / 2**30:.1f}G" if n >= 2**30 else f"{n >> 20}M"


def _spec_error(spec: Spec, r) -> str:
    act = spec.actions[r.err_action].label if 0 <= r.err_action < len(spec.actions) else "?"
    if r.error == 1:
        info = spec.vars[r.err_slot]
        return (f"spec {spec.name}: action {act} sets {info.var.name} to {r.err_value}, "
                f"outside its domain [{info.domain.lo}, {info.domain.hi}]")
    return f"spec {spec.name}: action {act} indexes an array at {r.err_value}, out of range"


__all__ = ["check", "load", "SpecError", "Interrupted", "CompileError", "NoCompiler"]
