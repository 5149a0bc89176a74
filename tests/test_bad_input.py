"""Bad input of every class gets one line on stderr and exit 2 (3 for a limit), never a
traceback and never a verdict."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = ["--files", "1", "--backends", "1", "--faults", "1", "--crashes", "1"]


def fsmodel(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "fsmodel", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def one_line(p, code, needle):
    assert p.returncode == code, (p.returncode, p.stderr[-500:])
    assert "Traceback" not in p.stderr
    lines = [x for x in p.stderr.splitlines() if x.startswith("fsmodel: error")]
    assert len(lines) == 1 and needle in lines[0], p.stderr


PATCH = '''from fsmodel import spec_file
SPEC = spec_file("pg_panic").variant(id="mine", baseline="pg-panic", {field})
'''


@pytest.mark.parametrize("field, needle", [
    ('fd_passing="newest"', "fd_passing = 'newest': takes None, first or oldest"),
    ('on_fsync_error="explode"', "on_fsync_error = 'explode'"),
    ('init_sync="bogus"', "init_sync = 'bogus'"),
    ('hold_fds="yes"', "hold_fds = 'yes': takes True or False"),
    ('fd_passing="first", hold_fds=True', "hold_fds = True: takes True only with fd_passing None"),
    ('kernel={"sample": ("bogus-rule",)}', "kernel field 'sample'"),
    ('kernel={"bg_fates": ("explode",)}', "kernel field 'bg_fates'"),
    ('kernel={"recrod": "flag"}', "kernel field 'recrod' cannot be patched"),
    ('bounds={"files": 99}', "bound --files 99 is out of range (1 to 3)"),
    ('bounds={"wrotes": 2}', "unknown mine: bound 'wrotes'"),
    ('options={"fs": "zfs"}', "options fs = 'zfs'"),
    ('options={"fpw": "maybe"}', "option fpw = 'maybe': takes True or False"),
    ('options={"dir-sync": True}', "unknown option 'dir-sync' (choose from fpw, client)"),
    ('options={"disable": ("app-crash",)}', "options disable = ('app-crash',)"),
    ('bounds={"manifests": 2}', "unknown mine: bound 'manifests'"),
    ('expect={"holds": ("plan9",)}', "expect"),
])
def test_a_patch_field_outside_its_choices(tmp_path, field, needle):
    f = tmp_path / "mine.py"
    f.write_text(PATCH.format(field=field))
    one_line(fsmodel("check", str(f), "--os", "linux-4.16", *SMALL), 2, needle)
    one_line(fsmodel("validate", str(f), "--os", "linux-4.16", *SMALL), 2, needle)


@pytest.mark.parametrize("body, needle", [
    ("import sys\nsys.exit(0)\n", "does not load: SystemExit"),
    ("raise KeyError('x')\n", "does not load: KeyError"),
])
def test_a_spec_file_that_exits_at_import(tmp_path, body, needle):
    f = tmp_path / "bad.py"
    f.write_text(body)
    one_line(fsmodel("check", str(f), "--os", "linux-4.16"), 2, needle)


def unwritable(tmp_path):
    """Paths no output can go to, each with what the error says."""
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = [(str(afile / "x" / "y"), "Not a directory"), ("/proc/fsmodel/x", ""),
           (str(tmp_path / ("n" * 300) / "x"), "too long")]
    if os.geteuid() != 0:   # root writes through a mode 500 directory
        out.append((str(ro / "x"), "Permission denied"))
    return out


@pytest.mark.parametrize("command", [
    ["check", "pg-panic", "--os", "linux-4.16", *SMALL, "--trace-out"],
    ["check", "pg-panic", "--os", "linux-4.16", *SMALL, "--render"],
    ["matrix", "--specs", "os-contract", "--os", "netbsd", "--out"],
    ["matrix", "--specs", "os-contract", "--os", "netbsd", "--report"],
    ["export", "pg-panic", "--os", "linux-4.16", "-o"],
    ["graph", "os-contract", "--os", "netbsd", *SMALL, "--format", "dot", "-o"],
    ["gallery", "--out"],
])
def test_an_output_that_cannot_be_written_stops_before_any_work(tmp_path, command):
    for path, needle in unwritable(tmp_path):
        p = fsmodel(*command, path, cwd=tmp_path)
        one_line(p, 2, needle)
        assert "violated" not in p.stdout and "holds" not in p.stdout


def test_a_full_device_is_one_line():
    one_line(fsmodel("export", "pg-panic", "--os", "linux-4.16", "-o", "/dev/full"), 2,
             "No space left on device")


def trace_files(tmp_path):
    good = json.loads(fsmodel("check", "pg-panic", "--os", "linux-4.16", *SMALL, "--json")
                      .stdout)["trace"]
    cases = {"binary.json": (b"\x89PNG\r\n\x1a\n\x00\xff", "not a text file"),
             "nested.json": ((b"[" * 100_000) + (b"]" * 100_000), "nested too deeply"),
             "empty.json": (b"{}", "#meta: missing"),
             "nometa.json": (json.dumps({k: v for k, v in good.items() if k != "#meta"})
                             .encode(), "#meta: missing"),
             "badcall.json": (json.dumps(good | {"states": [{"#meta": {"action": "x",
                                                                        "calls": [1]}}]})
                              .encode(), "call: not a dict"),
             "noaction.json": (json.dumps(good | {"states": [{"#meta": {}}]}).encode(),
                               "action: missing")}
    for name, (data, needle) in cases.items():
        (tmp_path / name).write_bytes(data)
        yield tmp_path / name, needle
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    yield fifo, "not a regular file"
    yield tmp_path / "missing.json", "no such file"


@pytest.mark.parametrize("command", [["render"], ["replay", "--kernel"]])
def test_a_bad_trace_file_is_one_line(tmp_path, command):
    for path, needle in trace_files(tmp_path):
        args = [command[0], str(path), *command[1:]]
        one_line(fsmodel(*args, "-o", str(tmp_path / "o.svg")) if command == ["render"]
                 else fsmodel(*args), 2, needle)


@pytest.mark.parametrize("args, needle", [
    (["check", "pg-panic", "--os", "linux-4.16", "--max-seconds", "nan"], "--max-seconds"),
    (["check", "pg-panic", "--os", "linux-4.16", "--max-seconds", "inf"], "--max-seconds"),
    (["check", "pg-panic", "--os", "linux-4.16", "--prove-seconds", "nan"], "--prove-seconds"),
    (["check", "pg-panic", "--os", "linux-4.16", "--threads", "99"], "--threads"),
    (["check", "pg-panic", "--os", "linux-4.16", "--sweep", "--engine", "smt"], "--sweep"),
    (["check", "pg-panic", "--os", "linux-4.16", "--sweep", "--max-seconds", "-1"],
     "--max-seconds"),
    (["check", "pg-panic", "--os", "linux-4.16", "--sweep", "--trace-out", "t.json"],
     "--sweep writes no trace"),
    (["check", "pg-nope", "--os", "linux-4.16", "--sweep"], "unknown spec 'pg-nope'"),
    (["export", "pg-panic", "--os", "linux-4.16", "--property", "liveness"],
     "unknown property 'liveness'"),
    (["export", "pg-panic", "--os", "plan9"], "unknown OS policy 'plan9'"),
    (["export", "pg-panic", "--os", "linux-4.16", "--format", "tla"], "invalid choice"),
    (["export", "pg-panic", "--os", "linux-4.16", "--files", "9"], "out of range"),
])
def test_bad_options_of_export_and_sweep(tmp_path, args, needle):
    one_line(fsmodel(*args, cwd=tmp_path), 2, needle)


BIG = ("pg-panic", "--os", "freebsd", "--files", "3", "--pages", "2", "--backends", "3",
       "--writes", "4", "--checkpoints", "3", "--crashes", "2", "--faults", "3")   # holds; minutes of search at least


def test_an_exhausted_budget_exits_3_with_the_partial_figures():
    p = fsmodel("check", *BIG, "--max-seconds", "1")
    assert p.returncode == 3 and "Traceback" not in p.stderr
    assert "unknown: stopped by --max-seconds 1" in p.stdout
    explored = [x for x in p.stdout.splitlines() if x.strip().startswith("explored")]
    assert explored and int(explored[0].split()[1]) > 0
    s = fsmodel("check", *BIG, "--sweep", "--max-seconds", "2")
    assert s.returncode == 3 and "Traceback" not in s.stderr
    assert "no configuration was explored in full within the budget" in s.stdout
    assert "states in" in s.stdout


def test_sweep_finds_what_the_smaller_bounds_hid():
    """pg-fdpass holds on strict POSIX with one file; a second file admits F2."""
    p = fsmodel("check", "pg-fdpass", "--os", "posix-strict", "--files", "1", "--sweep",
                "--max-seconds", "60")
    assert p.returncode == 1, p.stdout
    assert "largest configuration explored in full: files=1" in p.stdout
    assert "violated at files=2" in p.stdout and "(11 steps)" in p.stdout


def test_a_rerun_replaces_the_previous_results_as_a_whole(tmp_path):
    out = tmp_path / "m"
    assert fsmodel("matrix", "--specs", "os-contract", "--os", "linux-4.16", "--out",
                   str(out)).returncode == 0
    assert (out / "os-contract" / "linux-4.16.fsync-honesty.txt").exists()
    assert fsmodel("matrix", "--specs", "os-contract", "--os", "freebsd", "--out",
                   str(out)).returncode == 0
    assert not (out / "os-contract").exists()          # no counterexample left from before
    assert "freebsd" in (out / "summary.md").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".m.new")]


def test_sigterm_stops_a_search_with_what_it_explored():
    import signal
    import time
    p = subprocess.Popen([sys.executable, "-m", "fsmodel", "check", "pg-fdpass-first", "--os",
                          "openbsd", "--engine", "python"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 143 and "Traceback" not in err
    assert "fsmodel: interrupted after" in err and "distinct states" in err


def test_sigterm_to_a_matrix_leaves_no_worker_running(tmp_path):
    import signal
    import time
    p = subprocess.Popen([sys.executable, "-m", "fsmodel", "matrix", "--specs",
                          "pg-fdpass-first", "--os", "openbsd,adversarial", "--engine", "python",
                          "--out", str(tmp_path / "out")], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(5)
    children = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True)
    workers = children.stdout.split()
    assert workers
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 143 and "Traceback" not in err
    time.sleep(1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "zombie" not in Path(f"/proc/{w}/status").read_text().lower()]
    assert not alive


@pytest.mark.parametrize("args, needle", [
    (["--bound", "files"], "--bound 'files': takes NAME=N"),
    (["--bound", "files=two"], "--bound 'files=two': takes NAME=N"),
    (["--bound", "manifests=2"], "unknown bound 'manifests' for postgres"),
    (["--option", "fpw"], "--option 'fpw': takes NAME=VALUE"),
    (["--option", "nope=on"], "unknown option 'nope' for postgres (choose from client, fpw)"),
    (["--option", "fpw=maybe"], "option fpw = 'maybe': takes True or False"),
    (["--disable", "app-crash"], "unknown environment behaviour 'app-crash' for postgres"),
])
def test_a_family_bound_option_or_behaviour_it_does_not_have(args, needle):
    one_line(fsmodel("check", "pg-panic", "--os", "linux-4.16", *SMALL, *args), 2, needle)


def test_an_option_the_spec_has_not_is_refused_not_ignored():
    one_line(fsmodel("check", "os-contract", "--os", "linux-4.16", "--fpw", "off"), 2,
             "unknown option 'fpw' for contract (it has none)")
    one_line(fsmodel("list", "no_such_spec.py"), 2, "no spec file no_such_spec.py")


ENGINE_PATCH = '''from fsmodel import spec_file
SPEC = spec_file("leveldb").variant(id="mine", baseline="leveldb", {field})
'''


@pytest.mark.parametrize("field, needle", [
    ('knobs={"on_sync_error": "explode"}', "knob on_sync_error = 'explode': takes 'sticky' "
                                           "or 'truncate-log'"),
    ('knobs={"paranoid": True}', "unknown knob 'paranoid' (choose from on_sync_error)"),
    ('bounds={"keys": 9}', "bound --keys 9 is out of range (1 to 3)"),
    ('bounds={"backends": 2}', "unknown mine: bound 'backends'"),
])
def test_an_engine_patch_outside_its_choices(tmp_path, field, needle):
    f = tmp_path / "mine.py"
    f.write_text(ENGINE_PATCH.format(field=field))
    one_line(fsmodel("check", str(f), "--os", "linux-5.8"), 2, needle)
    one_line(fsmodel("validate", str(f), "--os", "linux-5.8"), 2, needle)


@pytest.mark.parametrize("args, needle", [
    (["check", "leveldb", "--os", "linux-5.8", "--keys", "4"], "--keys 4 is out of range"),
    (["check", "leveldb", "--os", "linux-5.8", "--disable", "pg-crash"],
     "unknown environment behaviour 'pg-crash' for leveldb"),
    (["check", "leveldb", "--os", "linux-5.8", "--property", "torn-write"],
     "unknown property 'torn-write' (choose from old-value, false-failure"),
    (["check", "leveldb", "--os", "linux-5.8", "--backends", "2"], "unknown bound 'backends'"),
    (["check", "levledb", "--os", "linux-5.8"], "unknown spec 'levledb'"),
    (["matrix", "--family", "kvs"], "unknown family 'kvs'"),
    (["matrix", "--family", "kv", "--specs", "nosuch"], "unknown spec 'nosuch'"),
    (["matrix", "--specs", "leveldb", "--os", "freebsd/ext4"], "file systems are variants of "
                                                                "Linux policies only"),
    (["matrix", "--specs", "leveldb", "--os", "linux-5.8/zfs"], "unknown file system 'zfs'"),
])
def test_engine_ids_knobs_and_columns_outside_their_choices(tmp_path, args, needle):
    one_line(fsmodel(*args, "--out", str(tmp_path / "o")) if args[0] == "matrix"
             else fsmodel(*args), 2, needle)
