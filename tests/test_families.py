"""A new family is new files only: the toy family of tests/toylog/ (a writer that appends
records and publishes their count by renaming a manifest) is listed, checked, put in a
matrix, drawn and validated through the command line as it stands, and its verdicts follow
from the kernel's namespace rules."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

TOY = Path(__file__).parent / "toylog"
SPEC, PATCH = str(TOY / "toylog.py"), str(TOY / "toylog_dirsync.py")


def fsmodel(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "fsmodel", *args], capture_output=True,
                          text=True, cwd=cwd)


def verdicts(os, *more):
    p = fsmodel("check", SPEC, "--os", os, "--json", *more)
    assert p.returncode in (0, 1), p.stderr
    out = json.loads(p.stdout)
    return {n: (v, len(out["trace"]["states"]) - 1 if v == "violated" and n == out["property"]
                else None) for n, v in out["properties"].items()}, out


def test_list_shows_the_family_of_a_spec_file():
    p = fsmodel("list", SPEC)
    assert p.returncode == 0, p.stderr
    assert "toylog " in p.stdout and "(toylog)" in p.stdout
    assert "family toylog:" in p.stdout
    for own in ("--manifests", "app-crash", "option --tmp-fsync on|off", "manifest-sound",
                "acked-durable"):
        assert own in p.stdout, own


def test_its_verdicts_follow_the_kernels_namespace_rules():
    # Linux: a failed fsync of the log, then a second fsync returns 0 (the error was
    # reported once): the manifest names a record the log lost
    linux, _ = verdicts("linux-5.8")
    assert linux["manifest-sound"][0] == "violated"
    # failed pages stay dirty and every fsync fails until they are written: sound; but the
    # rename is durable only after a commit, so an acknowledged count can be lost
    strict, out = verdicts("posix-strict")
    assert strict["manifest-sound"] == ("holds", None)
    assert strict["acked-durable"][0] == "violated"
    steps = [s["#meta"]["action"] for s in out["trace"]["states"][1:]]
    assert "install(f=1)" in steps and steps[-2] == "os_crash"
    # the directory's fsync after the rename keeps every acknowledged count, unless the
    # temporary manifest was not synced: the rename can then reach the disk before its data
    fixed = fsmodel("check", PATCH, "--os", "posix-strict")
    assert fixed.returncode == 0, fixed.stdout
    unsynced = fsmodel("check", PATCH, "--os", "posix-strict", "--option", "tmp-fsync=off",
                       "--property", "acked-durable")
    assert unsynced.returncode == 1 and "install" in unsynced.stdout


def test_its_own_bounds_and_behaviours_are_checked():
    bad = fsmodel("check", SPEC, "--os", "linux-5.8", "--bound", "manifests=9")
    assert bad.returncode == 2 and "out of range (1 to 4)" in bad.stderr
    bad = fsmodel("check", SPEC, "--os", "linux-5.8", "--backends", "2")
    assert bad.returncode == 2 and "unknown bound 'backends'" in bad.stderr
    bad = fsmodel("check", SPEC, "--os", "linux-5.8", "--option", "tmp-fsync=maybe")
    assert bad.returncode == 2 and "tmp-fsync" in bad.stderr
    p = fsmodel("check", SPEC, "--os", "posix-strict", "--disable", "app-crash,os-crash")
    assert p.returncode == 0, p.stdout + p.stderr    # no crash: nothing can be lost


def test_matrix_render_and_validate_take_it(tmp_path):
    out = tmp_path / "m"
    p = fsmodel("matrix", "--specs", f"{SPEC},os-contract", "--os", "linux-5.8,posix-strict",
                "--out", str(out), "--report", str(tmp_path / "r"))
    assert p.returncode == 0, p.stderr
    row = next(line for line in p.stdout.splitlines() if line.startswith("| toylog"))
    assert "ok/" in row.split("|")[3]          # posix-strict: manifest-sound holds
    traces = sorted((out / "toylog").glob("linux-5.8.*.itf.json"))
    assert [t.name for t in traces] == ["linux-5.8.acked-durable.itf.json",
                                        "linux-5.8.manifest-sound.itf.json"]
    svg = fsmodel("render", str(traces[1]))
    assert svg.returncode == 0 and b"writer" in svg.stdout.encode() and "<svg" in svg.stdout
    v = fsmodel("validate", PATCH, "--os", "linux-5.8,posix-strict")
    assert v.returncode == 0, v.stdout + v.stderr     # its claim holds on posix-strict
    assert "holds (confirmed)" in v.stdout
    row = next(line for line in v.stdout.splitlines() if line.startswith("| posix-strict"))
    assert "acked-durable" in row and "closed" in row


@pytest.mark.parametrize("name", ["toylog_family.py", "toylog.py", "toylog_dirsync.py"])
def test_the_family_lives_in_its_own_files(name):
    """Nothing in fsmodel/ names it: it is found through the spec file only."""
    root = Path(__file__).resolve().parents[1] / "fsmodel"
    assert not any("toylog" in p.read_text() for p in root.rglob("*.py"))
    assert (TOY / name).is_file()


def toy_spec(os, fs="ext4", **bounds):
    """The toy family's spec built in this process (its file puts its family on sys.path)."""
    from fsmodel.config import make_config
    from fsmodel.run import registry
    entry = registry.find(SPEC)
    cfg = make_config(os, fs, [], bounds, defaults=entry.bounds, family=entry.family)
    return entry.build(cfg)


@pytest.mark.parametrize("os,fs", [("linux-5.8", "ext4"), ("posix-strict", "ext4")])
def test_the_namespace_is_the_same_to_every_engine(os, fs):
    """Native, Python and z3 on the kernel's namespace (create, rename, append, truncate,
    the directory's fsync, a power loss): the same graph, counts and shortest traces."""
    from fsmodel.engines import native, pybfs, smt
    spec = toy_spec(os, fs, writes=1, manifests=1)
    a, b = native.check(spec, progress=None), pybfs.check(spec, progress=None)
    assert (a.verdicts, a.distinct, a.generated, a.depth) == \
        (b.verdicts, b.distinct, b.generated, b.depth)
    assert {p: t.length for p, t in a.traces.items()} == \
        {p: t.length for p, t in b.traces.items()}
    bmc = smt.bmc(spec, max(t.length for t in a.traces.values()), 300)
    assert {p: t.length for p, t in bmc.traces.items()} == \
        {p: t.length for p, t in a.traces.items()}


@pytest.mark.crosscheck
@pytest.mark.parametrize("os,fs", [("linux-5.8", "ext4-journal"), ("linux-5.8", "btrfs"),
                                   ("linux-4.16", "ext4-journal-6.12"), ("freebsd", "ext4")])
def test_the_namespace_is_the_same_to_the_explicit_engines_everywhere(os, fs):
    from fsmodel.engines import native, pybfs
    spec = toy_spec(os, fs)
    a, b = native.check(spec, progress=None), pybfs.check(spec, progress=None)
    assert (a.verdicts, a.distinct, a.generated, a.depth) == \
        (b.verdicts, b.distinct, b.generated, b.depth)
