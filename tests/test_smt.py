"""The SMT engine against the explicit one: same specs, same answers."""
import random

import pytest
import z3

from fsmodel.engines.explicit import check
from fsmodel.engines.pycompile import compile_spec
from fsmodel.engines.replay import replay
from fsmodel.engines.smt import Encoder, bmc, prove
from fsmodel.kernel.policy import POLICIES

from helpers import build, reachable


def lengths(result):
    return {p: (result.traces[p].length if p in result.traces else None)
            for p in result.verdicts}


@pytest.mark.parametrize("os", sorted(POLICIES))
def test_bmc_agrees_with_bfs_on_the_os_contract(os):
    spec = build("os-contract", os)
    explicit = check(spec, progress=None)
    symbolic = bmc(spec, 8)
    assert lengths(symbolic) == lengths(explicit)


@pytest.mark.parametrize("spec_id,os", [("pg-panic", "linux-4.13"), ("pg-retry", "netbsd"),
                                        ("pg-2018", "freebsd"), ("pg-panic", "linux-5.8")])
def test_bmc_finds_the_same_shortest_length(spec_id, os):
    spec = build(spec_id, os, files=1, writes=1, disable=["third-party"])
    explicit = check(spec, progress=None)
    symbolic = bmc(spec, 12)
    assert lengths(symbolic) == lengths(explicit)
    assert all(v == "violated" for v in symbolic.verdicts.values())


def test_smt_counterexample_replays_on_the_explicit_engine():
    """Each step is an enabled action and reaches exactly the decoded state."""
    spec = build("pg-panic", "linux-4.16", disable=["third-party"])
    for trace in bmc(spec, 12).traces.values():
        r = replay(spec, [s.action for s in trace.steps[1:]])
        assert r.complete and trace.property in r.violated
        assert [spec.show(s) for s in r.states] == trace.arrays


def test_encoding_matches_compiled_successors_on_concrete_states():
    """z3's reading of every action agrees with the generated Python on reached states."""
    spec = build("pg-fdpass", "linux-4.16", writes=1)
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
    assert prove(build("os-contract", os), "fsync-honesty", 60)[0] == "proved"


def test_spacer_proves_retry_sound_on_freebsd():
    assert prove(build("pg-retry", "freebsd"), "checkpoint-soundness", 120)[0] == "proved"


def test_spacer_does_not_prove_a_violated_property():
    verdict, _ = prove(build("os-contract", "linux-4.16"), "fsync-honesty", 60)
    assert verdict == "violated"
