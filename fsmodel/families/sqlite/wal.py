"""journal_mode=WAL: the write-ahead log (src/wal.c, src/pager.c, src/os_unix.c).

A put is an autocommit transaction changing one page: walFrames appends one frame (a commit
frame) to ``wal`` at mxFrame + 1, writing the WAL header first when the WAL is empty or
restarts; with synchronous=FULL it syncs the WAL and, only if that returned SQLITE_OK,
publishes the frame in the wal-index (walIndexAppend, walIndexWriteHdr).  A checkpoint syncs
the WAL, copies each page's last frame into ``db``, syncs the database and only then
advances nBackfill; a writer restarts the WAL at frame 1 once nBackfill is mxFrame.

Files: ``wal`` page 0 is the header (its salts: a generation number, 0 when zeroed), page i
is frame i holding a value.  The wal-index (shared memory: lost with the process, as the
-shm of the only connection is truncated at the next open) is ``mx_frame``, ``n_backfill``,
``wal_index`` (the value each published frame holds, its page number being the value's key)
and ``salt`` (the header's generation), with ``n_ckpt_zero`` (Wal.nCkpt == 0: the next header
gets fresh random salts) and ``wal_dirsync`` (the WAL's UNIXFILE_DIRSYNC).  Ghosts, what the
frame headers on the file say: ``frame_salt[v]`` and ``frame_prev[v]`` (the generation and
the frame whose checksum value v's frame chains from, 0: the header), ``hdr_ckpt[g]``
(generation g's header has nCkpt > 0) and ``salts`` (generations made so far).
"""
from __future__ import annotations

from ...lang.expr import TRUE, Expr, ite, lift
from ...lang.spec import Bool, Enum, Int, Update
from .mode import DB, JOURNAL, Mode, pick

WAL = JOURNAL
PHASE = Enum("idle", "written")
IDLE, WRITTEN = range(2)


