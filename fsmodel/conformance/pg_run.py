"""Run PostgreSQL experiments (pg_replay) in the guest and report them: ``fsmodel replay
--postgres`` for one trace, ``fsmodel pg-conformance`` for the known traces and their
controls."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from ..trace import Trace
from . import harness, pg_guest
from .pg_replay import POLICY, Experiment, condensed, results, table, translate, verdict

# Btrfs is left out: it writes a changed block elsewhere (copy on write), so the error target
# over the table's old sectors would not meet the write-back.
FILESYSTEMS = ("ext4", "ext4-journal", "xfs")


@dataclasses.dataclass(frozen=True)
class Known:
    """A known trace (docs/model.md §6) as make pg-conformance runs it, under the policy of
    the kernels booted (T1, T3 and T4 are declared under 4.16, where they first exist, and
    are traces of 5.8 as well), with ``tail`` after its script (a power loss and recovery,
    violating ``prop`` then); and its control: the run without what the model blames."""
    id: str
    known: str
    without: tuple[str, ...] = ()
    settings: dict[str, str] = dataclasses.field(default_factory=dict)
    tail: str = ""
    prop: str = ""

    def trace(self) -> Trace:
        from ..run.known import every_known, trace_of
        k = every_known()[self.known]
        more = {"script": k.script + self.tail, "property": self.prop,
                "bounds": k.bounds | {"crashes": 2}} if self.tail else {}
        return trace_of(dataclasses.replace(k, os=POLICY, **more))

    def experiments(self) -> list[Experiment]:
        t = self.trace()
        exp, control = translate(t), translate(t, self.without, self.settings)
        exp.id, control.id = self.id, f"{self.id}-control"
        return [exp, control]


KNOWN = (Known("T1", "T1", settings={"data_sync_retry": "off"}),
         Known("T3", "T3", without=("evict_inode",)),
         Known("T4", "T4", without=("other_open", "other_fsync")),
         Known("T4-powerloss", "T4", without=("other_open", "other_fsync"),
               tail="; os_crash; replay", prop="durability"),
         Known("R3", "R3", settings={"full_page_writes": "on"}))


@dataclasses.dataclass
class Outcome:
    exp: Experiment
    ok: bool
    text: str


@dataclasses.dataclass
class Runs:
    """One boot's experiments on one kernel and file system."""
    server: str             # PostgreSQL's version
    kernel: str             # uname -r
    fs: str
    seconds: float
    outcomes: list[Outcome]

    @property
    def where(self) -> str:
        return f"PostgreSQL {self.server}, Linux {self.kernel} ({self.fs})"


def run(exps: list[Experiment], series: str, fs: str, cache: Path) -> Runs:
    """Boot once, run every experiment on its own cluster on ``fs``."""
    harness.install_packages()
    root = pg_guest.unpack(cache)
    server = pg_guest.version(root)
    boot = harness.boot(series, cache, [fs], exps, timeout=900,
                        extra=pg_guest.add_to_initramfs(root, pg_guest.cluster(root, cache)))
    runs = Runs(server, boot.kernel, fs, boot.seconds, [])
    for e in exps:
        seen, log = results(e, boot.lines)
        ok, line = verdict(e, seen)
        name = e.id if e.id.startswith(e.spec) else f"{e.id} ({e.spec})"
        text = (f"### {name} on {runs.where}\n\n" + (f"{e.note}\n\n" if e.note else "")
                + table(e, seen) + "\nserver log (each message once, in order):\n\n"
                + "".join(f"    {x}\n" for x in condensed(log))
                + f"\n{line}\n")
        runs.outcomes.append(Outcome(e, ok, text))
    return runs
