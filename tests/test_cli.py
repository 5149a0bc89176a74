"""The command line as a user runs it: verdicts, exit codes, files, and bad input."""
import json
import subprocess
import sys

import pytest

from fsmodel.run.cells import EngineDisagreement, compare_engines as _compare
from fsmodel.run import registry
from fsmodel.config import default_bounds
from fsmodel.kernel.policy import POLICIES


def fsmodel(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "fsmodel", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_check_violation_exits_1_with_a_readable_trace():
    p = fsmodel("check", "pg-panic", "--os", "linux-4.16", "--disable", "third-party")
    assert p.returncode == 1
    assert "checkpoint-soundness: violated (10 steps)" in p.stdout
    assert "evict_inode" in p.stdout and "disk_behind_ckpt[0][0]=T" in p.stdout


def test_check_holds_exits_0():
    p = fsmodel("check", "pg-retry", "--os", "freebsd")
    assert p.returncode == 0, p.stderr
    assert "checkpoint-soundness: holds" in p.stdout


def test_check_json_and_itf(tmp_path):
    out = tmp_path / "t.itf.json"
    p = fsmodel("check", "pg-retry", "--os", "linux-4.13", "--json", "--trace-out", str(out))
    assert p.returncode == 1
    doc = json.loads(p.stdout)
    assert doc["verdict"] == "violated" and doc["engine"] == "explicit"
    assert doc["property"] == "checkpoint-soundness"
    assert {"spec", "os", "fs", "generated", "distinct", "depth", "seconds", "trace"} <= set(doc)
    assert "states" not in doc and doc["generated"] >= doc["distinct"] > 0   # one name each
    itf = json.loads(out.read_text())
    assert itf["#meta"]["os"] == "linux-4.13" and itf["#meta"]["engine"] == "explicit"
    assert itf["#meta"]["bounds"]["writes"] == 2
    assert len(itf["states"]) == doc["trace"]["states"].__len__()
    assert (tmp_path / "t.durability.itf.json").exists()


def test_limit_exits_3():
    p = fsmodel("check", "pg-panic", "--os", "freebsd", "--max-states", "100")
    assert p.returncode == 3
    assert "unknown" in p.stdout


def test_matrix_writes_traces_and_summary(tmp_path):
    p = fsmodel("matrix", "--specs", "os-contract", "--os", "linux-4.16,freebsd", "--out",
                str(tmp_path), "--jobs", "1")
    assert p.returncode == 0, p.stderr
    assert "| os-contract | 5          | ok      |" in p.stdout
    assert (tmp_path / "os-contract" / "linux-4.16.fsync-honesty.itf.json").exists()
    assert "fsync-honesty" in (tmp_path / "os-contract" / "linux-4.16.fsync-honesty.txt").read_text()
    assert "os-contract" in (tmp_path / "summary.md").read_text()


def test_list_names_every_policy():
    p = fsmodel("list")
    assert p.returncode == 0
    for pid in POLICIES:
        assert pid in p.stdout


def test_list_shows_each_specs_own_default_bounds():
    lines = fsmodel("list").stdout.splitlines()
    for sid, entry in registry.shipped().items():
        at = next(i for i, line in enumerate(lines) if line.split()[:1] == [sid])
        shown = dict(kv.split("=") for kv in lines[at + 1].split())
        expected = {k: str(v) for k, v in default_bounds(entry.bounds, entry.family).items()}
        assert shown == expected, sid
    fdpass = next(i for i, line in enumerate(lines) if line.split()[:1] == ["pg-fdpass"])
    assert "pages=2" in lines[fdpass + 1] and "queue=2" in lines[fdpass + 1]


@pytest.mark.parametrize("args,says", [
    (["check", "pg-nope", "--os", "linux-4.16"], "unknown spec 'pg-nope'"),
    (["check", "pg-panic", "--os", "windows"], "unknown OS policy 'windows'"),
    (["check", "pg-panic", "--os", "linux-4.16", "--fs", "zfs"], "unknown file system 'zfs'"),
    (["check", "pg-panic", "--os", "freebsd", "--fs", "xfs"], "is a Linux variant"),
    (["check", "pg-panic", "--os", "linux-4.16", "--writes", "99"], "out of range (1 to 6)"),
    (["check", "pg-panic", "--os", "linux-4.16", "--disable", "cosmic-rays"],
     "unknown environment behaviour 'cosmic-rays'"),
    (["check", "pg-panic", "--os", "linux-4.16", "--property", "liveness"],
     "unknown property 'liveness'"),
    (["check", "pg-panic"], "--os"),
    (["check", "pg-panic", "--os", "linux-4.16", "--writes", "two"], "invalid int value"),
    (["frobnicate"], "invalid choice"),
    (["matrix", "--os", "linux-4.16,plan9"], "unknown OS policy 'plan9'"),
])
def test_bad_input_is_one_line_and_exit_2(args, says):
    p = fsmodel(*args)
    assert p.returncode == 2
    assert says in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_broken_spec_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text("SPEC = (\n")
    p = fsmodel("check", str(bad), "--os", "linux-4.16")
    assert p.returncode == 2 and "does not load: SyntaxError" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    empty = tmp_path / "empty.py"
    empty.write_text("x = 1\n")
    p = fsmodel("check", str(empty), "--os", "linux-4.16")
    assert p.returncode == 2 and "defines no SPEC" in p.stderr
    p = fsmodel("check", str(tmp_path / "missing.py"), "--os", "linux-4.16")
    assert p.returncode == 2 and "no spec file" in p.stderr


def test_spec_file_outside_the_package(tmp_path):
    """A user's own variant, written in a few lines, checks like a shipped spec."""
    mine = tmp_path / "mine.py"
    mine.write_text("import dataclasses\n"
                    "from fsmodel.families.postgres import PANIC, Protocol\n"
                    "SPEC = Protocol(id='my-panic', summary='mine', sources=('#64',),\n"
                    "                on_fsync_error=PANIC)\n")
    p = fsmodel("check", str(mine), "--os", "freebsd")
    assert p.returncode == 0, p.stderr
    assert "my-panic on freebsd" in p.stdout


def test_closed_output_pipe_is_quiet():
    p = subprocess.run(f"{sys.executable} -m fsmodel list | head -1", shell=True,
                       capture_output=True, text=True)
    assert p.stdout == "specs (and the bounds each checks by default):\n"
    assert "Traceback" not in p.stderr


def test_matrix_writes_traces_by_default(tmp_path):
    p = fsmodel("matrix", "--specs", "os-contract", "--os", "netbsd", "--jobs", "1", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "out" / "matrix" / "os-contract" / "netbsd.fsync-honesty.txt").exists()


def test_engine_smt_and_both():
    p = fsmodel("check", "pg-panic", "--os", "linux-4.13", "--engine", "smt", "--json",
                "--disable", "third-party")
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout)
    assert doc["engine"] == "smt" and doc["property"] == "checkpoint-soundness"
    assert len(doc["trace"]["states"]) == 10   # 9 steps, as BFS finds
    assert [d["depth"] for d in doc["solver_seconds_per_depth"]] == list(range(12))
    p = fsmodel("check", "os-contract", "--os", "freebsd", "--engine", "both")
    assert p.returncode == 0, p.stderr
    assert "agrees with the explicit engine" in p.stdout
    assert "fsync-honesty: holds: proved by Spacer" in p.stdout


