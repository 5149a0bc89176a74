"""The SMT engine against the explicit one: same specs, same answers."""
import random

import pytest
import z3

from fsmodel.run import registry
from fsmodel.engines.analysis import commuting, interval, value_bits
from fsmodel.engines.pybfs import check
from fsmodel.engines.pycompile import compile_spec
from fsmodel.engines.replay import replay
from fsmodel.engines.smt import Encoder, bmc, prove
from fsmodel.kernel.policy import POLICIES
from fsmodel.lang.expr import Bound, Const, Op
from fsmodel.lang.spec import Int, Spec

from helpers import ENGINE_POLICIES, ONE, build, is_engine, reachable, small


def lengths(result):
    return {p: (result.traces[p].length if p in result.traces else None)
            for p in result.verdicts}


SMALL = {"writes": 1, "checkpoints": 1, "backends": 1, "pages": 1, "queue": 1, "files": 1,
         "faults": 1, "crashes": 1}


@pytest.mark.crosscheck
@pytest.mark.parametrize("spec_id,os", [
    (s, os) for s in sorted(registry.shipped()) for os in sorted(POLICIES)
    if not is_engine(s) or os in ENGINE_POLICIES])
def test_bmc_agrees_with_bfs_on_every_spec_and_policy(spec_id, os):
    """Same verdicts and shortest lengths; where BFS finds none, BMC finds none to depth 10
    (small bounds: the default ones take minutes per cell, see the README)."""
    spec = build(spec_id, os, **small(spec_id, SMALL))
    explicit = lengths(check(spec, progress=None))
    found = [n for n in explicit.values() if n]
    symbolic = bmc(spec, max(found) if found else 10)
    assert lengths(symbolic) == explicit


@pytest.mark.crosscheck
@pytest.mark.parametrize("os", ["linux-5.8", "openbsd"])
@pytest.mark.parametrize("patch_id", sorted(registry.patches()))
def test_bmc_agrees_with_bfs_on_every_patch(patch_id, os):
    """The patches' behaviours (held descriptors, syncfs backstop, error counter, recovery
    methods, forged start) read the same by both engines, in each patch's own scenario."""
    p = registry.find(patch_id)
    o = p.options
    spec = build(patch_id, os, fs=o.get("fs", "ext4") if os == "linux-5.8" else "ext4",
                 fpw=o.get("fpw"), disable=list(o.get("disable", ())),
                 **SMALL | {k.replace("-", "_"): v for k, v in p.bounds.items()})
    explicit = lengths(check(spec, progress=None))
    found = [n for n in explicit.values() if n]
    assert lengths(bmc(spec, max(found) if found else 10)) == explicit


def test_smt_counterexample_replays_on_the_explicit_engine():
    """Each step is an enabled action and reaches exactly the decoded state."""
    spec = build("pg-panic", "linux-4.16", disable=["third-party"], **ONE)
    for trace in bmc(spec, 12).traces.values():
        r = replay(spec, [s.action for s in trace.steps[1:]])
        assert r.complete and trace.property in r.violated
        assert [spec.show(s) for s in r.states] == trace.arrays


def test_encoding_matches_compiled_successors_on_concrete_states():
    """z3's reading of every action agrees with the generated Python on reached states."""
    spec = build("pg-fdpass", "linux-4.16", writes=1, **ONE)
    enc, comp = Encoder(spec), compile_spec(spec)
    states = [s for s, _ in reachable(spec, limit=400)]
    for s in random.Random(7).sample(states, 25):
        concrete = [z3.BoolVal(bool(v)) if b else z3.IntVal(int(v))
                    for v, b in zip(s, enc.bools)]
        expected = {ai: t for ai, t in comp.successors(s)}
        for ai, act in enumerate(spec.actions):
            guard, new = enc.action(act, concrete)
            enabled = z3.is_true(z3.simplify(guard))
            assert enabled == (ai in expected), act.label
            if enabled:
                got = tuple(z3.is_true(v) if b else v.as_long()
                            for v, b in zip((z3.simplify(x) for x in new), enc.bools))
                assert got == tuple(int(x) if not b else bool(x)
                                    for x, b in zip(expected[ai], enc.bools)), act.label


@pytest.mark.parametrize("os", ["freebsd", "posix-strict"])
def test_spacer_proves_the_contract_where_pages_stay_dirty(os):
    assert prove(build("os-contract", os, **ONE), "fsync-honesty", 60).verdict == "proved"


def test_spacer_proves_retry_sound_on_freebsd():
    assert prove(build("pg-retry", "freebsd", **ONE), "checkpoint-soundness", 120).verdict == "proved"


def test_spacer_does_not_prove_a_violated_property():
    assert prove(build("os-contract", "linux-4.16", **ONE), "fsync-honesty", 60).verdict == "violated"


def test_commuting_actions_commute_on_reached_states():
    """Each pair BMC orders one way only is enabled both ways and ends in the same state."""
    spec = build("pg-fdpass", "linux-4.16", writes=1, **ONE)
    comp, order = compile_spec(spec), commuting(spec)
    assert sum(len(js) for js in order.values()) > 50
    for _, succ in random.Random(3).sample(list(reachable(spec, limit=2000)), 200):
        after = dict(succ)
        for i, js in order.items():
            if i not in after:
                continue
            after_i = dict(comp.successors(after[i]))
            for j in js:
                if j in after_i:
                    assert j in after, (spec.actions[i].label, spec.actions[j].label)
                    assert dict(comp.successors(after[j])).get(i) == after_i[j]


def counter_spec() -> Spec:
    """x counts up to a bound of 2; 'x <= 2' holds for that bound and no other."""
    spec = Spec("counter")
    x = spec.var("x", Int(0, 2, grows=True), 0)

    @spec.action("inc")
    def _(u):
        u.require(x < Bound(2, "writes"))
        u[x] = x + 1
    spec.invariant("small", "x stays within 2", x <= 2)
    return spec


def test_free_bounds_prove_for_every_value_or_refute():
    assert prove(counter_spec(), "small", 30).verdict == "proved"
    free = prove(counter_spec(), "small", 30, free_bounds=True)
    assert (free.verdict, free.free) == ("violated", ["writes"])
    contract = prove(build("os-contract", "freebsd", files=1, faults=1), "fsync-honesty", 60,
                     free_bounds=True)
    assert (contract.verdict, contract.free) == ("proved", ["faults", "writes"])


def test_bit_width_covers_intermediate_values():
    """The width holds x + 1, one past the domain; dividing a negative value is refused."""
    spec = counter_spec()
    assert value_bits(spec) == 3          # x + 1 reaches 3: two bits and a sign
    with pytest.raises(ValueError, match="non-negative"):
        interval(Op("//", (Const(-1), Const(2))), [], {})