class Wal(Mode):
    """The write-ahead-log protocol."""
    names = ("db", "wal")
    doc = ("pager and wal.c, journal_mode=WAL: a frame appended per commit (synced at FULL), "
           "published in the wal-index; checkpoints copy frames into the database")

    def declare_state(self) -> None:
        spec, W, N = self.spec, self.e.cfg.bound("writes"), self.e.cfg.bound("pages") - 1
        self.phase = spec.var("wal_phase", PHASE, IDLE)
        self.mx = spec.var("mx_frame", Int(0, N), 0)
        self.backfill = spec.var("n_backfill", Int(0, N), 0)
        self.index = spec.var("wal_index", Int(0, W), 0, (N,))
        self.salt = spec.var("salt", Int(0, W), 0)
        self.nckpt0 = spec.var("n_ckpt_zero", Bool(), True)
        self.dirsync = spec.var("wal_dirsync", Bool(), False)
        self.fsalt = spec.var("frame_salt", Int(0, W), 0, (W,))
        self.fprev = spec.var("frame_prev", Int(0, W), 0, (W,))
        self.hckpt = spec.var("hdr_ckpt", Bool(), False, (W,))
        self.salts = spec.var("salts", Int(0, W), 0)

    def declare_protocol(self) -> None:
        self._open()
        self._put()
        self._checkpoint()

    def forget(self, u: Update) -> None:
        for var, value in ((self.phase, IDLE), (self.mx, 0), (self.backfill, 0),
                           (self.salt, 0), (self.nckpt0, True), (self.dirsync, False)):
            u[var] = value
        for x in self.index:
            u[x] = 0

    def serving(self) -> Expr:
        """Readers never wait for the writer or a checkpoint."""
        return TRUE

    def last_frame(self, key: int) -> Expr:
        """sqlite3WalFindFrame: the last published frame holding page ``key`` (0: none)."""
        out: Expr = lift(0)
        for i, v in enumerate(self.index):
            out = ite((v != 0) & (self.client.key_of(v) == key), i + 1, out)
        return out

    def read_frame(self, frame: Expr) -> Expr:
        """sqlite3WalReadFrame: the frame's page of the WAL file through the page cache."""
        k, out = self.k, lift(0)
        for f in range(k.F):
            for p in range(1, k.P):
                out = ite(self.at(WAL, f) & (frame == p), k.read(f, p), out)
        return out

    def get(self, key: int) -> Expr:
        """readDbPage: the frame the wal-index names, else the database file; a reader whose
        snapshot is wholly backfilled takes read-lock 0 and reads only the database
        (walTryBeginRead)."""
        frame = self.last_frame(key)
        via_wal = (self.backfill < self.mx) & (frame != 0)
        return ite(via_wal, self.parsed(self.read_frame(frame), TRUE), self.query_db(key))

    # -- recovery ------------------------------------------------------------------------------
    def recover(self, u: Update, fw: int) -> None:
        """walIndexRecover through the page cache: nothing unless the file is longer than a
        header and the header is valid; then frame after frame while each one's salts match
        the header's and its checksum chains from the frame before (walDecodeFrame); every
        frame is a commit frame, so mxFrame is the last valid one; nBackfill is 0."""
        k = self.k
        h = u.let(ite(k.size[fw] > 1, k.read(fw, 0), 0))
        valid, prev, count = u.let(h != 0), lift(0), lift(0)
        for i in range(1, k.P):
            c = u.let(ite(k.size[fw] > i, k.read(fw, i), 0))
            valid = u.let(valid & (c != 0) & (pick(self.fsalt, c) == h) &
                          (pick(self.fprev, c) == prev))
            u[self.index[i - 1]] = ite(valid, c, 0)
            prev, count = c, count + ite(valid, 1, 0)
        u[self.mx] = count
        u[self.backfill] = 0
        u[self.salt] = h
        u[self.nckpt0] = (h == 0) | ~pick(self.hckpt, h)

    def _open(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)

        @spec.action("open", actor=self.actor, fd=F, fw=F, rule=k.sample_rules)
        def _(u: Update, fd: int, fw: int, rule: str) -> None:
            """sqlite3PagerOpen and the first read transaction: the database opened (created
            if missing), the WAL opened by sqlite3WalOpen with SQLITE_OPEN_CREATE
            (UNIXFILE_DIRSYNC); the only connection truncates the -shm
            (unixLockSharedMemory), so walIndexReadHdr runs walIndexRecover."""
            u.require(~e.up, fd != fw, k.may_open_name(DB, fd),
                      k.may_open_name(WAL, fw, besides=(fd,)))
            k.open_name(u, self.fd[fd], DB, fd, rule, guarded=True)
            k.open_name(u, self.fd[fw], WAL, fw, rule, guarded=True)
            u[self.dirsync] = True
            self.recover(u, fw)
            u[e.up] = True

    # -- a put ---------------------------------------------------------------------------------
    def restart(self, u: Update) -> None:
        """walRestartLog: every frame is backfilled, so walRestartHdr restarts the WAL in the
        wal-index at once: nCkpt + 1, new salts, mxFrame and nBackfill 0."""
        with u.when((self.mx > 0) & (self.backfill == self.mx)):
            u[self.salts] = self.salts + 1
            u[self.salt] = self.salts
            u[self.nckpt0] = False
            u[self.mx] = 0
            u[self.backfill] = 0
            for x in self.index:
                u[x] = 0

    def write_header(self, u: Update, fw: int, fate: str) -> Expr:
        """walFrames at frame 0: the WAL header (fresh random salts if nCkpt is 0), then the
        header's sync (syncHeader, CKPT_SYNC_FLAGS: at NORMAL too).  True if it failed."""
        with u.when(self.mx == 0) as first:
            with u.when(self.nckpt0):
                u[self.salts] = self.salts + 1
                u[self.salt] = self.salts
            for g in range(len(self.hckpt)):
                with u.when(self.salt == g + 1):
                    u[self.hckpt[g]] = ~self.nckpt0
            self.k.write(u, fw, 0, self.salt)
            err = self.fsync(u, fw, fate, self.dirsync)
            with u.when(~err):
                u[self.dirsync] = False
        return first & err

    def publish(self, u: Update, v: Expr) -> None:
        """walIndexAppend and walIndexWriteHdr: the frame is committed for readers."""
        u.store(self.index, self.mx, v)
        u[self.mx] = self.mx + 1

    def _put(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)
        commit_sync = self.sync.wal_commit_sync

        @spec.action("put", actor=self.actor, key=range(self.client.K), fw=F,
                     fate=k.sync_fates)
        def _(u: Update, key: int, fw: int, fate: str) -> None:
            """sqlite3PagerCommitPhaseOne -> pagerWalFrames -> walFrames: restart the WAL if
            it is all backfilled, write the header if the WAL is empty (a failed header sync
            fails the put), then the frame at mxFrame + 1 (walWriteOneFrame, buffered), its
            checksum chained from the last committed frame.  At NORMAL the frame is published
            at once (no WAL_SYNC_FLAGS); at FULL the sync comes first (sync_wal)."""
            room = (self.mx + 1 < k.P) | ((self.mx > 0) & (self.backfill == self.mx))
            u.require(e.up, self.phase == IDLE, self.at(WAL, fw), room)
            v = self.client.issue(u, key)
            self.restart(u)
            failed = u.let(self.write_header(u, fw, fate))
            with u.when(failed):
                self.client.answer_failed(u, v)
            with u.when(~failed):
                for p in range(1, k.P):
                    with u.when(self.mx + 1 == p):
                        k.write(u, fw, p, v)
                u.store(self.fsalt, v - 1, self.salt)
                u.store(self.fprev, v - 1, ite(self.mx == 0, 0, pick(self.index, self.mx)))
                if commit_sync:
                    u[self.phase] = WRITTEN
                else:
                    self.publish(u, v)
                    self.client.answer_ok(u, v)

        if not commit_sync:
            return

        @spec.action("sync_wal", actor=self.actor, fw=F, fate=k.sync_fates)
        def _(u: Update, fw: int, fate: str) -> None:
            """walFrames at a commit with synchronous=FULL: sqlite3OsSync(WAL_SYNC_FLAGS), and
            only if it returned SQLITE_OK the frame is published and the put acknowledged.
            An error returns before the wal-index is touched: the statement rolls back
            (pagerRollbackWal, sqlite3WalUndo) and the put fails, its frame left in the WAL
            file past mxFrame until the next write overwrites it."""
            u.require(e.up, self.phase == WRITTEN, self.at(WAL, fw))
            v = u.let(self.client.pending())
            err = self.fsync(u, fw, fate, self.dirsync)
            with u.when(~err):
                u[self.dirsync] = False
                self.publish(u, v)
                self.client.answer_ok(u, v)
            with u.when(err):
                self.client.answer_failed(u, v)
            u[self.phase] = IDLE

    # -- a checkpoint --------------------------------------------------------------------------
    def _checkpoint(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)

        @spec.action("checkpoint", actor=self.actor, fd=F, fw=F, fate=k.sync_fates)
        def _(u: Update, fd: int, fw: int, fate: str) -> None:
            """sqlite3WalCheckpoint -> walCheckpoint (PASSIVE: the autocheckpoint after a
            commit, or PRAGMA wal_checkpoint), no other reader, so mxSafeFrame is mxFrame:
            the WAL is synced (CKPT_SYNC_FLAGS, at NORMAL too); each page's last frame past
            nBackfill is read from the WAL through the page cache and written into the
            database file; the database is truncated to the commit's size (no change here)
            and synced; only then does nBackfill become mxFrame, letting the next writer
            restart the WAL.  A failed sync ends it there, nBackfill unchanged (the
            autocheckpoint ignores the error; readers keep reading the frames)."""
            u.require(e.up, self.phase == IDLE, self.at(DB, fd), self.at(WAL, fw),
                      self.backfill < self.mx)
            err = self.fsync(u, fw, fate, self.dirsync)
            with u.when(~err):
                u[self.dirsync] = False
                for key in range(self.client.K):
                    frame = u.let(self.last_frame(key))
                    with u.when(frame > self.backfill):
                        k.write(u, fd, key, self.read_frame(frame))
                failed = self.fsync(u, fd, fate)
                with u.when(~failed):
                    u[self.backfill] = self.mx
