"""A scenario run through the kernel model: what the model says each step returns.

Each scenario becomes a small spec: the kernel model with a namespace (the scenario's file
names, each file two pages) and one action per step, taken in order (a step counter), each
calling the kernel model's operation for the probe's step.  A step on a descriptor or a name
is grounded on the inode it reaches (the name's, or the one a create takes).  The calls each
step records are the predictions.  Where the model leaves a choice open, every choice is
followed and a step's set of possible results is the prediction: the fate of a failed page,
whether the kernel finished what it finishes on its own before the step (data=journal's
in-place write, Btrfs's ordered extents), and before a power loss any background work
(write-back, a journal commit, a size committed ahead of its data: the kernel may have done
it or not when the power went).
"""
from __future__ import annotations

from typing import Any

from ..config import make_config
from ..engines.pycompile import compile_calls, compile_spec
from ..kernel.model import FAULT, Kernel, NO_FAULT
from ..kernel.states import EOF
from ..lang.expr import ite
from ..lang.spec import Int, Slot, Spec, Update
from .scenarios import SETUP, Scenario

PERSISTENT = FAULT.labels.index("persistent")
TEMP = "_"     # the descriptor an O_DSYNC write opens for itself
ON_DESC = ("open", "dup", "close", "fsync", "fdatasync", "syncfs", "sfr", "read", "write",
           "append", "truncate")
ON_NAME = ("fail", "write_direct", "read_direct", "write_dsync", "cat", "size", "unlink")
BY_NAME = ("cat", "size", "unlink")    # steps that look the name up themselves


def letters(steps: tuple[str, ...]) -> list[str]:
    """The descriptor names a script uses, the O_DSYNC write's own one included."""
    out = []
    for step in steps:
        op, *args = step.split()
        if op in ON_DESC:
            out.append(args[0])
        if op == "dup":
            out.append(args[1])
        if op == "write_dsync":
            out.append(TEMP)
    return list(dict.fromkeys(out))


def names(steps: tuple[str, ...]) -> list[str]:
    """The file names a script uses, in order of first use."""
    out = []
    for step in steps:
        op, *args = step.split()
        if op == "open":
            out.append(args[1])
        elif op in ON_NAME or op == "rename":
            out += args[:2] if op == "rename" else args[:1]
    return list(dict.fromkeys(out))


class Script:
    """The spec of one scenario: the kernel, a descriptor and its inode per letter, and the
    step counter."""

    def __init__(self, scenario: Scenario, os: str, fs: str) -> None:
        self.steps = SETUP + scenario.steps
        files = names(self.steps)
        grows = any(step.startswith("append") for step in self.steps)   # a third page
        cfg = make_config(os, fs, ["third-party", "os-crash"],
                          {"files": len(files), "pages": 3 if grows else 2, "writes": 6})
        spec = self.spec = Spec(f"conformance:{scenario.id}", scenario.title)
        fds = letters(self.steps)
        k = self.k = Kernel(spec, cfg, slots=len(fds), holders=len(fds), names=files,
                            fault_pages=True)
        self.fd = {n: spec.var(f"fd_{n}", Slot(k.NONE), k.NONE) for n in fds}
        self.ino = {n: spec.var(f"ino_{n}", Int(0, k.F - 1), 0) for n in fds}
        self.pc = spec.var("pc", Int(0, len(self.steps)), 0)
        for i, step in enumerate(self.steps):
            op, *args = step.split()
            self._declare(i, op, args)
        if "powerloss" in self.steps:
            k.background(spec, self.pc == self.steps.index("powerloss"))

    def _declare(self, i: int, op: str, args: list[str]) -> None:
        """Step i, grounded on the inode it acts on (``f``), with the kernel's choices."""
        k = self.k
        # work the kernel finishes on its own (data=journal's in-place write, Btrfs's ordered
        # extents) may have happened before any step, or not
        later = {"done": (False, True)} if k.jstate is not None or k.unfinished is not None \
            else {}
        files = range(k.F) if op in ON_DESC + ON_NAME and op not in BY_NAME else (0,)

        @self.spec.action(f"s{i + 1}", actor=op, f=files, rule=k.sample_rules,
                          fate=k.sync_fates, **later)
        def _(u: Update, f: int, rule: str, fate: str, done: bool = False) -> None:
            u.require(self.pc == i)
            if op in ON_NAME and op not in BY_NAME:
                u.require(k.lookup(k.name(args[0])) == f)
            elif op in ON_DESC and op != "open":
                u.require(self.ino[args[0]] == f)
            u[self.pc] = i + 1
            if done:
                k.data.finish(u)
            self.step(u, op, args, f, rule, fate)

    def step(self, u: Update, op: str, args: list[str], f: int, rule: str, fate: str) -> None:
        """The kernel model's operation for one probe step."""
        k, fd = self.k, self.fd
        a = fd.get(args[0]) if args else None
        if op == "open":
            k.open_name(u, a, k.name(args[1]), f, rule)
            u[self.ino[args[0]]] = f
        elif op == "dup":
            k.dup(u, f, a)
            u[fd[args[1]]] = a
            u[self.ino[args[1]]] = f
        elif op == "close":
            k.close(u, f, a, fate)
            u[a] = k.NONE
        elif op in DESC_CALLS:
            DESC_CALLS[op](k, u, f, a, args, fate)
        elif op in NAME_CALLS:
            NAME_CALLS[op](self, u, f, args, rule, fate)
        elif op in GLOBAL_CALLS:
            GLOBAL_CALLS[op](k, u, args, fate)
        else:
            raise ValueError(f"the model has no step '{op}'")


