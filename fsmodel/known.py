"""The known traces of docs/model.md §6 as scripts of action labels, with the spec and policy
each exists under, plus shortest counterexamples the checker found for the specs no named
trace covers.  The tests replay them; ``fsmodel gallery`` draws them into ``diagrams/``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import registry
from .config import make_config
from .engines.pycompile import compile_spec
from .engines.replay import replay
from .trace import Trace, trace_of_states

SOUND, DURABLE = "checkpoint-soundness", "durability"
# The scripts name actions as one file, one backend, one fault and one crash show them (no
# file or backend parameter); a trace that needs two says so in its own bounds.
SMALLEST = {"files": 1, "backends": 1, "faults": 1, "crashes": 1}


@dataclass(frozen=True)
class Known:
    id: str
    title: str
    spec: str
    os: str
    property: str
    script: str                   # action labels separated by ";"
    fs: str = "ext4"
    fpw: bool = True
    bounds: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)   # protocol knobs (a variant)

    @property
    def labels(self) -> list[str]:
        return [x.strip() for x in self.script.split(";") if x.strip()]

    def build(self, entry: Any = None):
        """The configuration and the spec this trace runs on (or ``entry``, a patch of it,
        in the same configuration)."""
        entry = entry or registry.find(self.spec)
        if self.changes:
            entry = entry.variant(**self.changes)
        cfg = make_config(self.os, self.fs, [], self.fpw, SMALLEST | self.bounds, entry.bounds)
        return cfg, entry.build(cfg)

    def trace(self) -> Trace:
        """Replay the script; raises ValueError if a step is not enabled or the last state
        does not violate the property."""
        cfg, spec = self.build()
        comp = compile_spec(spec)
        r = replay(spec, self.labels, comp)
        if not r.complete:
            raise ValueError(f"{self.id}: step {r.stuck_at + 1} "
                             f"({self.labels[r.stuck_at]}) is not enabled")
        if self.property not in r.violated:
            raise ValueError(f"{self.id}: the last state does not violate {self.property}")
        t = trace_of_states(spec, comp, r.states, [None] + r.actions, self.property, "replay")
        t.meta |= cfg.describe() | {"known": self.id, "title": self.title}
        return t


KNOWN = {k.id: k for k in [
    Known("T1", "retry after failure", "pg-retry", "linux-4.16", SOUND,
          "commit; ckpt_start; buffer_sync; absorb; fault(kind=transient); ckpt_fsync; "
          "ckpt_start; buffer_sync; absorb; ckpt_fsync; ckpt_finish"),
    Known("T2", "late open (the sample marks the error seen)", "pg-panic", "linux-4.13", SOUND,
          "commit; write_buffer; close_fd; fault(kind=transient); writeback; "
          "ckpt_start; buffer_sync; absorb; ckpt_fsync; ckpt_finish"),
    Known("T3", "inode eviction forgets the error", "pg-panic", "linux-4.16", SOUND,
          "commit; write_buffer; close_fd; fault(kind=transient); writeback; evict_inode; "
          "ckpt_start; buffer_sync; absorb; ckpt_fsync; ckpt_finish"),
    Known("T4", "a third party consumes the error", "pg-panic", "linux-4.16", SOUND,
          "commit; write_buffer; ckpt_start; buffer_sync; absorb; other_open; "
          "fault(kind=transient); other_fsync; ckpt_fsync; ckpt_finish"),
    Known("T5", "fd passing, keep-first (#53)", "pg-fdpass-first", "linux-4.13", SOUND,
          "commit(p=0); commit(p=1); write_buffer(b=0, p=0); fault(kind=transient); "
          "writeback(p=0); write_buffer(b=1, p=1); send_fd(b=1, p=1); send_fd(b=0, p=0); heal; "
          "ckpt_start; buffer_sync; absorb_fd; absorb_fd; absorb_done; ckpt_fsync; "
          "ckpt_finish", bounds={"backends": 2}),
    Known("T6", "NFS close reports, the checkpoint wins the race", "pg-panic", "linux-5.8",
          SOUND, "commit; write_buffer; ckpt_start; buffer_sync; absorb; fault(kind=transient); "
          "close_fd; ckpt_fsync; ckpt_finish", fs="nfs"),
    Known("T7", "forgotten requests", "pg-2018", "freebsd", SOUND,
          "commit(f=0); commit(f=1); ckpt_start; buffer_sync; absorb; "
          "fault(f=0, kind=transient); ckpt_fsync(f=0); ckpt_start; buffer_sync; absorb; "
          "ckpt_finish", bounds={"files": 2}),
    Known("T8", "thin provisioning loses the write silently", "pg-panic", "linux-5.8", SOUND,
          "commit; ckpt_start; buffer_sync; absorb; thin_lose; ckpt_fsync; ckpt_finish",
          fs="thin"),
    Known("R2", "BLK_DONE without full_page_writes or the pre-recovery sync", "pg-panic",
          "freebsd", DURABLE, "commit; write_buffer; pg_crash; replay; ckpt_start; "
          "buffer_sync; absorb; ckpt_finish; os_crash; replay", fpw=False,
          bounds={"crashes": 2}, changes={"init_sync": "none"}),
    Known("F1", "fd passing, keep-oldest: a third party, and absorbing stops at the first "
          "current stamp (shortest with one file)", "pg-fdpass", "linux-4.16", SOUND,
          "commit(p=0); commit(p=1); write_buffer(b=0, p=0); ckpt_start; other_open; "
          "fault(kind=transient); other_fsync; write_buffer(b=1, p=1); send_fd(b=1, p=1); "
          "send_fd(b=0, p=0); buffer_sync; absorb_fd; heal; ckpt_fsync; ckpt_finish",
          bounds={"backends": 2}),
    Known("F2", "fd passing, keep-oldest: absorbing stops at the first current stamp, no I/O "
          "error at all (shortest found)", "pg-fdpass", "posix-strict", SOUND,
          "commit(f=0); commit(f=1); write_buffer(b=0, f=0); write_buffer(b=1, f=1); "
          "ckpt_start; send_fd(b=0, f=0); send_fd(b=1, f=1); buffer_sync; absorb_fd; "
          "ckpt_fsync(f=0); ckpt_finish", bounds={"files": 2, "pages": 1, "backends": 2}),
    Known("C1", "the OS contract: the second fsync returns 0 (shortest found)",
          "os-contract", "linux-4.16", "fsync-honesty",
          "open; write; fault(kind=transient); fsync(via=fd); fsync(via=fd)"),
]}
