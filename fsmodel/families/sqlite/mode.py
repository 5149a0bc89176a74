"""What both journal modes share: the engine's files by name, reads of the database file
through the page cache, and SQLite's fsync (src/os_unix.c unixSync).

A mode is a strategy the SQLite engine holds (model.py): its file names, its state, its
actions, what a read returns and whether reads are served.  ``DB`` is the database file's
name in both modes; the second name is the mode's journal (``-journal`` or ``-wal``).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...kernel.model import Kernel
from ...lang.expr import Expr, ExprLike, Local, Or, VarArray, ite, lift
from ...lang.spec import Spec, Update
from ..kv import Client
from ..kv.client import ERROR
from .settings import Synchronous

if TYPE_CHECKING:
    from .model import SQLite

DB, JOURNAL = 0, 1     # the database file's name, and the journal's (or the WAL's)


def pick(arr: VarArray, i: ExprLike) -> Expr:
    """arr[i - 1] for a value or frame number i >= 1 (0 when i is 0)."""
    out: Expr = lift(0)
    for j in range(len(arr)):
        out = ite(lift(i) == j + 1, arr[j], out)
    return out


class Mode:
    """A journal mode's protocol; subclasses declare its state and actions."""
    names: tuple[str, ...] = ()
    doc: str = ""

    def __init__(self, engine: SQLite, sync: Synchronous) -> None:
        self.e, self.sync = engine, sync

    # -- what the engine provides ------------------------------------------------------------
    @property
    def spec(self) -> Spec:
        return self.e.spec

    @property
    def k(self) -> Kernel:
        return self.e.k

    @property
    def client(self) -> Client:
        return self.e.client

    @property
    def fd(self) -> Any:
        return self.e.fd

    @property
    def actor(self) -> str:
        return self.e.process

    # -- what a mode states ------------------------------------------------------------------
    def versions(self) -> int:
        return self.e.cfg.bound("writes")

    def declare_state(self) -> None:
        raise NotImplementedError

    def declare_protocol(self) -> None:
        raise NotImplementedError

    def forget(self, u: Update) -> None:
        raise NotImplementedError

    def get(self, key: int) -> Expr:
        raise NotImplementedError

    def serving(self) -> Expr:
        raise NotImplementedError

    # -- shared steps ------------------------------------------------------------------------
    def at(self, name: int, f: int) -> Expr:
        """Name ``name`` points to inode f (f == F: to none)."""
        return self.k.lookup(name) == f

    def read_db(self, key: int) -> Expr:
        """readDbPage: page ``key`` of the database file through the page cache; a page past
        the file's end reads as zeros (getPageNormal: dbSize < pgno)."""
        k, out = self.k, lift(0)
        for f in range(k.F):
            out = ite(self.in_db(key, f), k.read(f, key), out)
        return out

    def in_db(self, key: int, f: int) -> Expr:
        return self.at(DB, f) & (self.k.size[f] > key)

    def query_db(self, key: int) -> Expr:
        """A query's read of page ``key`` of the database file (a page of the model's layout
        that was never written reads as zeros too: no outcome, as no put to it exists)."""
        return self.parsed(self.read_db(key), Or(*(self.in_db(key, f) for f in range(self.k.F))))

    @staticmethod
    def parsed(page: Expr, present: Expr) -> Expr:
        """What a query finds in a page it read: a page of zeros where a page exists is no
        b-tree page (btreeInitPage: page type 0, SQLITE_CORRUPT_PAGE), an error."""
        return ite(present & (page == 0), ERROR, page)

    def fsync(self, u: Update, f: int, fate: str, dirsync: ExprLike = False) -> Local:
        """unixSync: fdatasync (full_fsync); if it fails, SQLITE_IOERR_FSYNC.  A journal or WAL
        opened with SQLITE_OPEN_CREATE carries UNIXFILE_DIRSYNC (unixOpen, isNewJrnl): its
        first successful sync also fsyncs the directory, ignoring that fsync's result."""
        err = self.k.fsync(u, f, self.fd[f], fate, name="fdatasync")
        with u.when(~err & lift(dirsync)):
            self.k.fsync_dir(u)
        return err

    def close(self, u: Update, f: int) -> None:
        """sqlite3OsClose (unixClose): the description is closed."""
        self.k.close(u, f, self.fd[f], self.k.sync_fates[0])
        u[self.fd[f]] = self.k.NONE
