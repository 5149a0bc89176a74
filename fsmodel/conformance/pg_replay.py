"""A PostgreSQL trace as an experiment on the real server (conformance/pg.sh's steps).

Model file f is table t<f>; model page p of it is the row with id p, alone on heap block p
(fillfactor 10, rows of 1 kB), so the model's page is a real page the dm error target can
cover (FIEMAP of the table's file).  Each step becomes what makes the server or the kernel do
it:

    commit                  UPDATE t<f> SET v = <version> WHERE id = <p> (a new session)
    write_buffer            a new session reads the filler table into the 16 shared buffers
                            (pg_prewarm): it evicts the dirty buffer, writes it and forwards
                            the fsync request (bufmgr.c FlushBuffer, md.c register_dirty_segment)
    close_fd                nothing: every session ends after its statement, closing its
                            descriptors (a backend's descriptor changes no other's cursor)
    ckpt_start .. ckpt_finish, or .. the failing ckpt_fsync
                            CHECKPOINT (one command: the steps of other actors inside it are
                            moved before it, and the model must agree that the reordered
                            trace is a trace of the spec with the same violation)
    fault / heal            the dm error target over t<f>'s sectors / the table swapped back
    writeback               sync(2)
    evict_inode, evict_page echo 3 > drop_caches (the kernel runs show it evicts an unused inode)
    other_open/fsync/close  a third process (the probe) opens t<f>'s file, fsyncs, closes
    pg_crash; replay        kill -9 of the postmaster; the server started again (recovery:
                            the pre-recovery sync, replay, and the end-of-recovery checkpoint,
                            whose steps the trace shows after replay)
    os_crash                the harness's power loss: the disk cut off (an all-error table),
                            the guest rebooted without sync, the image mounted again; a fault
                            that was on is armed again (the device's, not the kernel's)

At the end: the fault healed, the server killed, the page cache dropped and the server started
again (crash recovery from the last checkpoint), and every row the trace committed read back
and compared with its last committed value.  Anything else (a second power loss, fd
passing, a spec this server does not run) is Untranslatable: one line, naming the step and
why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import make_config
from ..engines.replay import replay
from ..families.base import family_of
from ..run import registry
from ..trace import Trace

# The model's policy for the kernels booted (errseq_t with syncfs's cursor: 5.8 and later).
POLICY = "linux-5.8"
# The specs the shipped server runs, and the setting each one is (guc.c data_sync_retry).
SETTINGS = {"pg-retry": {"data_sync_retry": "on"}, "pg-panic": {"data_sync_retry": "off"}}
CHECKPOINT = ("ckpt_start", "buffer_sync", "absorb", "ckpt_fsync", "ckpt_finish")
# What a control may set: the server's reactions to a failed fsync.
CONTROL_SETTINGS = {"data_sync_retry": ("on", "off"), "full_page_writes": ("on", "off")}
MOVABLE = ("fault", "heal", "writeback", "evict_inode", "evict_page", "other_open",
           "other_fsync", "other_close")


def control_settings() -> str:
    return "; ".join(f"{k}={'|'.join(v)}" for k, v in CONTROL_SETTINGS.items())


class Untranslatable(ValueError):
    """A trace that cannot be run on the real server (one line)."""


@dataclass
class Row:
    origin: str             # the trace's steps it stands for
    action: str             # pg.sh's step ("" when the real server does it by itself)
    expected: str | None    # what the trace says the step returned (None: not compared)


@dataclass
class Experiment:
    id: str
    spec: str
    settings: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    committed: dict[tuple[int, int], int] = field(default_factory=dict)
    note: str = ""          # the reordering the model confirmed, if any
    control: bool = False   # compared only at the end: every row keeps its value

    @property
    def power_loss(self) -> bool:
        """Run across two boots on an image of its own (harness.boot)."""
        return "powerloss" in self.steps

    def add(self, origin: str, action: str, expected: str | None = None) -> None:
        self.rows.append(Row(origin, action, expected))

    @property
    def steps(self) -> list[str]:
        """pg.sh's steps after the setup (those the server does by itself left out)."""
        return [r.action for r in self.rows if r.action]

    def script(self) -> str:
        conf = [f"conf {k} {v}" for k, v in self.settings.items()]
        return "\n".join(["#pg", *conf, *setup(self.tables()), *self.steps]) + "\n"

    def tables(self) -> dict[int, int]:
        """Model file -> its number of pages (rows)."""
        out: dict[int, int] = {}
        for f, p in self.committed:
            out[f] = max(out.get(f, 0), p + 1)
        return out


