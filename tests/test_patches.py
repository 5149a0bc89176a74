"""Patches: the seed documents' proposals as files over the shipped specs, and validate."""
import json

import pytest

from fsmodel.run import registry
from fsmodel.cli import main
from fsmodel.engines import native
from fsmodel.engines.replay import follow

from helpers import ONE, build, shortest

SOUND, DURABLE = "checkpoint-soundness", "durability"
SMALLEST = ["--files", "1", "--backends", "1", "--faults", "1", "--crashes", "1"]


def validate(capsys, *argv):
    rc = main(["validate", *argv, "--json", "--jobs", "1"])
    out = capsys.readouterr().out
    return rc, (json.loads(out) if out.strip() else None)


def labels_of(spec_id, os, prop, **kw):
    res = native.check(build(spec_id, os, **kw), progress=None)
    return [s.action for s in res.traces[prop].steps[1:]]


def test_every_shipped_patch_builds_on_every_policy_and_names_its_baseline():
    patches = registry.patches()
    assert len(patches) >= 15
    for pid, p in patches.items():
        assert p.baseline and registry.find(p.baseline), pid
        for os in ("linux-4.16", "freebsd"):
            spec = build(pid, os, **{k.replace("-", "_"): v for k, v in p.bounds.items()})
            assert spec.actions and spec.properties


def test_follow_matches_a_step_to_an_action_with_a_parameter_the_patch_added():
    # the backstop gives ckpt_finish a fate parameter on a policy with several fates
    steps = labels_of("pg-panic", "adversarial", SOUND, **ONE)
    assert "ckpt_finish" in steps
    f = follow(build("syncfs-backstop", "adversarial", **ONE), steps)
    assert f.stuck is None and f.steps == len(steps)
    # and a step whose action the patch removed stops the replay there
    g = follow(build("hold-fds", "linux-4.16", disable=["third-party"], **ONE),
               labels_of("pg-panic", "linux-4.16", SOUND, disable=["third-party"], **ONE))
    assert g.stuck in ("close_fd", "ckpt_close_fd")


def test_close_check_closes_the_lost_close_error_but_not_the_race(capsys):
    rc, out = validate(capsys, "close-check", "--os", "linux-5.8")
    row = out[0]["rows"][0]
    sound = row["properties"][SOUND]
    assert out[0]["baseline"] == "pg-panic-close-unchecked"
    # the baseline's checkpointer close reports the error and goes on; with the patch it
    # PANICs, so the baseline's next step cannot happen
    assert sound["baseline_trace"]["closed"] and sound["baseline_trace"]["stuck_at"].startswith("ckpt_fsync")
    # #1 believed a backend's PANIC cannot race a checkpoint to success: T6 shows it can
    assert sound["patch"] == "violated" and row["surprise"] and rc == 1


@pytest.mark.parametrize("expect, os, rc", [
    ("holds", "linux-5.8", 0), ("violated", "linux-5.8", 1), ("holds", "linux-4.16", 1),
    ("holds:linux-5.8", "linux-5.8,linux-4.16", 0),
])
def test_validate_exit_code_follows_the_expectation(capsys, expect, os, rc):
    got, out = validate(capsys, "syncfs-backstop", "--os", os, "--expect", expect, *SMALLEST)
    assert got == rc
    assert all(r["opens"] is False for r in out[0]["rows"])


def test_a_users_patch_in_a_few_lines_and_the_hole_it_opens(tmp_path, capsys):
    patch = tmp_path / "forget.py"
    patch.write_text(
        'from fsmodel.families.postgres import FORGET\n'
        'from fsmodel import spec_file\n'
        'SPEC = spec_file("pg_panic").variant(id="panic-to-forget", baseline="pg-panic",\n'
        '                                     on_fsync_error=FORGET)\n')
    rc, out = validate(capsys, str(patch), "--os", "freebsd", "--files", "2")
    row = out[0]["rows"][0]
    assert rc == 1 and row["opens"]
    opened = row["properties"][SOUND]
    assert opened["baseline"] == "holds" and opened["patch"] == "violated"
    # the baseline PANICs at the failed fsync: the hole's next step cannot happen there
    assert opened["opens"]["stuck_at"] is not None


def test_kernel_patch_closes_the_eviction_trace():
    kw = dict(disable=["third-party"])
    assert shortest("pg-panic", "linux-4.16", **kw)[SOUND] == 10
    assert shortest("keep-erroring-inodes", "linux-4.16", **kw) == {SOUND: None, DURABLE: None}
    # the kernel change is the policy's, whatever the policy
    assert build("keep-erroring-inodes", "linux-4.12").meta["lanes"]  # builds on FLAG too


def test_paranoid_wal_recovery_holds_where_plain_wal_does_not():
    kw = dict(crashes=2, fpw=False, disable=["third-party", "eviction"])
    assert shortest("recovery-wal-fpw-off", "linux-4.16", **kw)[SOUND] is not None
    assert shortest("recovery-wal-paranoid-fpw-off", "linux-4.16", **kw) == \
        {SOUND: None, DURABLE: None}
    # plain wal is enough where failed pages stay dirty
    assert shortest("recovery-wal-fpw-off", "freebsd", **kw) == {SOUND: None, DURABLE: None}


def test_sync_before_recovery_only_logs_its_errors_so_blk_done_bites_even_on_freebsd():
    kw = dict(crashes=2, fpw=False, disable=["third-party", "eviction"])
    assert shortest("recovery-fsync-fpw-off", "freebsd", **kw)[SOUND] == 9
    assert shortest("recovery-fsync-fpw-off", "freebsd", **kw | {"disable": [
        "third-party", "eviction", "faults"]}) == {SOUND: None, DURABLE: None}


def test_forged_start_sync_fixes_the_forgery_unless_its_fsync_fails():
    assert shortest("forged-start", "linux-5.8") == {SOUND: 1, DURABLE: 3}
    assert shortest("forged-start-sync", "linux-5.8", disable=["faults"]) == \
        {SOUND: None, DURABLE: None}
    assert shortest("forged-start-sync", "freebsd")[SOUND] == 2   # fault, then startup


@pytest.mark.parametrize("argv, message", [
    (["validate", "pg-panic"], "names no baseline"),
    (["validate", "hold-fds", "--expect", "maybe"], "--expect takes holds or violated"),
    (["validate", "hold-fds", "--os", "freebsd", "--expect", "holds:linux-5.8"],
     "not among the policies"),
    (["validate", "{bad_kernel}", "--os", "freebsd"], "cannot be patched"),
])
def test_validate_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    bad = tmp_path / "bad_kernel.py"
    bad.write_text('from fsmodel import spec_file\n'
                   'SPEC = spec_file("pg_panic").variant(id="x", baseline="pg-panic",\n'
                   '                                     kernel={"no_such_field": True})\n')
    argv = [str(bad) if a == "{bad_kernel}" else a for a in argv]
    assert main(argv + ["--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_validate_replays_the_known_traces_of_the_baseline(capsys):
    rc, out = validate(capsys, "hold-fds", "--os", "linux-4.16")
    known = out[0]["rows"][0]["known"]
    assert set(known) == {"T3", "T4"}   # the known traces of pg-panic on linux-4.16
    assert known["T3"]["stuck_at"] == "close_fd" and known["T3"]["replayed"] == 2
    assert not known["T4"]["closed"]    # a third party still consumes the error
    assert rc == 1                      # #70's claim for 4.16 is refuted by it
