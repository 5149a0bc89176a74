"""The spec language and its compilation to Python."""
import pytest

from fsmodel.engines.pycompile import compile_spec
from fsmodel.lang.expr import ite
from fsmodel.lang.spec import Bool, Int, Spec

from helpers import ONE, build, interpret_successors, reachable


def toy() -> Spec:
    s = Spec("toy")
    x = s.var("x", Int(0, 5), 0)
    a = s.var("a", Int(0, 5), 0, (3,))
    flag = s.var("flag", Bool(), False)

    @s.action("step", i=range(3))
    def _(u, i):
        u.require(x < 5)
        u[x] = x + 1                      # later reads see this value
        u[a[i]] = x                       # so a[i] gets the incremented x
        with u.when(x == 2) as hit:
            u[flag] = True
            u[x] = 0
        with u.when(~hit):
            u.store(a, x % 3, 4)          # a dynamic index

    s.invariant("small", "x stays below 4", x < 4)
    return s


def test_sequential_semantics_when_and_store():
    spec = toy()
    comp = compile_spec(spec)
    succ = dict(comp.successors(spec.init_state))
    # i=0 from the initial state: x=1, a[0]=1, then x%3 == 1 so a[1]=4
    assert succ[0] == (1, 1, 4, 0, False)
    s = succ[0]
    nxt = dict(comp.successors(s))
    # i=2: x becomes 2, a[2]=2, then the when-block fires: flag set and x reset to 0;
    # the ~hit block uses the snapshot of the condition, so it does not run
    assert nxt[2] == (0, 1, 4, 2, True)


def test_expressions_have_no_truth_value():
    spec = Spec("t")
    x = spec.var("x", Int(0, 1))
    with pytest.raises(TypeError):
        bool(x == 1)
    with pytest.raises(TypeError):
        ite(x, 1, 2) and 1  # noqa: B015


def test_static_false_guard_drops_ground_action():
    spec = Spec("t")
    x = spec.var("x", Int(0, 1))

    @spec.action("a", i=range(3))
    def _(u, i):
        u.require(x == 0, i != 1)
        u[x] = 1

    assert [a.label for a in spec.actions] == ["a(i=0)", "a(i=2)"]


@pytest.mark.parametrize("spec_id,os", [("os-contract", "linux-4.16"),
                                        ("os-contract", "openbsd"),
                                        ("pg-panic", "linux-5.8"),
                                        ("pg-fdpass", "linux-4.13")])
def test_compiled_successors_match_interpreter(spec_id, os):
    """The generated code and an independent interpreter agree on every state reached."""
    spec = build(spec_id, os, writes=1, **ONE)
    count = 0
    for s, succ in reachable(spec, limit=3000):
        assert succ == interpret_successors(spec, s)
        count += 1
    assert count > 100


@pytest.mark.parametrize("spec_id,os", [("pg-2018", "linux-4.12"), ("pg-fdpass", "linux-4.16"),
                                        ("pg-fdpass-first", "adversarial"),
                                        ("os-contract", "linux-5.8")])
def test_reachable_states_respect_declared_domains(spec_id, os):
    """Every value stays in its variable's declared domain (what z3 will assume)."""
    spec = build(spec_id, os, writes=1, **ONE)
    for s, _ in reachable(spec):
        for info in spec.vars:
            v = s[info.var.slot]
            assert info.domain.lo <= int(v) <= info.domain.hi, (info.var.name, v)