def setup(tables: dict[int, int]) -> list[str]:
    """The cluster before the trace: each table with its rows at version 0, a filler table
    four times the shared buffers, all of it on disk (a checkpoint)."""
    out = ["start", "sql create extension pg_prewarm"]
    for f, pages in sorted(tables.items()):
        out += [f"sql create table t{f} (id int, v int, pad char(1000)) with (fillfactor=10)",
                f"sql insert into t{f} select g, 0, 'x' from generate_series(0, {pages - 1}) g",
                f"locate t{f}"]
    out += ["sql create table filler (id int, pad char(1000))",
            "sql insert into filler select g, 'x' from generate_series(1, 448) g",
            "checkpoint", "log"]
    return out


def translate(trace: Trace, without: tuple[str, ...] = (),
              settings: dict[str, str] | None = None) -> Experiment:
    """The experiment a trace is; ``without`` drops the steps of those actions and
    ``settings`` overrides the server's (a control: nothing of it is compared but the end)."""
    if trace.spec not in SETTINGS:
        raise Untranslatable(f"replay --postgres runs traces of {', '.join(SETTINGS)} (the "
                             f"shipped server), not {trace.spec}")
    names = {_name(s.action) for s in trace.steps[1:]}
    if set(without) - names:
        raise Untranslatable(f"--without {', '.join(sorted(set(without) - names))}: no step of "
                             f"the trace is one (its actions: {', '.join(sorted(names))})")
    control = bool(without or settings)
    exp = Experiment(f"{trace.meta.get('known', trace.spec)}{'-control' if control else ''}",
                     trace.spec, SETTINGS[trace.spec] | {
                         "full_page_writes": "on" if trace.meta.get("full_page_writes", True)
                         else "off"} | (settings or {}), control=control)
    steps = [(i, s) for i, s in enumerate(trace.steps[1:], 1) if _name(s.action) not in without]
    order, moved = _reorder(steps)
    if not control:
        exp.note = _confirm(trace, [s.action for _, s in order], moved)
    _rows(exp, order, control)
    last = trace.steps[-1].state
    for r in exp.rows:     # what the restarted server reads: the committed value in a
        if r.action.startswith("sql select"):     # control, what the disk holds otherwise
            f, p = map(int, re.findall(r"\d+", r.action))
            r.expected = str(exp.committed[(f, p)] if control else last[f"disk[{f}][{p}]"])
    return exp


def _name(label: str) -> str:
    return label.split("(")[0]


def _args(label: str) -> dict[str, str]:
    return dict(re.findall(r"(\w+)=(\w+)", label))


def _ends_checkpoint(s) -> bool:
    """ckpt_finish, or a ckpt_fsync that failed (the checkpoint ends in ERROR or PANIC)."""
    return _name(s.action) == "ckpt_finish" or _name(s.action) == "ckpt_fsync" and any(
        c["call"] == "fsync" and c["result"] != "0" for c in s.calls)


def _reorder(steps: list) -> tuple[list, list[int]]:
    """Each checkpoint's steps together, the other actors' steps inside it moved before it;
    and the numbers of the steps moved."""
    out, block, held, moved = [], [], [], []
    for i, s in steps:
        name = _name(s.action)
        if name == "ckpt_start":
            block = [(i, s)]
        elif block and name in CHECKPOINT:
            block.append((i, s))
            if _ends_checkpoint(s):
                out += held + block
                block, held = [], []
        elif block and name in MOVABLE:
            held.append((i, s))
            moved.append(i)
        elif block:
            raise Untranslatable(f"step {i} ({s.action}) runs inside a checkpoint, which the "
                                 "real server runs as one command (CHECKPOINT)")
        else:
            out.append((i, s))
    return out + held + block, moved


