"""The Python API as a user's own pytest would use it."""
import pytest

import fsmodel
from fsmodel.config import BadConfig


def test_check_returns_verdicts_traces_and_statistics():
    r = fsmodel.check("pg-panic", "linux-4.16", disable=["third-party"],
                      bounds={"files": 1, "backends": 1, "faults": 1, "crashes": 1})
    assert r.verdict == "violated" and r.verdicts["checkpoint-soundness"] == "violated"
    t = r.traces["checkpoint-soundness"]
    assert t.length == 10 and t.steps[-1].action == "ckpt_finish"
    assert r.bounds["files"] == 1 and r.distinct > 0 and r.generated >= r.distinct
    assert fsmodel.render(t, "dot").startswith(b"digraph")


def test_a_holding_check_says_so_with_its_bounds():
    r = fsmodel.check("pg-panic", "freebsd", bounds={"files": 1, "writes": 1})
    assert r.verdict == "holds" and r.complete and not r.traces
    assert "files=1" in r.details["durability"]


def test_matrix_and_validate():
    grid = fsmodel.matrix(["os-contract"], ["freebsd", "linux-4.16"], jobs=1)
    assert {k: c.verdict for k, c in grid.items()} == {
        ("os-contract", "freebsd"): "holds", ("os-contract", "linux-4.16"): "violated"}
    rows = fsmodel.validate("hold-fds", ["linux-4.13"], jobs=1,
                            bounds={"files": 1, "backends": 1, "faults": 1, "crashes": 1})
    assert rows[0]["known"]["T2"]["closed"]      # the close before the late open is refused


def test_a_bad_choice_raises_a_value_error_naming_the_choices():
    with pytest.raises(BadConfig, match=r"bound --files 9 is out of range \(1 to 3\)"):
        fsmodel.check("pg-panic", "linux-4.16", bounds={"files": 9})
    assert "pg-panic" in fsmodel.specs() and "freebsd" in fsmodel.policies()
    assert fsmodel.__version__


def test_matrix_tells_its_watcher_how_far_each_running_cell_is():
    """A cell that runs for seconds is reported while it runs (cells running, their distinct
    states), and its last report is at most what it finally explored."""
    from fsmodel.run.cells import DEFAULTS
    from fsmodel.run.matrix import Watch, run_matrix

    class Record(Watch):
        def __init__(self):
            self.ticks, self.done_ = [], []

        def done(self, job, cell, running):
            self.done_.append((job, cell["distinct"]))

        def tick(self, running):
            self.ticks += [(job, p) for job, p in running.items() if p is not None]

    w = Record()
    opts = DEFAULTS | {"engine": "python", "bounds": {"files": 1}}
    cells, _ = run_matrix(["pg-panic"], ["freebsd"], opts, 1, w)
    job = ("pg-panic", "freebsd")
    assert w.done_ == [(job, cells[job]["distinct"])]
    assert w.ticks and {j for j, _ in w.ticks} == {job}
    reports = [p.distinct for _, p in w.ticks]
    assert reports == sorted(reports) and 0 < reports[-1] <= cells[job]["distinct"]
