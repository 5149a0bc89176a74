"""SQLite's pager over the kernel (sqlite/sqlite src/pager.c, src/wal.c, src/os_unix.c, as
released in 3.49.2), one engine for its journal modes.

A put is an autocommit UPDATE of one row; the table has one row per page, so key k's value
is page k of the database file.  The journal mode is a strategy (``Rollback``, ``Wal``), the
synchronous level data (``Synchronous``), both chosen by the spec's knobs.

Simplifications, of granularity at these bounds: page 1's change counter and schema are
left out (each transaction would also journal and write page 1); the database file already
holds its header page when the WAL is first opened (PRAGMA journal_mode=WAL wrote it), so
pagerOpenWalIfPresent never deletes a WAL beside an empty database; reads go through the
operating system's page cache, as a second connection's do (the writer's own pcache would
answer from memory); a checkpoint runs between transactions, with no other reader; a clean
close (sqlite3WalClose's checkpoint and WAL deletion) is not modelled, the process stops
only by a crash.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ...config import Config
from ...lang.expr import Expr
from ...lang.spec import Update
from ..base import Family
from ..kv import Engine, EngineSpec
from .family import SQLITE
from .mode import Mode
from .rollback import Rollback
from .settings import SYNCHRONOUS
from .wal import Wal

MODES: dict[str, type[Mode]] = {"delete": Rollback, "wal": Wal}


class SQLite(Engine):
    """The engine: the Engine skeleton with its protocol delegated to the journal mode."""
    process = "sqlite"
    knobs: ClassVar[dict[str, tuple[Any, ...]]] = {
        "journal_mode": tuple(MODES),
        "synchronous": tuple(SYNCHRONOUS),
    }

    def __init__(self, me: Any, cfg: Config) -> None:
        """The mode first: it names the files the Engine skeleton creates."""
        self.mode = MODES[me.knob("journal_mode")](self, SYNCHRONOUS[me.knob("synchronous")])
        super().__init__(me, cfg)

    def needs(self) -> dict[str, int]:
        """Page k is key k's row; a journal needs two pages (a header and a record)."""
        return {"pages": max(self.cfg.bound("keys"), 2)}

    @property
    def names(self) -> tuple[str, ...]:   # type: ignore[override]
        return self.mode.names

    @property
    def doc(self) -> str:                 # type: ignore[override]
        return self.mode.doc

    def versions(self) -> int:
        return self.mode.versions()

    def declare_state(self) -> None:
        self.fd = self.fds.declare("engine_fd")
        self.mode.declare_state()

    def declare_protocol(self) -> None:
        self.mode.declare_protocol()

    def forget(self, u: Update) -> None:
        self.mode.forget(u)

    def get(self, key: int) -> Expr:
        return self.mode.get(key)

    def serving(self) -> Expr:
        return self.mode.serving()


@dataclass(frozen=True)
class SQLiteSpec(EngineSpec):
    family: ClassVar[Family] = SQLITE
    model: ClassVar[type] = SQLite
