"""A PostgreSQL trace as an experiment on the real server (replay --postgres), without booting:
what each step becomes, what the trace says it returns, the reorderings the model must
confirm, the controls, the verdict read off the guest's lines, and bad traces refused."""
import dataclasses
import json
import subprocess
import sys

import pytest

from fsmodel.conformance import pg_replay
from fsmodel.conformance.pg_replay import Untranslatable, results, translate, verdict
from fsmodel.conformance.pg_run import KNOWN
from fsmodel.engines.pycompile import compile_spec
from fsmodel.engines.replay import replay
from fsmodel.engines.traces import trace_of_states
from fsmodel.run.known import build, every_known, trace_of

RUNS = {k.id: k for k in KNOWN}
T1, T3, T4 = (RUNS[k].trace() for k in ("T1", "T3", "T4"))


def script_trace(known_id: str, labels: str, prop: str = "checkpoint-soundness"):
    """A trace of the labels on a known trace's configuration (under linux-5.8)."""
    cfg, spec = build(dataclasses.replace(every_known()[known_id], os="linux-5.8"))
    comp = compile_spec(spec)
    r = replay(spec, [x.strip() for x in labels.split(";")], comp)
    assert r.stuck_at is None
    t = trace_of_states(spec, comp, r.states, [None] + r.actions, prop, "replay")
    t.meta |= cfg.describe()
    return t


def actions(exp):
    return [r.action for r in exp.rows]


def test_t1_fails_its_first_checkpoint_and_completes_the_retry():
    """pg-retry is data_sync_retry=on: the first CHECKPOINT ends in ERROR, the retried one
    succeeds, and the restarted server reads what the trace's disk holds (version 0)."""
    exp = translate(T1)
    assert exp.settings["data_sync_retry"] == "on"
    assert actions(exp)[:4] == ["sql update t0 set v = 1 where id = 0", "fail t0",
                                "checkpoint", "checkpoint"]
    assert [r.expected for r in exp.rows[2:4]] == ["ERROR", "ok"]
    assert actions(exp)[-5:] == ["heal", "kill9", "drop_caches", "start",
                                 "sql select v from t0 where id = 0"]
    assert exp.rows[-1].expected == "0" and exp.committed == {(0, 0): 1}
    assert exp.note.startswith("step 5 runs before the CHECKPOINT")
    assert exp.note.endswith("the same checkpoint-soundness violation")


def test_t4_moves_the_third_party_before_the_checkpoint_with_the_models_consent():
    exp = translate(T4)
    assert actions(exp)[1:6] == ["evict", "tp open t0", "fail t0", "tp fsync t0", "checkpoint"]
    assert [r.expected for r in exp.rows[2:6]] == ["0", "0", "EIO", "ok"]
    assert exp.note.startswith("steps 6, 7, 8 run before")


def test_t3_evicts_with_no_descriptor_open_and_keeps_the_sessions_close():
    exp = translate(T3)
    assert actions(exp)[:7] == ["sql update t0 set v = 1 where id = 0", "evict", "",
                                "fail t0", "sync", "drop_caches", "checkpoint"]
    assert exp.settings["data_sync_retry"] == "off" and not exp.note


def test_r3_runs_with_full_page_writes_off_and_its_end_of_recovery_checkpoint_in_the_start():
    """The server's start is the model's replay and the end-of-recovery checkpoint after it
    (StartupXLOG): no CHECKPOINT command for those steps."""
    exp = translate(RUNS["R3"].trace())
    assert exp.settings == {"data_sync_retry": "off", "full_page_writes": "off"}
    assert actions(exp)[:6] == ["sql update t0 set v = 1 where id = 0", "evict", "kill9",
                                "fail t0", "start", ""]
    assert exp.rows[4].expected == "ok" and exp.rows[5].origin.startswith("6-9. ckpt_start")
    assert "checkpoint" not in actions(exp)


def test_a_reordering_the_model_refuses_is_refused():
    """The model's consent is computed: T4 reordered reaches its checkpoint-soundness
    violation, not a durability one, so a trace claiming durability is refused."""
    t = dataclasses.replace(T4, property="durability")
    with pytest.raises(Untranslatable, match="with steps 6, 7, 8 before its checkpoint: it "
                       "does not violate durability"):
        translate(t)


def test_a_trace_of_a_variant_or_of_another_kernel_is_refused():
    """R2 is pg-panic without the pre-recovery sync (a variant PostgreSQL 15 is not), T2 needs
    4.13's sampling rule: replayed on the shipped spec under linux-5.8, neither is a trace."""
    with pytest.raises(Untranslatable, match="not a trace of the shipped pg-panic under "
                       "linux-5.8.*: it does not violate durability"):
        translate(every_trace("R2"))
    with pytest.raises(Untranslatable, match=r"step 10 \(ckpt_finish\) is not enabled"):
        translate(every_trace("T2"))


def with_power_loss(kid: str, tail: str):
    k = every_known()[kid]
    return trace_of(dataclasses.replace(k, os="linux-5.8", property="durability",
                                        script=k.script + tail, bounds={"crashes": 2}))


def test_a_power_loss_is_the_harness_power_loss_and_the_fault_stays_armed():
    """T4, then a power loss and recovery: two boots on the same image, the fault armed again
    after the power loss (the device's sectors, not the kernel's), the server started."""
    exp = translate(RUNS["T4-powerloss"].trace())
    assert exp.power_loss
    assert actions(exp)[6:9] == ["powerloss", "fail t0", "start"]
    assert exp.rows[-1].expected == "0"


