"""WiredTiger's protocol under mongod, from wiredtiger/wiredtiger@a1e9823 (src/os_posix/os_fs.c,
src/log/log.c, src/checkpoint/checkpoint_txn.c, src/meta/meta_turtle.c, src/txn/txn_recover.c),
with journaling and writes that wait for the journal (j: true).

Files, by name: ``WiredTigerLog`` (inode 0: the journal, one record per page, never
reused), ``collection.wt`` (inode 1: page k holds key k's value and its LSN),
``WiredTiger.turtle`` (page 0: the checkpoint LSN) and ``WiredTiger.turtle.set`` (the
turtle being written).  Memory: the cache (``mem``: a page whose LSN is past the last
checkpoint's is dirty), the current LSN and the last checkpoint's LSN (``ckpt_lsn``).

Every fsync goes through __posix_sync (fdatasync on Linux, fsync on the BSDs: the same
here, where either makes the file's size durable): no retry, WT_RET_PANIC on failure.
__wt_panic_func calls the event handler before it returns, and mongod's (wiredtiger_util.cpp
mdb_handle_error: fassert(28558); during startup mdb_handle_error_with_startup_suppression:
fassert(50853)) stops the process there: __wt_turtle_update's error path, which would remove
the turtle.set, never runs.  __posix_directory_sync exists only under ``#ifdef __linux__``:
elsewhere no file creation, rename or removal is followed by a directory fsync
(__posix_open_file, __posix_fs_rename, __posix_fs_remove).  ``reductions`` makes states
nothing can tell apart one.

Simplifications, of granularity: a checkpoint writes each tree in place (WiredTiger writes
new blocks and frees the old checkpoint's once the new one is durable); recovery replays
every record after the checkpoint LSN, so a key's page is the checkpoint's or newer, never
older.  WiredTiger.wt (the metadata, checkpointed and synced before the turtle) is merged
into the turtle: it names each tree's checkpoint, which here is the checkpoint LSN.  The log
files (a new one at each start, old ones removed once a checkpoint passes them) are one
file that only grows; a new database's turtle is written by its first checkpoint (an absent
turtle reads as LSN 0).  The turtle's write, fsync, rename and directory fsync are one step
(a crash between them leaves the old turtle, as a crash before them does); so are a
checkpoint's tree writes and fsyncs, and recovery with its checkpoint (wiredtiger_open
returns after both).
"""
from __future__ import annotations

from ...lang.expr import Expr
from ...lang.spec import Int, Update
from ..innodb.redolog import DATA, LOG, RedoLogEngine
from . import reductions

NAMES = ("WiredTigerLog", "collection.wt", "WiredTiger.turtle", "WiredTiger.turtle.set")
LOG_NAME, DATA_NAME, TURTLE, SET = range(4)


