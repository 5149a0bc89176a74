"""What InnoDB and WiredTiger share: a redo log of records, a data file written back at
checkpoints, a checkpoint LSN recovery starts from, and a cache that serves reads while up.

The log holds one record per page.  Record LSN l is a put: key ``key_of(v)`` gets value v.
A page holds ``l * (W + 1) + v`` (W the writes bound): the record's LSN and its value, as a
log block carries its LSN in its header (InnoDB's hdr_no, WiredTiger's record offset).  A
data page holds the same pair for the record that last wrote it (InnoDB's FIL_PAGE_LSN), so
page k of the data file is key k's value and the LSN it was written at.  A page reading 0 is
a hole: no record, no value.  The checkpoint LSN is a plain int in a control page.

A put writes its record to the log (a buffered write) and changes the cached page; the
log's fsync (``sync_log``) acknowledges it; a failed fsync is fatal in both engines (the
process stops: ``ib::fatal``, ``WT_PANIC``).  Recovery reads the control page and the log
through the page cache and replays the records after the checkpoint LSN (``scan``); each
engine decides what to do with them.

The cache (InnoDB's buffer pool, WiredTiger's cache; ``mem``, 0: not cached) holds the pages
changed since they were last written to the data file, and serves reads of them; a read of
any other key reads the data file through the page cache.  What happens to a clean page is
the engine's: InnoDB drops it at once (buf_LRU may evict it at any time, and a page read
again passes its own checksum even if it is an older version, so keeping it would only hide
what that read shows); WiredTiger keeps it while up (a block's checksum is in its parent, so
a stale re-read fails rather than returning old data).

Simplifications, of granularity: the mini-transaction's (the session's) change of the cached
page and the log writer's write of its record are one step (a crash between them loses a
record no one acknowledged); a record is valid if it carries the LSN scanned for and a value
newer than the record before it: the block header's LSN check, and the end of the log that
a block written later and only partly filled marks (InnoDB's data_len < block size; in
WiredTiger a record after a hole is corruption, ``hole_is_corruption``).
"""
from __future__ import annotations

from typing import ClassVar

from ...lang.expr import TRUE, Expr, Local, Or, ite, lift
from ...lang.spec import Bool, Int, Ref, Update
from ..kv import Engine

LOG, DATA = 0, 1      # the inodes of the log and of the data file


