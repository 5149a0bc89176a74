"""Kernel conformance scenarios as data, shared by the harness (the probe runs them on a
booted kernel) and the model (fsmodel/conformance/predict.py runs them on the kernel model).

A scenario is a list of steps, each a line of the probe's language (conformance/probe.c):
``open A f``, ``write A 0 1`` (page 0 of A gets version 1), ``fsync A``, ``fail f``, ...
Every scenario starts from the same setup: file ``f`` created, both its pages written at
version 0 and fsynced, so its blocks exist (``fail`` maps them with FIEMAP) and the disk holds
version 0.  Letters name descriptors; ``f`` is the setup's file, other names (``g``, ``t``,
``h``) are created by the steps.

A scenario with a ``powerloss`` step runs on a file system of its own: its steps up to the
power loss in one boot, which is then killed without sync (nothing unmounted, no periodic
write-back or journal commit armed: the harness turns them off), and the steps after it in the
next boot, on the same image mounted again (journal replay, log recovery).
"""
from __future__ import annotations

from dataclasses import dataclass

SETUP = ("open S f", "write S 0 0", "write S 1 0", "fsync S", "close S", "remount")


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    steps: tuple[str, ...]

    @property
    def power_loss(self) -> bool:
        return "powerloss" in self.steps

    def script(self) -> str:
        """The probe's input: the setup, then the steps."""
        return "\n".join(SETUP + self.steps) + "\n"


def _s(id: str, title: str, steps: str) -> Scenario:
    return Scenario(id, title, tuple(x.strip() for x in steps.split(";") if x.strip()))


SCENARIOS = [
    _s("once", "the error is reported once per description, then fsync returns 0",
       "open A f; write A 0 1; fail f; fsync A; fsync A; heal; fsync A"),
    _s("late-open", "a description opened after the error, nobody has seen it",
       "open A f; write A 0 1; fail f; sync; open B f; fsync B; fsync A; heal"),
    _s("late-open-seen", "a description opened after someone saw the error",
       "open A f; write A 0 1; fail f; fsync A; open B f; fsync B; heal"),
    _s("close-reopen", "close, write-back fails, reopen: the error is still reported",
       "open A f; write A 0 1; close A; fail f; sync; open B f; fsync B; heal"),
    _s("content", "the content after a failed write-back: cache, then after dropping caches",
       "open A f; write A 0 1; fail f; fsync A; heal; read A 0; read_direct f 0; "
       "drop_caches; read A 0"),
    _s("eviction", "inode eviction with no description open forgets the error (unmounting "
       "evicts every inode; drop_caches only may)",
       "open A f; write A 0 1; close A; fail f; sync; heal; remount; open B f; fsync B"),
    _s("syncfs", "syncfs reports through its own cursor (5.8+)",
       "open A f; open B f; write A 0 1; fail f; fsync A; syncfs B; syncfs B; fsync B; heal"),
    _s("sfr", "sync_file_range: WRITE alone reports nothing, with WAIT it reports",
       "open A f; write A 0 1; fail f; sfr A write; sfr A wait; fsync A; heal"),
    _s("two-descriptions", "two descriptions, one error: each reports it once",
       "open A f; open B f; write A 0 1; fail f; fsync A; fsync B; fsync A; heal"),
    _s("dup", "dup shares the description and its cursor",
       "open A f; dup A B; write A 0 1; fail f; fsync A; fsync B; heal"),
    _s("partial", "two dirty pages, one fails",
       "open A f; write A 0 1; write A 1 1; fail f 0; fsync A; heal; fsync A; read_direct f 0; "
       "read_direct f 1"),
    _s("direct", "O_DIRECT and O_DSYNC writes into a failing range fail at once",
       "open A f; fail f; write_direct f 0 2; write_dsync f 1 2; heal; fsync A"),
    _s("namespace", "create, rename, append, ftruncate and unlink as the page cache shows them",
       "open A g; write A 0 1; close A; size g; rename g h; size g; cat h 0; open B h; "
       "append B 2; size h; cat h 1; truncate B 1; size h; cat h 1; unlink h; size h; "
       "read B 0; close B"),
    _s("failed-inplace", "a failed write-back, then what a read returns after eviction and "
       "after a remount, and whether the file system went read-only",
       "open A f; write A 0 1; fail f; fsync A; heal; drop_caches; read A 0; read_direct f 0; "
       "rofs; close A; remount; rofs; cat f 0"),
    _s("failed-inplace-twice", "as failed-inplace, with a second fsync during the fault (on "
       "ext4 data=journal 6.1 the in-place write fails in between)",
       "open A f; write A 0 1; fail f; fsync A; fsync A; heal; drop_caches; read A 0; "
       "read_direct f 0; close A; remount; rofs; cat f 0"),
    # power loss: what survives
    _s("pl-write", "a write not synced",
       "open A f; write A 0 1; powerloss; cat f 0"),
    _s("pl-write-fsync", "a write and its fsync",
       "open A f; write A 0 1; fsync A; powerloss; cat f 0"),
    _s("pl-create", "a new file, written, no sync",
       "open A g; write A 0 1; close A; powerloss; size g; cat g 0"),
    _s("pl-create-fsync", "a new file, written and fsynced, the directory not",
       "open A g; write A 0 1; fsync A; powerloss; size g; cat g 0"),
    _s("pl-create-dirsync", "a new file, written, the directory fsynced, the file not",
       "open A g; write A 0 1; close A; fsync_dir; powerloss; size g; cat g 0"),
    _s("pl-rename", "a synced file renamed over f, no sync after",
       "open A t; write A 0 1; fsync A; close A; rename t f; powerloss; size t; cat f 0"),
    _s("pl-rename-dirsync", "a synced file renamed over f, the directory fsynced",
       "open A t; write A 0 1; fsync A; close A; rename t f; fsync_dir; powerloss; size t; "
       "cat f 0"),
    _s("pl-rename-other", "a synced file renamed over f, then another file fsynced",
       "open A t; write A 0 1; fsync A; close A; rename t f; open B h; write B 0 1; fsync B; "
       "powerloss; size t; cat f 0"),
    _s("pl-rename-unsynced", "a file never synced renamed over f, the directory fsynced",
       "open A t; write A 0 1; close A; rename t f; fsync_dir; powerloss; size f; cat f 0"),
    _s("pl-unlink", "f unlinked, the directory fsynced",
       "unlink f; fsync_dir; powerloss; size f"),
    _s("pl-unlink-nosync", "f unlinked, no sync",
       "unlink f; powerloss; size f"),
    _s("pl-append", "a page appended and fsynced",
       "open A f; append A 1; fsync A; powerloss; size f; cat f 2"),
    _s("pl-truncate", "f truncated to one page and fsynced",
       "open A f; truncate A 1; fsync A; powerloss; size f"),
    _s("pl-truncate-nosync", "f truncated to one page, no sync",
       "open A f; truncate A 1; powerloss; size f"),
    _s("pl-failed-inplace", "a failed write-back, the page evicted, then a power loss",
       "open A f; write A 0 1; fail f; fsync A; heal; drop_caches; read A 0; powerloss; "
       "cat f 0"),
    _s("pl-failed-inplace-twice", "as pl-failed-inplace, with a second fsync during the fault",
       "open A f; write A 0 1; fail f; fsync A; fsync A; heal; drop_caches; read A 0; "
       "powerloss; cat f 0"),
]