def _sfr(k: Kernel, u: Update, f: int, a: Any, args: list[str], fate: str) -> None:
    if args[1] == "wait":
        k.sync_file_range_wait(u, f, a, fate)
    else:
        k.sync_file_range(u, f, fate)


# Steps on a descriptor: (kernel, update, inode, descriptor, arguments, fate).
DESC_CALLS = {
    "write": lambda k, u, f, a, args, fate: k.write(u, f, int(args[1]), int(args[2])),
    "append": lambda k, u, f, a, args, fate: k.append(u, f, int(args[1])),
    "truncate": lambda k, u, f, a, args, fate: k.truncate(u, f, int(args[1])),
    "fsync": lambda k, u, f, a, args, fate: k.fsync(u, f, a, fate, "fsync"),
    "fdatasync": lambda k, u, f, a, args, fate: k.fsync(u, f, a, fate, "fdatasync"),
    "syncfs": lambda k, u, f, a, args, fate: k.syncfs(u, f, a, fate),
    "sfr": _sfr,
    "read": lambda k, u, f, a, args, fate: k.read_call(u, f, int(args[1])),
}


def _write_dsync(s: Script, u: Update, f: int, args: list[str], rule: str,
                 fate: str) -> None:
    """open(O_DSYNC), write, which syncs its range, close."""
    k, t = s.k, s.fd[TEMP]
    k.open_into(u, t, f, rule)
    k.write(u, f, int(args[1]), int(args[2]))
    k.fsync(u, f, t, fate, "write_dsync")
    k.close(u, f, t, fate)
    u[t] = k.NONE


def _cat(s: Script, u: Update, f: int, args: list[str], rule: str, fate: str) -> None:
    """open(name, O_RDONLY), pread one page, close: its version, eof or ENOENT."""
    k = s.k
    n, p = k.name(args[0]), int(args[1])
    ino = k.lookup(n)
    got = ENOENT
    for g in reversed(range(k.F)):
        got = ite(ino == g, ite(p < k.size[g], k.read(g, p), EOF), got)
    u.call("cat", "page cache", result=got, entry=n)


def _fail(s: Script, u: Update, f: int, args: list[str], rule: str, fate: str) -> None:
    """The probe fails one page's sectors, or the whole file's."""
    for p in [int(args[1])] if len(args) > 1 else range(s.k.P):
        u[s.k.fault[f][p]] = PERSISTENT


ENOENT = -2
# Steps on a name: (script, update, the inode the name points to, arguments, rule, fate).
NAME_CALLS = {
    "fail": _fail,
    "write_direct": lambda s, u, f, args, rule, fate: s.k.write_direct(
        u, f, int(args[1]), int(args[2])),
    "read_direct": lambda s, u, f, args, rule, fate: s.k.read_direct(u, f, int(args[1])),
    "write_dsync": _write_dsync,
    "cat": _cat,
    "size": lambda s, u, f, args, rule, fate: s.k.size_of(u, s.k.name(args[0])),
    "unlink": lambda s, u, f, args, rule, fate: s.k.unlink(u, s.k.name(args[0])),
}


def _heal(k: Kernel, u: Update, args: list[str], fate: str) -> None:
    """The table swapped back: no range fails any more."""
    for f in range(k.F):
        for p in range(k.P):
            u[k.fault[f][p]] = NO_FAULT


# Steps on the whole file system: (kernel, update, arguments, fate).
GLOBAL_CALLS = {
    "heal": _heal,
    "sync": lambda k, u, args, fate: k.sync_all(u, fate),
    "drop_caches": lambda k, u, args, fate: k.drop_caches(u),
    "remount": lambda k, u, args, fate: k.remount(u, fate),
    "rename": lambda k, u, args, fate: k.rename(u, k.name(args[0]), k.name(args[1])),
    "fsync_dir": lambda k, u, args, fate: k.fsync_dir(u),
    "rofs": lambda k, u, args, fate: u.call("rofs", "page cache", result=0),
    "powerloss": lambda k, u, args, fate: k.crash(u),
}


def build(scenario: Scenario, os: str, fs: str) -> Spec:
    return Script(scenario, os, fs).spec


def predict(scenario: Scenario, os: str, fs: str) -> list[set[str]]:
    """For each step (setup included), the results the model allows, in the probe's words."""
    spec = build(scenario, os, fs)
    comp, calls = compile_spec(spec), compile_calls(spec)
    steps = {f"s{i + 1}": i for i in range(len(SETUP) + len(scenario.steps))}
    out: list[set[str]] = [set() for _ in steps]
    seen = {spec.init_state}
    frontier = [spec.init_state]
    while frontier:
        nxt = []
        for s in frontier:
            for a, t in comp.successors(s):
                act = spec.actions[a]
                if act.name in steps:
                    out[steps[act.name]].add(_result(act.actor, calls(a, s)))
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        frontier = nxt
    return out


CALLS = {"sfr": ("sync_file_range", "sync_file_range_wait"), "truncate": ("ftruncate",),
         "append": ("write",), "size": ("stat",)}


def _result(op: str, calls: list[dict]) -> str:
    """What the probe prints for the step: its own call's result (0 for steps that return
    nothing), a read's version as vN, a size as sN."""
    own = [c for c in calls if c["call"] in CALLS.get(op, (op,))]
    if not own:
        return "0"
    r = own[0]["result"]
    if op in ("read", "read_direct", "cat"):
        return {EOF: "eof", ENOENT: "ENOENT"}.get(r, f"v{r}")
    if op == "size":
        return "ENOENT" if r == -1 else f"s{r}"
    if op == "rofs":
        return "rw"
    return "0" if r is None or op in ("open", "dup") else str(r)