def _confirm(trace: Trace, labels: list[str], moved: list[int]) -> str:
    """The model's word that the steps, in the order the server runs them, are a trace of the
    shipped spec under the booted kernels' policy, ending in the trace's violation (a trace
    of a variant, or of another policy, is not one the experiment can stand for)."""
    entry = registry.find(trace.spec)
    fam = family_of(entry)
    m = trace.meta
    options = {n: m[c.shown_as or n] for n, c in fam.options.items() if (c.shown_as or n) in m}
    cfg = make_config(POLICY, m.get("fs", "ext4"), m.get("disabled", []), m.get("bounds"),
                      defaults=entry.bounds, options=options, family=fam)
    r = replay(entry.build(cfg), labels)
    which = f"step {moved[0]} runs" if len(moved) == 1 else \
        f"steps {', '.join(map(str, moved))} run"
    if r.stuck_at is not None or trace.property not in r.violated:
        why = (f"step {r.stuck_at + 1} ({labels[r.stuck_at]}) is not enabled"
               if r.stuck_at is not None else f"it does not violate {trace.property}")
        moving = f" with {which.replace(' run', '').replace(' runs', '')} before its " \
            "checkpoint" if moved else ""
        raise Untranslatable(f"the model says this is not a trace of the shipped {trace.spec} "
                             f"under {POLICY} (the booted kernels' policy){moving}: {why}")
    if not moved:
        return ""
    return (f"{which} before the CHECKPOINT that holds {'it' if len(moved) == 1 else 'them'} "
            f"in the trace: the model replays that order to the same {trace.property} "
            "violation")


def _rows(exp: Experiment, steps: list, control: bool) -> None:
    dirty: set[tuple[int, int]] = set()
    faulted: int | None = None          # the table whose sectors fail now
    i = 0
    while i < len(steps):
        n, s = steps[i]
        name, args = _name(s.action), _args(s.action)
        f, p = int(args.get("f", 0)), int(args.get("p", 0))
        origin = f"{n}. {s.action}"
        want = (lambda x: None) if control else (lambda x: x)
        if name == "commit":
            v = s.state[f"ver[{f}][{p}]"]
            exp.committed[(f, p)] = v
            dirty.add((f, p))
            exp.add(origin, f"sql update t{f} set v = {v} where id = {p}", want(""))
        elif name == "write_buffer":
            if dirty != {(f, p)}:
                raise Untranslatable(f"step {origin}: one dirty buffer written of "
                                     f"{len(dirty)}; a scan evicts every dirty buffer")
            dirty.clear()
            exp.add(origin, "evict")
        elif name == "close_fd":
            exp.add(origin, "")
        elif name == "ckpt_start":
            j = i
            while not _ends_checkpoint(steps[j][1]):
                j += 1
                if j == len(steps):
                    raise Untranslatable(f"step {origin}: a checkpoint the trace does not end")
            last = steps[j][1]
            if s.state.get("recovery") == "end-ckpt":   # StartupXLOG's, inside the start
                exp.add(f"{n}-{steps[j][0]}. " + "; ".join(x.action for _, x in
                                                          steps[i:j + 1]), "")
                i = j + 1
                continue
            ok = _name(last.action) == "ckpt_finish"
            said = "ok" if ok else "PANIC" if exp.settings["data_sync_retry"] == "off" \
                else "ERROR"
            exp.add(f"{n}-{steps[j][0]}. " + "; ".join(x.action for _, x in steps[i:j + 1]),
                    "checkpoint", want(said))
            dirty.clear()
            i = j
        elif name in ("fault", "heal"):
            faulted = f if name == "fault" else None
            exp.add(origin, f"fail t{f}" if name == "fault" else "heal", want("0"))
        elif name == "writeback":
            exp.add(origin, "sync")
        elif name in ("evict_inode", "evict_page"):
            exp.add(origin, "drop_caches")
        elif name in ("other_open", "other_fsync", "other_close"):
            call = next((c for c in s.calls if c["call"] in ("open", "fsync", "close")), None)
            said = "0" if call is None or call["call"] == "open" else str(call["result"])
            exp.add(origin, f"tp {name[6:]} t{f}", want(said))
        elif name == "pg_crash":
            exp.add(origin, "kill9")
        elif name == "os_crash":
            if "powerloss" in exp.steps:
                raise Untranslatable(f"step {origin}: the harness runs one power loss a run")
            exp.add(origin, "powerloss")
            if faulted is not None:
                exp.add(origin, f"fail t{faulted}", "0")
        elif name == "replay":
            exp.add(origin, "start", want("ok"))
        else:
            raise Untranslatable(f"step {origin}: no real counterpart in replay --postgres")
        i += 1
    if faulted is not None:
        exp.add("end", "heal")
    exp.add("end", "kill9")
    exp.add("end", "drop_caches")
    exp.add("end", "start", "ok")
    for (f, p), v in sorted(exp.committed.items()):
        exp.add(f"end: t{f} row {p} committed {v}", f"sql select v from t{f} where id = {p}",
                str(v))