class WiredTiger(RedoLogEngine):
    names = NAMES
    process = "wiredtiger"
    doc = ("sessions, the journal flusher and the checkpoint thread: journal records, cached "
           "pages, the checkpoint LSN in the turtle file")
    hole_is_corruption = True

    def declare_own_state(self) -> None:
        W = self.client.W
        self.ckpt_lsn = self.spec.var("ckpt_lsn", Int(0, W, grows=True), 0)
        reductions.declare(self)

    def forget_own(self, u: Update) -> None:
        u[self.ckpt_lsn] = 0

    def dir_sync(self, u: Update) -> None:
        """__posix_directory_sync, compiled only for Linux."""
        if self.cfg.kernel_policy.linux:
            self.k.fsync_dir(u)

    def turtle(self) -> Expr:
        """The checkpoint LSN in WiredTiger.turtle as a read returns it (absent: 0)."""
        return self.k.on_name(TURTLE, lambda f: self.log_page(f, 0))

    def declare_protocol(self) -> None:
        self._recover()
        self.declare_puts()
        self._checkpointer()

    def fates(self) -> dict[str, tuple[str, ...]]:
        """A checkpoint's parameters: the turtle.set's inode, its open's sample rule, and the
        fate of a page its fsyncs fail to write (one for its three fsyncs: exact while one
        fault, the default, fails one file's pages)."""
        k = self.k
        return dict(fs=range(DATA + 1, k.F), rule=k.sample_rules, fate=k.sync_fates)

    # -- startup -----------------------------------------------------------------------------
    def _recover(self) -> None:
        k = self.k

        @self.spec.action("recover", actor=self.process, **self.fates())
        def _(u: Update, fs: int, rule: str, fate: str) -> None:
            """wiredtiger_open: after ``turtle_exists``, __wt_turtle_init removes a
            WiredTiger.turtle.set left over (not WT_FS_DURABLE: no directory sync); the log
            and collection files are opened (created, with a directory sync, the first
            time); __wt_txn_recover reads the checkpoint LSN from the turtle and
            __wt_log_scan replays the log from it through the page cache, to the first hole
            (a record after a hole needs salvage: the open fails, __log_has_hole); the
            replayed pages are dirty in the cache, and recovery ends with a checkpoint
            ("force=1"); then mongod serves."""
            self.start(u)
            self.turtle_exists(u)
            with u.when(k.lookup(SET) != k.F):
                k.unlink(u, SET)
            fresh = u.let(k.lookup(LOG_NAME) == k.F)
            k.open_name(u, self.fd[LOG], LOG_NAME, LOG, rule)
            k.open_name(u, self.fd[DATA], DATA_NAME, DATA, rule)
            with u.when(fresh):
                self.dir_sync(u)
            ckpt = u.let(self.turtle())
            last, end = self.scan(u, ckpt)
            for key, rec in enumerate(last):
                u[self.mem[key]] = rec
            u[self.lsn] = end
            u[self.ckpt_lsn] = ckpt
            done = self.checkpoint(u, fs, rule, fate)
            with u.when(done):
                u[self.up] = True

    def turtle_exists(self, u: Update) -> None:
        """__wt_turtle_exists (meta_turtle.c), the first look at the home (wiredtiger_open,
        conn_api.c): a WiredTiger.turtle.set with no WiredTiger.turtle (the first turtle
        update panicked) is renamed into place, WT_FS_DURABLE, and read as the turtle."""
        k = self.k
        with u.when((k.lookup(TURTLE) == k.F) & (k.lookup(SET) != k.F)):
            k.rename(u, SET, TURTLE)
            self.dir_sync(u)

    # -- checkpoints -------------------------------------------------------------------------
    def _checkpointer(self) -> None:
        @self.spec.action("checkpoint", actor=self.process, **self.fates())
        def _(u: Update, fs: int, rule: str, fate: str) -> None:
            """mongod's checkpoint thread (every 60 s) while pages changed since the last
            checkpoint (WT_BTREE_SKIP_CKPT otherwise)."""
            u.require(self.up, self.lsn > self.ckpt_lsn)
            self.checkpoint(u, fs, rule, fate)

    def checkpoint(self, u: Update, fs: int, rule: str, fate: str) -> Expr:
        """__checkpoint_db_internal (checkpoint_txn.c): the checkpoint's LSN is the log's
        (CKPT_START); __checkpoint_tree_helper writes every page changed since the last
        checkpoint (buffered writes); __wt_checkpoint_sync fsyncs the file; after the commit
        __wt_log_flush(WT_LOG_FSYNC) fsyncs the log; then the turtle (__wt_turtle_update).
        A failed fsync panics.  True if the checkpoint completed.  (The turtle.set is
        created first here: the step is atomic, and a left-over one is removed at the next
        start.)"""
        k = self.k
        k.open_name(u, self.fd[fs], SET, fs, rule)
        for key in range(self.client.K):
            with u.when(self.lsn_of(self.mem[key]) > self.ckpt_lsn):
                k.write(u, DATA, key, self.mem[key])
        c = u.let(self.lsn)
        err = k.fsync(u, DATA, self.fd[DATA], fate)
        with u.when(~err):
            logged = k.fsync(u, LOG, self.fd[LOG], fate)
        failed = u.let(err | logged)
        with u.when(failed):
            self.fatal(u)
        with u.when(~failed):
            self.turtle_update(u, fs, c, fate)
        return u.let(~failed & ~self.aborted)

    def turtle_update(self, u: Update, fs: int, c: Expr, fate: str) -> None:
        """__wt_turtle_update (meta_turtle.c): WiredTiger.turtle.set is created and written;
        __wt_sync_and_rename fsyncs and closes it and renames it over the turtle with
        WT_FS_DURABLE (a directory fsync, Linux only).  A failed fsync panics ("fatal turtle
        file update error"); otherwise the checkpoint is complete."""
        k = self.k
        k.write(u, fs, 0, c)
        err = k.fsync(u, fs, self.fd[fs], fate)
        k.close(u, fs, self.fd[fs], k.sync_fates[0])
        u[self.fd[fs]] = k.NONE
        with u.when(err):
            self.fatal(u)
        with u.when(~err):
            k.rename(u, SET, TURTLE)
            self.dir_sync(u)
            u[self.ckpt_lsn] = c
