"""The conformance harness's model side and its translation of traces (no QEMU here: the
boots run in `make conformance`)."""
import pytest

from fsmodel.conformance.compare import compare, parse, unexplained
from fsmodel.conformance.kernel_replay import Untranslatable, translate
from fsmodel.conformance.predict import predict
from fsmodel.conformance.scenarios import SCENARIOS, SETUP
from fsmodel.run.known import every_known, trace_of

KNOWN = every_known()

BY_ID = {s.id: s for s in SCENARIOS}


def results(sid, os="linux-5.8", fs="ext4"):
    s = BY_ID[sid]
    return [sorted(r) for r in predict(s, os, fs)[len(SETUP):]]


def test_the_model_reports_once_per_description():
    assert results("once") == [["0"], ["0"], ["0"], ["EIO"], ["0"], ["0"], ["0"]]
    # 4.13's sample marks the error seen, so the late opener is told nothing (T2)
    assert results("late-open", "linux-4.13")[5] == ["0"]
    assert results("late-open", "linux-5.8")[5] == ["EIO"]


def test_the_file_system_variant_decides_the_content_after_a_failure():
    read_after = [r for step, r in zip(BY_ID["content"].steps, results("content"))
                  if step == "read A 0"]
    assert read_after == [["v1"], ["v0"]]          # ext4 keeps it until it is dropped
    assert [r for step, r in zip(BY_ID["content"].steps, results("content", fs="btrfs"))
            if step == "read A 0"] == [["v0"], ["v0"]]


def test_comparison_flags_a_step_the_kernel_disagrees_with():
    s = BY_ID["once"]
    kernel = ["0"] * len(SETUP) + ["0", "0", "0", "EIO", "0", "0", "0"]
    lines = [f"R ext4:once {i} {st.split()[0]} {r}" for i, (st, r) in
             enumerate(zip(SETUP + s.steps, kernel), 1)]
    rows = compare(lines, ["ext4"], "6.1", [s])
    assert all(r.agrees for r in rows["ext4"])
    second = len(SETUP) + 5                            # the second fsync fails again
    lines[second - 1] = lines[second - 1][:-1] + "EIO"
    rows = compare(lines, ["ext4"], "6.1", [s])
    assert [(r.index, r.step) for r in unexplained("6.1", rows)] == [(second, "fsync A")]
    assert parse(["R xfs:dup 3 fsync EIO"]) == {("xfs", "dup"): [(3, "fsync", "EIO")]}


def test_the_eviction_trace_translates_to_kernel_steps():
    t = trace_of(KNOWN["T3"])
    script = translate(t)
    assert script.steps[:3] == ["open A f", "write A 0 1", "close A"]
    assert "remount" in script.steps and "fail f" in script.steps
    fsyncs = [(s, e) for s, e in zip(script.steps, script.expected) if s.startswith("fsync")]
    assert fsyncs == [("fsync B", "0")]
    assert script.steps[-1] == "read_direct f 0" and script.expected[-1] == "v0"


def test_a_trace_of_two_files_is_refused():
    with pytest.raises(Untranslatable, match="one data file"):
        translate(trace_of(KNOWN["T7"]))


def step(sid, which, os="linux-5.8", fs="ext4"):
    """The model's results for a scenario's step (its last occurrence)."""
    s = BY_ID[sid]
    last = max(i for i, st in enumerate(s.steps) if st == which)
    return results(sid, os, fs)[last]


def test_a_name_is_durable_after_a_commit_and_not_before():
    # on Linux the fsync of a new file commits its name (the journal commit it forces);
    # fsync(2) promises only the file, so under FreeBSD's policy the name may be lost
    assert step("pl-create-fsync", "size g") == ["s1"]
    assert step("pl-create-fsync", "size g", "freebsd") == ["ENOENT", "s1"]
    # nothing synced: the power may go before or after the journal's own commit
    assert step("pl-create", "size g") == ["ENOENT", "s0", "s1"]
    assert step("pl-rename-dirsync", "size t") == ["ENOENT"]
    assert step("pl-unlink", "size f") == ["ENOENT"]
    assert step("pl-truncate", "size f") == ["s1"]


def test_ext4_can_commit_a_size_ahead_of_its_data():
    # the renamed file, never synced: its size on disk before its data ('pl-rename-unsynced'
    # read version 0 with size 1 on 6.12's ext4); Btrfs and XFS update the size as the write
    # ends
    assert step("pl-rename-unsynced", "cat f 0") == ["eof", "v0", "v1"]
    assert step("pl-rename-unsynced", "cat f 0", fs="btrfs") == ["eof", "v1"]


def test_data_journal_reads_the_old_copy_yet_a_power_loss_replays_the_journal():
    j = "ext4-journal-6.12"
    assert step("failed-inplace-twice", "read A 0", fs=j) == ["v0"]
    assert step("failed-inplace-twice", "cat f 0", fs=j) == ["v0"]     # after a clean remount
    assert step("pl-failed-inplace-twice", "cat f 0", fs=j) == ["v1"]  # after a power loss
    # 6.1 wrote in place later, whenever jbd2 chose: before or after the fault healed
    assert step("pl-failed-inplace-twice", "cat f 0", fs="ext4-journal") == ["v1"]
    assert step("failed-inplace-twice", "cat f 0", fs="ext4-journal") == ["v0", "v1"]


def test_a_power_loss_translates_to_the_harness_power_loss():
    """R2's power loss becomes the probe's: the steps after it run in the next boot on the
    same image, with new descriptors, and the replay ends on what the disk holds."""
    script = translate(trace_of(KNOWN["R2"]))
    at = script.steps.index("powerloss")
    assert script.steps[:2] == ["open A f", "write A 0 1"]
    assert script.steps[at + 1:at + 4] == ["open Z f", "read Z 0", "close Z"]
    assert script.expected[at + 2] == "v0"          # replay reads what survived: version 0
    assert script.steps[-1] == "read_direct f 0" and not script.stopped
