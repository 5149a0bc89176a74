"""Run PostgreSQL experiments (pg_replay) in the guest and report them: ``fsmodel replay
--postgres`` for one trace, ``fsmodel pg-conformance`` for the known traces and their
controls."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from ..trace import Trace
from . import harness, pg_guest
from .pg_replay import Experiment, condensed, results, table, verdict

# Btrfs is left out: it writes a changed block elsewhere (copy on write), so the error target
# over the table's old sectors would not meet the write-back.
FILESYSTEMS = ("ext4", "ext4-journal", "xfs")
# The known traces and each one's control: the run without what the model blames.
KNOWN = (("T1", (), {"data_sync_retry": "off"}, "fsync errors PANIC, as shipped"),
         ("T3", ("evict_inode",), {}, "no inode eviction"),
         ("T4", ("other_open", "other_fsync"), {}, "no third party"),
         ("R3", (), {"full_page_writes": "on"}, "full_page_writes on"))
# The model's policy for the kernels booted (errseq_t with syncfs's cursor: 5.8 and later).
POLICY = "linux-5.8"


def known_trace(kid: str) -> Trace:
    """A known trace replayed under the policy of the kernels booted (T1, T3 and T4 are
    declared under 4.16, where they first exist; they are traces of 5.8 as well)."""
    from ..run.known import every_known, trace_of
    return trace_of(dataclasses.replace(every_known()[kid], os=POLICY))


@dataclasses.dataclass
class Outcome:
    exp: Experiment
    ok: bool
    text: str


def run(exps: list[Experiment], series: str, fs: str, cache: Path) -> tuple[str, list[Outcome]]:
    """Boot once, run every experiment on its own cluster on ``fs``; (kernel, outcomes)."""
    harness.install_packages()
    root = pg_guest.unpack(cache)
    server = pg_guest.version(root)
    boot = harness.boot(series, cache, [fs], exps, timeout=900,
                        extra=pg_guest.add_to_initramfs(root, pg_guest.cluster(root, cache)))
    where = f"PostgreSQL {server}, Linux {boot.kernel} ({fs})"
    out = []
    for e in exps:
        seen, log = results(e, boot.lines)
        ok, line = verdict(e, seen)
        name = e.id if e.id.startswith(e.spec) else f"{e.id} ({e.spec})"
        text = (f"### {name} on {where}\n\n" + (f"{e.note}\n\n" if e.note else "")
                + table(e, seen) + "\nserver log (each message once, in order):\n\n"
                + "".join(f"    {x}\n" for x in condensed(log))
                + f"\n{line}\n")
        out.append(Outcome(e, ok, text))
    return f"{where}, {boot.seconds:.0f} s", out
