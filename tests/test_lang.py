"""The spec language and its compilation to Python."""
import pytest

from fsmodel.engines.pycompile import compile_spec
from fsmodel.lang.expr import Const, Var, ite, select
from fsmodel.lang.spec import Bool, Int, Spec

from helpers import ONE, build, evaluate, interpret_successors, reachable


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


def test_every_consumer_handles_every_operator():
    """One fold (lang.visit) serves every engine, and none can be built without an entry for
    each operator; the test interpreter covers them too."""
    from fsmodel.engines.analysis import _Interval
    from fsmodel.engines.native.cgen import Emitter
    from fsmodel.engines.pycompile import PySource
    from fsmodel.engines.smt import Encoder, _Terms
    from fsmodel.lang.visit import OPERATORS
    spec = build("pg-panic", "linux-4.16", **ONE)
    consumers = [PySource("s"), Emitter("a_"), _Interval([], {}),
                 _Terms(Encoder(spec), [], {})]
    for c in consumers:
        assert set(c.ops) == OPERATORS, type(c).__name__
    x, y = Var(0, "x"), Var(1, "y")
    samples = {"+": x + y, "-": x - y, "*": x * y, "//": x // 2, "%": x % 3, "neg": -x,
               "==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y,
               "and": (x > 0) & (y > 0), "or": (x > 0) | (y > 0), "not": ~(x > 0),
               "ite": ite(x > y, x, y), "index": select(x % 2, [x, y])}
    assert set(samples) == OPERATORS
    for op, e in samples.items():
        assert evaluate(e, [5, 2], {}) == eval(PySource("s")(e), {"s": [5, 2]}), op


@pytest.mark.parametrize("seed", range(3))
def test_random_expressions_mean_the_same_to_every_engine(seed):
    """Python source, the test interpreter, z3 and the interval analysis agree on random
    expressions over two variables in [0, 6], at every value."""
    import random

    import z3

    from fsmodel.engines.analysis import interval
    from fsmodel.engines.pycompile import PySource
    from fsmodel.engines.smt import Encoder

    rng = random.Random(seed)
    x, y = Var(0, "x"), Var(1, "y")

    def term(d):
        if d == 0:
            return rng.choice([x, y, Const(rng.randint(0, 3))])
        kind = rng.choice(["arith", "div", "test", "ite", "index", "neg"])
        a, b = term(d - 1), term(d - 1)
        if kind == "arith":
            return rng.choice([a + b, a - b, a * b])
        if kind == "div":   # of non-negative values only, as the analysis requires
            n = rng.choice([x, y, x + y, x * y])
            return rng.choice([n // rng.randint(1, 3), n % rng.randint(1, 3)])
        if kind == "test":
            c = rng.choice([a == b, a != b, a < b, a <= b, a > b, a >= b])
            return ite(rng.choice([c, ~c, c & (a > 0), c | (b > 1)]), a, b)
        if kind == "ite":
            return ite(a > b, a, b)
        if kind == "index":
            return select(rng.choice([x, y]) % 2, [a, b])
        return -a

    spec = Spec("vars")
    spec.var("x", Int(0, 6))
    spec.var("y", Int(0, 6))
    enc = Encoder(spec)
    zx, zy = z3.Int("x"), z3.Int("y")
    for _ in range(40):
        e = term(3)
        lo, hi = interval(e, [(0, 6), (0, 6)], {})
        t = enc.expr(e, [zx, zy], {})
        for vx in range(7):
            for vy in range(7):
                want = evaluate(e, [vx, vy], {})
                assert eval(PySource("s")(e), {"s": [vx, vy]}) == want
                got = z3.simplify(z3.substitute(t, (zx, z3.IntVal(vx)), (zy, z3.IntVal(vy))))
                assert got.as_long() == want and lo <= want <= hi
