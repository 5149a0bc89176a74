"""The PostgreSQL family's properties, checkpoint soundness and durability (docs/model.md
§7), the values traces show beside the state, and the one-line explanation of a violation."""
from __future__ import annotations

from typing import Any

from ...lang.expr import And
from ..descriptors import derive_cursors
from ..kv.outcomes import KEY_NOT_FOUND, OLD_VALUE
from .phases import STOPPED


SOUND, DURABLE = "checkpoint-soundness", "durability"
DOCS = {
    SOUND: "a completed checkpoint's redo pointer is covered by the disk: every change "
           "logged before it is on disk (docs/model.md §7)",
    DURABLE: "recovery finds every committed change on disk, in the page cache or in the "
             "retained WAL (docs/model.md §7)",
    # the client's view in the key-value engines' words, with --option client=on
    OLD_VALUE: "(client=on) after recovery a row reads an older committed version than its "
               "last (ATC'20 OldValue)",
    KEY_NOT_FOUND: "(client=on) after recovery a committed row is missing: none of its "
                   "changes reached its page (ATC'20 KeyNotFound)",
}


class Properties:
    """Invariants, derived values and explanations (part of ``PgModel``)."""

    def _properties(self) -> None:
        """The two properties, then the values a trace shows beside each state."""
        spec, k = self.spec, self.k
        pages = self.pages()
        sound = And(k.durable(f, p) >= self.ckpt[f][p] for f, p in pages)
        if self.proto.forged_start:   # a stopped cluster promises nothing until it starts
            sound = (self.recovery == STOPPED) | sound
        spec.invariant(SOUND, DOCS[SOUND], sound, self.explain_unsound)
        spec.invariant(DURABLE, DOCS[DURABLE], ~self.lost, self.explain_lost)
        if self.read_old is not None:
            spec.invariant(OLD_VALUE, DOCS[OLD_VALUE], ~self.read_old, self.explain_lost)
            spec.invariant(KEY_NOT_FOUND, DOCS[KEY_NOT_FOUND], ~self.read_missing,
                           self.explain_lost)
        for f, p in pages:
            spec.derive(f"disk_behind_ckpt[{f}][{p}]", k.durable(f, p) < self.ckpt[f][p])
            spec.derive(f"read[{f}][{p}]", k.read(f, p))
            spec.derive(f"in_wal[{f}][{p}]", self.ver[f][p] > self.ckpt[f][p])
        for f in range(self.F):
            derive_cursors(spec, k, f)

    def explain_unsound(self, st: dict[str, Any]) -> str:
        """Which page the completed checkpoint's redo pointer is ahead of."""
        behind = [f"file {f} page {p} on disk is version {st[f'disk[{f}][{p}]']}, the WAL "
                  f"that held version {st[f'ckpt[{f}][{p}]']} is recycled"
                  for f, p in self.pages() if st[f"disk_behind_ckpt[{f}][{p}]"]]
        return f"checkpoint {st['checkpoints']} completed; " + "; ".join(behind)

    def explain_lost(self, st: dict[str, Any]) -> str:
        """What the last replay read against what it needed (the replay step's own test)."""
        out = []
        for f, p in self.pages():
            got, ver, ck = (st[f"read[{f}][{p}]"], st[f"ver[{f}][{p}]"],
                            st[f"ckpt[{f}][{p}]"])
            if ver <= ck and got < ver:
                out.append(f"file {f} page {p} reads version {got}, but version {ver} was "
                           "committed before the last checkpoint, whose WAL is recycled")
            elif ver > ck and not self.cfg.option("fpw") and got < ck:
                out.append(f"file {f} page {p} reads version {got}, older than the "
                           f"checkpoint's {ck}: replay without full-page images cannot "
                           "rebuild it")
        return "recovery lost committed data: " + ("; ".join(out) or
                                                     "an earlier replay found a page behind")