class RedoLogEngine(Engine):
    """The shared skeleton: state (``mem[key]``: the cached page, 0: none; ``lsn``: the last
    record's LSN; ``aborted``: stopped by a failed fsync), the put and its log sync, reads,
    the log's scan."""

    log_first: ClassVar[int] = 0          # the log's first record page (InnoDB: 1)
    wraps: ClassVar[bool] = False         # a circular log (InnoDB) or one that only grows
    hole_is_corruption: ClassVar[bool] = False

    # -- encoding ----------------------------------------------------------------------------
    @property
    def base(self) -> int:
        return self.cfg.bound("writes") + 1

    def versions(self) -> int:
        """The largest page content: the pair (LSN W, value W)."""
        return self.base * self.base - 1

    def record(self, lsn: Expr, v: Expr) -> Expr:
        return lift(lsn) * self.base + v

    def value(self, content: Expr) -> Expr:
        return lift(content) % self.base

    def lsn_of(self, content: Expr) -> Expr:
        return lift(content) // self.base

    def slot(self, lsn: int) -> int:
        """The log page of record ``lsn`` (>= 1): the next page, or round the ring."""
        ring = self.k.P - self.log_first
        return self.log_first + (lsn - 1) % ring if self.wraps else lsn - 1

    # -- state -------------------------------------------------------------------------------
    def declare_state(self) -> None:
        spec, K, W = self.spec, self.client.K, self.client.W
        self.fd = self.fds.declare("engine_fd")
        self.mem = spec.var("mem", Int(0, self.versions(), grows=True), 0, (K,))
        self.lsn = spec.var("lsn", Int(0, W, grows=True), 0)
        self.aborted = spec.var("aborted", Bool(), False)
        self.declare_own_state()

    def declare_own_state(self) -> None:
        raise NotImplementedError

    def forget(self, u: Update) -> None:
        for key in range(self.client.K):
            u[self.mem[key]] = 0
        u[self.lsn] = 0
        u[self.aborted] = False
        self.forget_own(u)

    def forget_own(self, u: Update) -> None:
        raise NotImplementedError

    # -- stopping and starting ----------------------------------------------------------------
    def fatal(self, u: Update) -> None:
        """A failed fsync: the process aborts (ib::fatal, WT_PANIC and mongod's fassert)."""
        self.exit(u)
        u[self.aborted] = True

    def start(self, u: Update) -> None:
        """The guard and count of a start: the restart after an abort counts as a crash of
        the application (a kill and a power loss are counted where they happen)."""
        u.require(~self.up, ~self.aborted | self.room())
        with u.when(self.aborted):
            u[self.crashes] = self.crashes + 1
        u[self.aborted] = False

    # -- the cache ---------------------------------------------------------------------------
    def data_page(self, key: int) -> Expr:
        """Key's page of the data file as a read returns it (the page cache, else the disk)."""
        return self.log_page(DATA, key)

    def log_page(self, f: int, p: int) -> Expr:
        """Page p of file f as a read returns it; past a named file's end: 0."""
        got = self.k.read(f, p)
        return ite(self.k.size[f] > p, got, 0) if self.names else got

    def get(self, key: int) -> Expr:
        """A read: the page if the cache holds it, else the data file's page read through
        the page cache."""
        return self.value(ite(self.mem[key] != 0, self.mem[key], self.data_page(key)))

    def taking_puts(self) -> Expr:
        """Whether the engine takes a put now (besides being up)."""
        return TRUE

    def log_room(self) -> Expr:
        """The log has a page for the next record."""
        return self.lsn < self.k.P - self.log_first

    # -- the put and the log's sync -----------------------------------------------------------
    def declare_puts(self) -> None:
        spec, k = self.spec, self.k

        @spec.action("put", actor=self.process, key=range(self.client.K))
        def _(u: Update, key: int) -> None:
            """The client's write: the record goes to the log (a buffered write of its page)
            and the cached page changes (dirty); the client waits for the log's sync."""
            u.require(self.up, self.taking_puts(), self.log_room())
            v = self.client.issue(u, key)
            lsn = u.let(self.lsn + 1)
            rec = u.let(self.record(lsn, v))
            for l in range(1, self.client.W + 1):
                with u.when(lsn == l):
                    k.write(u, LOG, self.slot(l), rec)
            u.store(self.mem, key, rec)
            u[self.lsn] = lsn

        @spec.action("sync_log", actor=self.process, fate=k.sync_fates)
        def _(u: Update, fate: str) -> None:
            """The log's fsync for the waiting put: 0 acknowledges it; an error is fatal."""
            u.require(self.up, self.client.waiting())
            err = k.fsync(u, LOG, self.fd[LOG], fate)
            with u.when(err):
                self.fatal(u)
            with u.when(~err):
                self.client.answer_ok(u, self.client.pending())

    def declare_key_symmetry(self) -> None:
        """Keys are interchangeable: each is its cached page and its data page (fixed files:
        no size tells the pages apart), named by the client's record of each put's key."""
        spec, c = self.spec, self.client
        refs = [Ref(c.key[i].slot, 0, live=(c.puts.slot, i)) for i in range(c.W)]
        spec.symmetric([[self.mem[key]] + self.k.page_record(DATA, key)
                        for key in range(c.K)], refs, "keys")

    # -- recovery's scan ---------------------------------------------------------------------
    def scan(self, u: Update, ckpt: Expr) -> tuple[list[Local], Local]:
        """The records recovery replays from the checkpoint LSN on, read through the page
        cache: for each key the last valid one (0: none), and the LSN the log ends at.  With
        ``hole_is_corruption`` the action requires that no record follows the end."""
        K, W = self.client.K, self.client.W
        last: list[Expr] = [lift(0)] * K
        alive: Expr = TRUE
        prev: Expr = lift(0)
        end: Expr = lift(ckpt)
        for l in range(1, W + 1 if self.wraps else min(W, self.k.P) + 1):
            rec = u.let(self.log_page(LOG, self.slot(l)))
            ok = u.let((l > ckpt) & alive & (rec != 0) & (self.lsn_of(rec) == l)
                       & (self.value(rec) > prev))
            alive = u.let((l <= ckpt) | ok)
            prev = u.let(ite(ok, self.value(rec), prev))
            end = u.let(ite(ok, l, end))
            for key in range(K):
                last[key] = u.let(ite(ok & (self.client.key_of(self.value(rec)) == key),
                                      rec, last[key]))
        if self.hole_is_corruption:
            u.require(~self.data_after(end))
        return [u.let(x) for x in last], u.let(end)

    def data_after(self, end: Expr) -> Expr:
        """A record after the end of the log: a hole with data after it."""
        return Or(*((p > end) & (self.log_page(LOG, p) != 0)
                    for p in range(self.log_first, self.k.P)))
