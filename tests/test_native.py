"""The native engine against the Python reference: the same graph, counts, verdicts, traces."""
import pytest

from fsmodel.run import registry
from fsmodel.engines import native, pybfs
from fsmodel.engines.native import compiler
from fsmodel.engines.pycompile import compile_spec
from fsmodel.lang.spec import Int, Spec

from helpers import ONE, build, reachable, small

POLICIES = ("linux-4.13", "linux-4.16", "freebsd", "openbsd", "posix-strict")
SMALL = {"writes": 1, "checkpoints": 1, "pages": 1, "queue": 1}


def answers(res):
    """Everything a user sees of a run, but its time."""
    return (res.verdicts, res.distinct, res.generated, res.depth, res.complete,
            {p: [(s.action, s.state) for s in t.steps] for p, t in res.traces.items()})


def patch_spec(patch_id, os):
    p = registry.find(patch_id)
    o = p.options
    return build(patch_id, os, fs=o.get("fs", "ext4") if os.startswith("linux") else "ext4",
                 fpw=o.get("fpw"), disable=list(o.get("disable", ())),
                 **SMALL | {k.replace("-", "_"): v for k, v in p.bounds.items()})


@pytest.mark.parametrize("spec_id,os", [("pg-fdpass", "linux-4.16"), ("pg-2018", "openbsd"),
                                        ("os-contract", "freebsd")])
def test_native_equals_python(spec_id, os):
    """make test's sample of the cross-check below."""
    spec = build(spec_id, os, **SMALL)
    assert answers(native.check(spec, progress=None)) == answers(pybfs.check(spec, progress=None))


@pytest.mark.crosscheck
@pytest.mark.parametrize("os", POLICIES)
@pytest.mark.parametrize("spec_id", sorted(registry.shipped()))
def test_native_equals_python_on_every_spec(spec_id, os):
    spec = build(spec_id, os, **small(spec_id, SMALL))
    assert answers(native.check(spec, progress=None)) == answers(pybfs.check(spec, progress=None))


@pytest.mark.crosscheck
@pytest.mark.parametrize("patch_id", sorted(registry.patches()))
def test_native_equals_python_on_every_patch(patch_id):
    spec = patch_spec(patch_id, "linux-4.16")
    assert answers(native.check(spec, progress=None)) == answers(pybfs.check(spec, progress=None))


@pytest.mark.parametrize("spec_id,os", [("pg-fdpass", "linux-4.16"), ("pg-panic", "freebsd")])
def test_native_unreduced_equals_python_unreduced(spec_id, os):
    spec = build(spec_id, os, reduce=False, **SMALL)
    assert answers(native.check(spec, progress=None, symmetry=False)) == \
        answers(pybfs.check(spec, progress=None, symmetry=False))


def test_threads_change_nothing_but_time():
    """Owners deduplicate in frontier order and merge in generation order: one thread or
    four, the same search tree (a larger space, so that rounds and owners really split)."""
    spec = build("pg-fdpass", "linux-4.16")
    one = native.check(spec, progress=None, threads=1)
    assert one.distinct > 100_000
    assert answers(native.check(spec, progress=None, threads=4)) == answers(one)


@pytest.mark.parametrize("spec_id,os", [("pg-fdpass", "adversarial"), ("pg-2018", "openbsd"),
                                        ("os-contract", "linux-5.8")])
@pytest.mark.parametrize("symmetry", [True, False])
def test_compiled_successors_equal_python_successors(spec_id, os, symmetry):
    """State by state, on reached states: the C successors (and representatives) are the
    Python ones, in the same action order."""
    spec = build(spec_id, os, **SMALL)
    comp = compile_spec(spec)
    lib = native.load(spec, symmetry).lib
    n, cap = len(spec.vars), len(spec.actions)
    states, acts = compiler.ffi.new("int32_t[]", cap * n), compiler.ffi.new("int32_t[]", cap)
    for s, succ in reachable(spec, limit=400):
        m = lib.fsm_successors_of(compiler.ffi.new("int32_t[]", [int(v) for v in s]), symmetry,
                                  states, acts, cap)
        got = [(acts[k], tuple(states[k * n + i] for i in range(n))) for k in range(m)]
        want = [(a, comp.canon(t) if symmetry and comp.canon else t) for a, t in succ]
        assert got == want


def test_a_value_outside_its_domain_is_a_spec_error():
    spec = Spec("overflow")
    x = spec.var("x", Int(0, 2))
    spec.invariant("small", "x stays small", x < 5)

    @spec.action("inc")
    def _(u):
        u[x] = x + 1

    with pytest.raises(native.SpecError, match=r"inc sets x to 3, outside its domain \[0, 2\]"):
        native.check(spec, progress=None)


def test_state_limit_gives_unknown():
    res = native.check(build("pg-panic", "freebsd"), max_states=500, progress=None)
    assert not res.complete and res.limit == "--max-states 500"
    assert set(res.verdicts.values()) == {"unknown"}


def test_without_a_compiler_the_python_engine_runs(monkeypatch, capsys):
    def missing():
        raise compiler.NoCompiler("no C compiler (cc) on PATH")
    monkeypatch.setattr(compiler, "compiler", missing)
    monkeypatch.setenv("FSMODEL_CACHE", "/nonexistent-fsmodel-cache")
    res = native.check(build("pg-panic", "linux-4.16", **ONE), progress=None)
    assert res.engine == "python" and res.verdicts["checkpoint-soundness"] == "violated"
    err = capsys.readouterr().err
    assert err == "fsmodel: no C compiler (cc) on PATH: using the Python engine\n"


def test_packed_state_is_as_narrow_as_the_domains():
    """Each field as wide as its domain: pg-panic's 54 variables fit three words."""
    from fsmodel.engines.native.cgen import layout, words
    spec = build("pg-panic", "linux-4.16", files=2, backends=2)
    fields = layout(spec)
    for info, f in zip(spec.vars, fields):
        assert (1 << f.width) > info.domain.hi - info.domain.lo >= (1 << (f.width - 1)) - 1
    assert words(fields) <= -(-sum(f.width for f in fields) // 64) + 1