def cell(verdicts, lengths, depth=20):
    return {"verdicts": verdicts, "depth": depth, "details": {n: "" for n in verdicts},
            "traces": {n: {"length": k} for n, k in lengths.items()}}


def test_engine_comparison_flags_each_kind_of_contradiction():
    explicit = cell({"p": "violated", "q": "holds"}, {"p": 9})
    _compare(explicit, cell({"p": "violated", "q": "unknown"}, {"p": 9}, depth=12))
    _compare(explicit, cell({"p": "unknown", "q": "unknown"}, {}, depth=8))  # stopped short
    for smt in (cell({"p": "violated", "q": "holds"}, {"p": 10}),      # another length
                cell({"p": "unknown", "q": "holds"}, {}, depth=9),      # clean past 9
                cell({"p": "violated", "q": "violated"}, {"p": 9, "q": 4})):
        with pytest.raises(EngineDisagreement):
            _compare(explicit, smt)


def test_every_code_package_is_packaged():
    """A plain pip install ships every package of fsmodel/ (pyproject.toml lists them), and
    the spec folders as package data, found by glob."""
    import tomllib
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    conf = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.relative_to(root).parent.parts) for p in (root / "fsmodel").rglob("*.py")
             if "__pycache__" not in p.parts}
    assert found <= set(conf["packages"])
    globs = conf["package-data"]["fsmodel.specs"]
    shipped = {p.relative_to(root / "specs") for g in globs for p in (root / "specs").glob(g)}
    assert shipped == {p.relative_to(root / "specs") for p in (root / "specs").rglob("*.py")}
