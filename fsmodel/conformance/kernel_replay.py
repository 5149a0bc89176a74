"""A model trace as a probe script: the kernel-level steps of each process, run on a booted
kernel, each compared with the result the trace says it had.

The trace's calls (recorded by the kernel model) become the probe's steps: every open gets a
descriptor letter, a dup (SCM_RIGHTS) a second letter on the same description, and each
write, fsync, syncfs, sync_file_range, close and read uses the letter of the description the
call names.  The environment's steps map to what makes a real kernel do the same: a device
fault to the dm error target on the file's sectors, healing to the table swapped back,
background write-back to sync(2), inode eviction to an unmount and mount (which always
evicts), a power loss to the harness's own (the disk cut off, the guest rebooted, the image
mounted again; the fault, if one was on, armed again after it: the device is not the
kernel's to forget).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..trace import Trace
from .scenarios import Scenario


class Untranslatable(ValueError):
    """A trace this replay cannot run (one line)."""


@dataclass
class Script:
    steps: list[str] = field(default_factory=list)
    expected: list[str | None] = field(default_factory=list)   # None: not compared
    origin: list[str] = field(default_factory=list)            # the trace step it comes from
    stopped: str = ""

    def add(self, step: str, expected: str | None, origin: str) -> None:
        self.steps.append(step)
        self.expected.append(expected)
        self.origin.append(origin)


def translate(trace: Trace) -> Script:
    files = {c["args"].get("file", 0) for s in trace.steps for c in s.calls}
    if files - {0}:
        raise Untranslatable("replay --kernel runs traces of one data file (files=1)")
    out = Script()   # after the setup: the file on disk at version 0, nothing cached
    letters: dict[int, list[str]] = {}      # description slot -> its descriptors' letters
    fresh = iter("ABCDEFGHIJKLMNOPQRTUVWXY")
    failing = False
    for i, step in enumerate(trace.steps[1:], 1):
        origin = f"{i}. {step.action}"
        name = step.action.split("(")[0]
        if name in ("fault", "heal"):
            failing = name == "fault"
            out.add("fail f" if failing else "heal", None, origin)
        elif name == "writeback":
            out.add("sync", None, origin)
        elif name == "evict_inode":
            if any(letters.values()):
                raise Untranslatable(f"step {origin}: eviction with a descriptor open")
            out.add("remount", None, origin)
        elif name == "evict_page":
            out.add("drop_caches", None, origin)
        elif name == "os_crash":
            if "powerloss" in out.steps:
                out.stopped = f"step {origin}: the harness runs one power loss per replay"
                break
            out.add("powerloss", None, origin)
            letters.clear()           # every description is gone
            if failing:
                out.add("fail f", None, origin)
        for c in step.calls:
            _call(out, c, letters, fresh, origin)
    if not out.stopped:   # what the disk holds at the end: the loss itself
        out.add("heal", None, "end")
        last = trace.steps[-1].state
        for name, v in last.items():
            if name.startswith("disk[0]["):
                out.add(f"read_direct f {name[8:-1]}", f"v{v}", f"end: {name} = {v}")
    return out


def _call(out: Script, c: dict, letters: dict[int, list[str]], fresh, origin: str) -> None:
    args, result = c["args"], c["result"]
    desc = args.get("desc")

    def letter() -> str:
        if not letters.get(desc):
            raise Untranslatable(f"step {origin}: {c['call']} on a description never opened")
        return letters[desc][-1]
    if c["call"] == "open":
        x = next(fresh)
        letters.setdefault(result, []).append(x)
        out.add(f"open {x} f", "0", origin)
    elif c["call"] == "dup":
        x = next(fresh)
        out.add(f"dup {letter()} {x}", "0", origin)
        letters[desc].append(x)
    elif c["call"] == "close":
        out.add(f"close {letter()}", str(result), origin)
        letters[desc].pop()
    elif c["call"] in ("fsync", "fdatasync", "syncfs"):
        out.add(f"{c['call']} {letter()}", str(result), origin)
    elif c["call"] == "write":
        holder = next((ls[-1] for ls in letters.values() if ls), None)
        if holder is None:
            raise Untranslatable(f"step {origin}: a write with no descriptor open")
        out.add(f"write {holder} {args['page']} {args['version']}", "0", origin)
    elif c["call"] == "read":
        out.add("open Z f", None, origin)
        out.add(f"read Z {args['page']}", f"v{result}", origin)
        out.add("close Z", None, origin)
    elif c["call"] == "sync_file_range":
        holder = next((ls[-1] for ls in letters.values() if ls), None)
        if holder is not None:
            out.add(f"sfr {holder} write", "0", origin)


def scenario(script: Script) -> Scenario:
    return Scenario("replay", "a model trace", tuple(script.steps))