def test_a_second_power_loss_is_refused():
    with pytest.raises(Untranslatable, match="one power loss a run"):
        translate(with_power_loss("T4", "; os_crash; replay; os_crash; replay"))


def test_a_commit_inside_a_checkpoint_is_untranslatable():
    t = script_trace("T1", "ckpt_start; commit; buffer_sync; absorb; ckpt_fsync; ckpt_finish")
    with pytest.raises(Untranslatable, match="inside a checkpoint"):
        translate(t)


@pytest.mark.parametrize("run", KNOWN, ids=lambda k: k.id)
def test_each_control_drops_what_the_model_blames(run):
    """A control compares nothing but the end, where the committed value must be read."""
    exp, control = run.experiments()
    assert (exp.id, control.id) == (run.id, f"{run.id}-control")
    assert control.settings == exp.settings | run.settings
    kept = [r.action for r in exp.rows if r.origin.split(". ")[-1].split("(")[0]
            not in run.without]
    assert [r.action for r in control.rows] == kept
    assert len(kept) < len(exp.rows) if run.without else control.steps == exp.steps
    compared = [r for r in control.rows if r.expected is not None]
    rearmed = ["fail t0"] if "os_crash" in run.tail else []   # the harness's, after the loss
    assert [r.action for r in compared] == rearmed + ["start",
                                                      "sql select v from t0 where id = 0"]
    assert compared[-1].expected == "1" and exp.rows[-1].expected == "0"


def test_bad_traces_are_refused_in_one_line():
    with pytest.raises(Untranslatable, match="not pg-2018"):
        translate(every_trace("T7"))
    with pytest.raises(Untranslatable, match="--without nosuch"):
        translate(T1, ("nosuch",))


def every_trace(kid):
    return trace_of(every_known()[kid])


def guest_lines(exp, answers):
    """The console lines of a run whose steps returned ``answers`` (after the setup's)."""
    first = len(exp.settings) + len(pg_replay.setup(exp.tables()))
    return [f"P {exp.id} {first + i} op {a}" for i, a in enumerate(answers, 1)] + \
        [f"L {exp.id} 2026 PANIC: could not fsync"]


def test_a_run_as_the_trace_says_is_a_reproduction_and_a_kept_row_is_not():
    exp = translate(T1)
    ok = ["", "0", "ERROR: checkpoint request failed", "ok", "0", "ok", "0", "ok", "0"]
    seen, log = results(exp, guest_lines(exp, ok))
    assert seen == ok and log == ["2026 PANIC: could not fsync"]
    assert verdict(exp, seen) == (True, "reproduced: t0 row 0 reads 0 (committed 1)")
    kept = ok[:-1] + ["1"]
    assert verdict(exp, results(exp, guest_lines(exp, kept))[0])[0] is False
    early = ok[:2] + ["ok"] + ok[3:]          # the first checkpoint succeeded: not the trace
    assert verdict(exp, results(exp, guest_lines(exp, early))[0]) == \
        (False, "rows 3 differ from the trace")


def test_a_panic_is_the_session_the_server_closed():
    assert pg_replay.matches("PANIC", "server closed the connection unexpectedly")
    assert pg_replay.matches("PANIC", "WARNING: terminating connection because of crash of "
                             "another server process")
    assert not pg_replay.matches("PANIC", "ok")
    assert pg_replay.matches("ERROR", "ERROR: checkpoint request failed")


def fsmodel(*args):
    return subprocess.run([sys.executable, "-m", "fsmodel", *args], capture_output=True,
                          text=True)


@pytest.mark.parametrize("extra,what", [
    (["--fs", "btrfs"], "--fs takes ext4, ext4-journal, xfs"),
    (["--setting", "fsync=off"], "--setting takes NAME=VALUE"),
    (["--without", "nosuch"], "--without nosuch"),
])
def test_bad_replay_input_is_one_line_and_exit_2(tmp_path, extra, what):
    path = tmp_path / "t1.json"
    path.write_text(json.dumps(T1.to_itf()))
    p = fsmodel("replay", str(path), "--postgres", *extra)
    assert p.returncode == 2 and what in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_a_trace_of_another_spec_is_refused_before_anything_boots(tmp_path):
    path = tmp_path / "t7.json"
    path.write_text(json.dumps(every_trace("T7").to_itf()))
    p = fsmodel("replay", str(path), "--postgres")
    assert p.returncode == 2 and "not pg-2018" in p.stderr


def test_the_server_log_is_condensed_to_each_message_once():
    """A recovery that PANICs in a loop prints the same messages hundreds of times."""
    log = ['2026-12-06 12:32:57.136 UTC [2195] PANIC:  could not fsync file "base/5/1"',
           '2026-12-06 12:32:57.143 UTC [412] LOG:  checkpointer process (PID 2195) was '
           'terminated by signal 6: Aborted',
           '2026-12-06 12:32:58.136 UTC [2199] PANIC:  could not fsync file "base/5/1"']
    assert pg_replay.condensed(log) == [
        'PANIC:  could not fsync file "base/5/1"  (x2)',
        "LOG:  checkpointer process (PID n) was terminated by signal 6: Aborted"]


@pytest.mark.parametrize("args", [["--fs", "btrfs"], ["--series", "5.9"], ["--fs", ","]])
def test_bad_pg_conformance_input_is_one_line_and_exit_2(args):
    p = fsmodel("pg-conformance", *args)
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
