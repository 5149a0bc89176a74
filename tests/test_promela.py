"""The Promela export against the explicit engine: SPIN finds the same verdicts, the same
shortest counterexamples and the same reachable states."""
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from fsmodel.run import registry
from fsmodel.engines import promela
from fsmodel.engines.promela import SpinUnavailable, run_spin, to_promela
from fsmodel.engines.pybfs import check
from fsmodel.engines.replay import replay
from fsmodel.lang.expr import Const, count, ite, select
from fsmodel.lang.spec import Bool, Enum, Int, Spec
from fsmodel.run.cells import DEFAULTS, build_spec

from helpers import is_engine, small

if shutil.which("spin") is None or shutil.which("gcc") is None:
    pytest.skip("SPIN checks need spin and gcc (Debian: apt-get install spin gcc)",
                allow_module_level=True)

SMALL = {"files": 1, "pages": 1, "writes": 1, "checkpoints": 1, "backends": 1, "queue": 1,
         "crashes": 1, "faults": 1}
SHIPPED_POLICIES = ["linux-4.13", "linux-4.16", "freebsd", "openbsd", "posix-strict"]
PATCH_POLICIES = ["linux-5.8", "openbsd", "posix-strict", "linux-4.16"]   # in turn
# Specs the export refuses, and why (native, Python and z3 still check them against each
# other): WiredTiger's recovery opens its files after it has renamed and unlinked the turtle
# files, so its guards follow updates, which a Promela guard cannot.
NOT_EXPORTED = {"wiredtiger": "a require after an update"}


def _cells() -> list[tuple[str, str]]:
    """Every shipped spec under five policies (a storage engine under two), every patch under
    one (six policies in all; a patch on NFS, its own file system, under Linux, where NFS
    exists): at these bounds a cell costs a spin, gcc and pan run per property, a few tenths
    of a second each."""
    out = [(s, os) for s in sorted(set(registry.shipped()) - set(NOT_EXPORTED))
           for os in SHIPPED_POLICIES if not is_engine(s) or os in ("linux-4.16", "posix-strict")]
    out += [(p, "linux-5.8" if "fs" in entry.options else PATCH_POLICIES[k % len(PATCH_POLICIES)])
            for k, (p, entry) in enumerate(sorted(registry.patches().items()))]
    return out


def _build(spec_id: str, os: str) -> Spec:
    """The spec in its own scenario (a patch's file system, full-page writes, disabled
    behaviours and bounds), otherwise at the small bounds."""
    entry = registry.find(spec_id)
    bounds = small(spec_id, SMALL | entry.bounds)
    return build_spec(entry, os, DEFAULTS | {"bounds": bounds}, strict=False)[1]


@pytest.fixture(scope="module")
def results() -> dict:
    """Every cell checked by both engines, SPIN's runs two at a time (they are processes)."""
    specs = {cell: _build(*cell) for cell in _cells()}
    explicit = {cell: check(spec, progress=None, symmetry=False) for cell, spec in specs.items()}
    with ThreadPoolExecutor(2) as pool:   # -O0: these models compile 4x faster, run as fast
        spin = dict(zip(specs, pool.map(lambda s: run_spin(s, cflags=("-O0",)),
                                        specs.values())))
    return {cell: (specs[cell], explicit[cell], spin[cell]) for cell in specs}


@pytest.mark.crosscheck
@pytest.mark.parametrize("cell", _cells(), ids="/".join)
def test_spin_agrees_with_bfs(results, cell):
    """Same verdict and shortest length per property; SPIN's counterexample is an fsmodel
    trace violating the property; where a property holds, pan stored every state fsmodel
    reached, plus the initial one before its check."""
    spec, res, spin = results[cell]
    lengths = {p: (res.traces[p].length if p in res.traces else None) for p in res.verdicts}
    assert spin.verdicts == res.verdicts
    assert spin.lengths == lengths
    for name, run in spin.runs.items():
        if run.verdict == "violated":
            r = replay(spec, list(run.trace))
            assert r.complete and name in r.violated, (name, run.trace)
        else:
            assert res.complete and run.stored == res.distinct + 1


def test_every_spec_patch_and_four_policies_are_covered():
    cells = _cells()
    assert {s for s, _ in cells} | set(NOT_EXPORTED) == \
        set(registry.shipped()) | set(registry.patches())
    assert len({os for _, os in cells}) >= 4


@pytest.mark.parametrize("spec_id", sorted(NOT_EXPORTED))
def test_a_spec_the_export_refuses_says_why(spec_id):
    with pytest.raises(ValueError, match=NOT_EXPORTED[spec_id]):
        to_promela(_build(spec_id, "linux-4.16"))


def test_export_is_deterministic():
    one = to_promela(_build("pg-panic", "linux-4.16"))
    assert one == to_promela(_build("pg-panic", "linux-4.16"))
    only = to_promela(_build("pg-panic", "linux-4.16"), "durability")
    assert only.count("assert(") == 1 < one.count("assert(")
    with pytest.raises(ValueError, match="no property"):
        to_promela(_build("pg-panic", "linux-4.16"), "nonsense")


