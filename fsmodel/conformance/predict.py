"""A scenario run through the kernel model: what the model says each step returns.

Each scenario becomes a small spec: the kernel model (one file of two pages) and one action
per step, taken in order (a step counter), each calling the kernel model's operation for the
probe's step.  The calls it records are the predictions; where the policy leaves a choice
open (the fate of a failed page) every choice is followed and each step's set of possible
results is the prediction.
"""
from __future__ import annotations

from ..config import make_config
from ..engines.pycompile import compile_calls, compile_spec
from ..kernel.model import FAULT, Kernel, NO_FAULT
from ..lang.spec import Int, Slot, Spec, Update
from .scenarios import SETUP, Scenario

PERSISTENT = FAULT.labels.index("persistent")
TEMP = "_"     # the descriptor an O_DSYNC write opens for itself


def letters(steps: tuple[str, ...]) -> list[str]:
    """The descriptor names a script uses, the O_DSYNC write's own one included."""
    out = []
    for step in steps:
        op, *args = step.split()
        if op in ("open", "dup", "close", "fsync", "fdatasync", "syncfs", "sfr", "read",
                  "write"):
            out.append(args[0])
        if op == "dup":
            out.append(args[1])
        if op == "write_dsync":
            out.append(TEMP)
    return list(dict.fromkeys(out))


def build(scenario: Scenario, os: str, fs: str) -> Spec:
    steps = SETUP + scenario.steps
    cfg = make_config(os, fs, ["third-party", "os-crash", "pg-crash"], True,
                      {"files": 1, "pages": 2, "writes": 6})
    spec = Spec(f"conformance:{scenario.id}", scenario.title)
    names = letters(steps)
    k = Kernel(spec, cfg, slots=len(names), holders=len(names))
    fd = {n: spec.var(f"fd_{n}", Slot(k.NONE), k.NONE) for n in names}
    pc = spec.var("pc", Int(0, len(steps)), 0)
    for i, step in enumerate(steps):
        op, *args = step.split()
        _declare(spec, k, fd, pc, i, op, args)
    return spec


def _declare(spec: Spec, k: Kernel, fd: dict, pc, i: int, op: str, args: list[str]) -> None:
    rule, fate = k.sample_rules, k.sync_fates

    # data=journal: jbd2's in-place write may have happened before any step, or not
    journal = {"ckpt": (False, True)} if k.jpend is not None else {}

    @spec.action(f"s{i + 1}", actor=op, rule=rule, fate=fate, **journal)
    def _(u: Update, rule: str, fate: str, ckpt: bool = False) -> None:
        u.require(pc == i)
        u[pc] = i + 1
        if ckpt:
            with u.when(k.jpend[0]):
                k.checkpoint(u, 0)
        a = fd.get(args[0]) if args else None
        if op == "open":
            k.open_into(u, a, 0, rule)
        elif op == "dup":
            k.dup(u, 0, a)
            u[fd[args[1]]] = a
        elif op == "close":
            k.close(u, 0, a, fate)
            u[a] = k.NONE
        elif op == "write":
            k.write(u, 0, int(args[1]), int(args[2]))
        elif op in ("fsync", "fdatasync"):
            k.fsync(u, 0, a, fate, op)
        elif op == "syncfs":
            k.syncfs(u, 0, a, fate)
        elif op == "sfr" and args[1] == "wait":
            k.sync_file_range_wait(u, 0, a, fate)
        elif op == "sfr":
            k.sync_file_range(u, 0, fate)
        elif op == "sync":
            k.sync_all(u, fate)
        elif op == "read":
            k.read_call(u, 0, int(args[1]))
        elif op == "read_direct":
            k.read_direct(u, 0, int(args[1]))
        elif op == "drop_caches":
            k.drop_caches(u)
        elif op == "remount":
            k.remount(u, fate)
        elif op == "fail":     # the probe fails one page or the whole file; a fault is per file
            u[k.fault[0]] = PERSISTENT
        elif op == "heal":
            u[k.fault[0]] = NO_FAULT
        elif op == "write_direct":
            k.write_direct(u, 0, int(args[1]), int(args[2]))
        elif op == "write_dsync":   # open(O_DSYNC), write, which syncs its range, close
            t = fd[TEMP]
            k.open_into(u, t, 0, rule)
            k.write(u, 0, int(args[1]), int(args[2]))
            k.fsync(u, 0, t, fate, "write_dsync")
            k.close(u, 0, t, fate)
            u[t] = k.NONE
        else:
            raise ValueError(f"the model has no step '{op}'")


def predict(scenario: Scenario, os: str, fs: str) -> list[set[str]]:
    """For each step (setup included), the results the model allows, in the probe's words."""
    spec = build(scenario, os, fs)
    comp, calls = compile_spec(spec), compile_calls(spec)
    n = len(SETUP) + len(scenario.steps)
    out: list[set[str]] = [set() for _ in range(n)]
    frontier = {spec.init_state}
    for i in range(n):
        nxt = set()
        for s in frontier:
            for a, t in comp.successors(s):
                out[i].add(_result(spec.actions[a].actor, calls(a, s)))
                nxt.add(t)
        frontier = nxt
    return out


CALLS = {"sfr": ("sync_file_range", "sync_file_range_wait")}


def _result(op: str, calls: list[dict]) -> str:
    """What the probe prints for the step: its own call's result (0 for steps that return
    nothing), a read's version as vN."""
    own = [c for c in calls if c["call"] in CALLS.get(op, (op,))]
    if not own:
        return "0"
    c = own[0]
    if op in ("read", "read_direct"):
        return f"v{c['result']}"
    return "0" if c["result"] is None or op in ("open", "dup") else str(c["result"])
