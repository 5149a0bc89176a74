"""The conformance harness's model side and its translation of traces (no QEMU here: the
boots run in `make conformance`)."""
import pytest

from fsmodel.conformance.compare import compare, parse, unexplained
from fsmodel.conformance.kernel_replay import Untranslatable, translate
from fsmodel.conformance.predict import predict
from fsmodel.conformance.scenarios import SCENARIOS, SETUP
from fsmodel.known import KNOWN

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
    t = KNOWN["T3"].trace()
    script = translate(t)
    assert script.steps[:3] == ["open A f", "write A 0 1", "close A"]
    assert "remount" in script.steps and "fail f" in script.steps
    fsyncs = [(s, e) for s, e in zip(script.steps, script.expected) if s.startswith("fsync")]
    assert fsyncs == [("fsync B", "0")]
    assert script.steps[-1] == "read_direct f 0" and script.expected[-1] == "v0"


def test_a_trace_of_two_files_is_refused():
    with pytest.raises(Untranslatable, match="one data file"):
        translate(KNOWN["T7"].trace())