def test_the_model_runs_as_its_header_says(tmp_path):
    """The command in the header, as is: with every property asserted, pan stops at the
    first one violated in BFS order, at the depth of the shortest trace of any."""
    spec = _build("pg-panic", "openbsd")
    model = to_promela(spec)
    (tmp_path / "pg-panic.pml").write_text(model)
    command = re.search(r"^ \*   (spin -o2 -a .*)$", model, re.MULTILINE).group(1)
    out = subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True,
                         check=True).stdout
    res = check(spec, progress=None)
    shortest = min(t.length for t in res.traces.values())
    assert re.search(rf"^pan:1: assertion violated .* \(at depth {shortest}\)$", out,
                     re.MULTILINE)


def test_a_guard_after_an_update_is_refused():
    """pan would stop with "block in d_step seq": the guard must be the first statement."""
    spec = Spec("late-guard")
    x = spec.var("x", Int(0, 1), 0)

    @spec.action("set")
    def _(u):
        u[x] = 1
        u.require(x == 1)
    with pytest.raises(ValueError, match="require after an update"):
        to_promela(spec)


def test_a_state_vector_beyond_pan_default_compiles():
    """1100 bytes of state: pan needs -DVECTORSZ above its default 1024."""
    spec = Spec("wide")
    cells = spec.var("cells", Int(0, 2), 0, shape=(1100,))

    @spec.action("tick")
    def _(u):
        u.require(cells[1099] < 2)
        u[cells[1099]] = cells[1099] + 1
    spec.invariant("low", "the last cell stays below 2", cells[1099] < 2)
    spin = run_spin(spec, cflags=("-O0",))
    assert spin.lengths == {"low": 2}
    assert "State-vector 11" in spin.runs["low"].output


def test_out_of_time_is_unknown():
    spin = run_spin(tiny_spec(), max_seconds=0.01)
    assert set(spin.verdicts.values()) == {"unknown"}
    assert all("timed out" in r.note for r in spin.runs.values())


IDLE, BUSY, DONE = range(3)


def tiny_spec() -> Spec:
    """Every operator, a flattened 2-D array read and stored at an offset, an index over
    non-variables, a let before the guard, a conditional let, a negative domain and a
    variable nobody reads (``last``)."""
    spec = Spec("tiny", "an expression-heavy toy")
    x = spec.var("x", Int(0, 5), 0)
    flag = spec.var("flag", Bool(), False)
    mode = spec.var("mode", Enum("idle", "busy", "done"), IDLE)
    grid = spec.var("grid", Int(0, 2), 0, shape=(2, 3))
    # Not -2 as well as -1: CPython's hash(-1) == hash(-2), and the explicit engine's
    # fingerprints are hashes, so it would merge states differing only there.
    tilt = spec.var("tilt", Int(-1, 1), 0)
    last = spec.var("last", Int(0, 5), 0)

    @spec.action("bump", k=[1, 2])
    def _(u, k):
        nxt = u.let(x + k)
        u.require(nxt <= 5, mode != DONE)
        u[x] = nxt
        col = u.let(x % 3)                           # reads the x just assigned
        with u.when(x // 2 == 1):
            old = u.let(grid[1][col])                # 0 where the block does not run
            u.store(grid[1], col, ite(old < 2, old + 1, 0))
        u[flag] = count([flag, x > 2, old == 0]) >= 2
        u.store(grid[0], x % 3, (grid[0][x % 3] + k) % 3)
        u[last] = x

    @spec.action("turn")
    def _(u):
        u.require(mode != DONE)
        u[tilt] = ite((tilt > -1) & (flag == (x > 2)), tilt - 1, -tilt)
        u[mode] = select(x % 3, [Const(BUSY), Const(IDLE), Const(DONE)])

    @spec.action("reset")
    def _(u):
        u.require((x == 5) | (mode == BUSY))
        u[x] = x * 0
        u[mode] = IDLE

    spec.invariant("in-range", "x and tilt stay within their domains",
                   (x <= 5) & (tilt >= -1) & (tilt <= 1))
    spec.invariant("started", "x is not 0 (false at once)", x != 0)
    spec.invariant("never-done", "mode never reaches done", mode != DONE)
    return spec


def test_tiny_spec_same_states_verdicts_and_lengths():
    """pan stores fsmodel's reachable states plus one: the initial state before its check
    (a distinct program counter).  Without spin -o2, pan would hide ``last`` (written, never
    read) and store fewer."""
    spec = tiny_spec()
    res = check(spec, progress=None, symmetry=False)
    spin = run_spin(spec)
    assert res.complete and res.verdicts["in-range"] == "holds"
    assert spin.runs["in-range"].stored == res.distinct + 1
    assert spin.verdicts == res.verdicts
    assert spin.lengths == {"in-range": None, "started": 0,
                            "never-done": res.traces["never-done"].length}
    assert spin.lengths["never-done"] >= 2


def test_spin_missing_is_reported(monkeypatch):
    monkeypatch.setattr(promela.shutil, "which", lambda tool: None)
    with pytest.raises(SpinUnavailable, match="spin"):
        run_spin(tiny_spec())


def test_pan_counts_in_exponent_notation_are_read():
    """pan prints large counts as 3.3678235e+08: a bench-sized search must still parse."""
    out = (" 36958740 states, stored\n3.3678235e+08 states, matched\n"
           "3.7374109e+08 transitions (= stored+matched)\n")
    run = promela._parse(out, 1.0, 2.0)
    assert (run.verdict, run.stored, run.matched) == ("holds", 36958740, 336782350)