def matches(expected: str, seen: str) -> bool:
    """A step's result against the trace's: CHECKPOINT's ERROR by its first word, a PANIC by
    the session the server ended (postmaster.c: every backend is terminated after a crash;
    the log has the PANIC line)."""
    if expected == "ERROR":
        return seen.startswith("ERROR")
    if expected == "PANIC":
        return any(x in seen for x in ("PANIC", "server closed the connection",
                                       "terminating connection because of crash"))
    return seen == expected


def results(exp: Experiment, lines: list[str]) -> tuple[list[str | None], list[str]]:
    """What each row's step returned on the guest (None: the server did it by itself) and
    the server's log lines, from the console's P and L lines of this experiment."""
    before = len(exp.settings) + len(setup(exp.tables()))
    got: dict[int, str] = {}
    log = []
    for x in lines:
        parts = x.split(" ", 4)
        if parts[0] == "P" and parts[1] == exp.id and len(parts) >= 4:
            got[int(parts[2]) - before] = parts[4] if len(parts) > 4 else ""
        elif parts[0] == "L" and parts[1] == exp.id:
            log.append(x.split(" ", 2)[2])
    out, n = [], 0
    for r in exp.rows:
        if r.action:
            n += 1
            out.append(got.get(n, "(not run)"))
        else:
            out.append(None)
    return out, log


def verdict(exp: Experiment, seen: list[str | None]) -> tuple[bool, str]:
    """(as the model says, one line): a trace is reproduced when every compared step returned
    what the trace says and the restarted server reads what the disk holds in the trace (an
    older value: the lost commit); a control holds when the row keeps its committed value."""
    wrong = [i + 1 for i, (r, x) in enumerate(zip(exp.rows, seen))
             if r.expected is not None and not matches(r.expected, x or "")]
    reads = [(r, x) for r, x in zip(exp.rows, seen) if r.action.startswith("sql select")]
    lost = [f"{r.origin[5:].split(' committed')[0]} reads {x} (committed "
            f"{r.origin.split('committed ')[1]})" for r, x in reads
            if x != r.origin.split("committed ")[1]]
    if wrong:
        return False, f"rows {', '.join(map(str, wrong))} differ from the trace"
    if exp.control:
        return True, "control: every row keeps its committed value"
    if not lost:
        return False, "no commit lost"
    return True, "reproduced: " + "; ".join(lost)


def condensed(log: list[str]) -> list[str]:
    """The server's log lines without time and process id, each message once in the order
    of its first line, with how many times it came (a recovery that PANICs in a loop)."""
    counts: dict[str, int] = {}
    for x in log:
        m = re.sub(r"^\S+ \S+ \S+ \[\d+\] ", "", x)
        m = re.sub(r"PID \d+", "PID n", m)
        counts[m] = counts.get(m, 0) + 1
    return [m + (f"  (x{n})" if n > 1 else "") for m, n in counts.items()]


def table(exp: Experiment, seen: list[str | None]) -> str:
    out = ["| # | trace step | real action | trace says | server or kernel returned |",
           "|---|---|---|---|---|"]
    for i, (r, x) in enumerate(zip(exp.rows, seen), 1):
        said = "-" if r.expected is None else (r.expected or "(ok)")
        mark = "" if r.expected is None or matches(r.expected, x or "") else " **differs**"
        out.append(f"| {i} | {r.origin} | {f'`{r.action}`' if r.action else '(by itself)'} | "
                   f"{said} | {'-' if x is None else (x or '(ok)')}{mark} |")
    return "\n".join(out) + "\n"
