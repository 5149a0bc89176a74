"""Kernel conformance scenarios as data, shared by the harness (the probe runs them on a
booted kernel) and the model (fsmodel/conformance/predict.py runs them on the kernel model).

A scenario is a list of steps, each a line of the probe's language (conformance/probe.c):
``open A f``, ``write A 0 1`` (page 0 of A gets version 1), ``fsync A``, ``fail f``, ...
Every scenario starts from the same setup: file ``f`` created, both its pages written at
version 0 and fsynced, so its blocks exist (``fail`` maps them with FIEMAP) and the disk holds
version 0.  Letters name descriptors; the file is always ``f``.
"""
from __future__ import annotations

from dataclasses import dataclass

SETUP = ("open S f", "write S 0 0", "write S 1 0", "fsync S", "close S", "remount")


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    steps: tuple[str, ...]

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
]
