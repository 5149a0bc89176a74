"""journal_mode=DELETE: the rollback journal (src/pager.c, src/os_unix.c).

A put is an autocommit transaction changing one page (key k's row is page k): the page's
original content goes to the ``journal`` (created for the transaction), the journal is
synced, its header written and synced again, the page written to ``db`` and the database
synced, and deleting the journal commits.  A failed sync in sqlite3PagerCommitPhaseOne is
returned to the VDBE, whose sqlite3VdbeHalt rolls the transaction back (sqlite3RollbackAll ->
sqlite3PagerRollback -> pager_playback); only a failure of that rollback puts the pager in
the ERROR state (pager_error), which it leaves for OPEN when the statement ends
(pager_unlock): the journal stays behind, hot, and the next access rolls it back
(sqlite3PagerSharedLock).  The same happens at the next open after a crash.

State: the pager's state (``pager``: idle = READER, journalled = WRITER_CACHEMOD with the
journal written, header = its header written, dbmod = WRITER_DBMOD, rolling = the original
page written back and the database sync due, open = OPEN: the next access checks for a hot
journal).  The new value is the client's waiting put.  Page contents of the journal are
encoded by ``JournalFormat``.
"""
from __future__ import annotations

from ...lang.expr import FALSE, Expr, ite
from ...lang.spec import Enum, Update
from .jformat import JournalFormat
from .mode import DB, JOURNAL, Mode

PHASE = Enum("idle", "journalled", "header", "dbmod", "rolling", "open")
IDLE, JOURNALLED, HEADER, DBMOD, ROLLING, OPEN = range(6)


class Rollback(Mode):
    """The rollback-journal protocol."""
    names = ("db", "journal")
    doc = ("pager, journal_mode=DELETE: the original page to the journal, journal synced, "
           "header, synced, the page to the database, synced, journal deleted; a hot journal "
           "is rolled back at the next access")

    def versions(self) -> int:
        cfg = self.e.cfg
        self.fmt = JournalFormat(cfg.bound("keys"), cfg.bound("writes"), cfg.bound("pages"))
        return max(cfg.bound("writes"), self.fmt.largest)

    def declare_state(self) -> None:
        self.phase = self.spec.var("pager", PHASE, IDLE)

    def declare_protocol(self) -> None:
        self._open()
        self._put()
        self._commit()
        self._rollback()

    def forget(self, u: Update) -> None:
        u[self.phase] = IDLE

    def serving(self) -> Expr:
        """Readers read the database file while the writer holds at most a RESERVED lock
        (the file is unchanged); not in WRITER_DBMOD or a rollback (EXCLUSIVE), nor in OPEN
        until the hot journal is rolled back."""
        return (self.phase == IDLE) | (self.phase == JOURNALLED) | (self.phase == HEADER)

    def get(self, key: int) -> Expr:
        return self.query_db(key)

    # -- helpers -------------------------------------------------------------------------------
    def hot(self, fd: int, fj: int) -> Expr:
        """hasHotJournal: the journal exists, the database is not empty (pagerPagecount) and
        the journal's first byte, the header's magic, is not zero."""
        k = self.k
        return (self.at(JOURNAL, fj) & (k.size[fd] > 0) & (k.size[fj] > 0) &
                (k.read(fj, 0) != 0))

    def end_transaction(self, u: Update, fj: int) -> None:
        """pager_end_transaction, journal_mode=DELETE: sqlite3OsClose, then sqlite3OsDelete
        with Pager.extraSync: unixDelete unlinks and, only at synchronous=EXTRA, fsyncs the
        directory."""
        self.close(u, fj)
        self.k.unlink(u, JOURNAL)
        if self.sync.extra_sync:
            self.k.fsync_dir(u)

    def shared_lock(self, u: Update, fd: int, fj: int) -> None:
        """sqlite3PagerSharedLock: with no hot journal, READER; a journal beside an empty
        database is deleted (hasHotJournal: sqlite3OsDelete, no directory sync), one whose
        header has no magic is left alone.  With a hot journal, OPEN until hot_journal."""
        k = self.k
        hot = u.let(self.hot(fd, fj) if fj < k.F else FALSE)
        if fj < k.F:
            with u.when(~hot & (k.size[fd] == 0)):
                k.unlink(u, JOURNAL)
        u[self.phase] = ite(hot, OPEN, IDLE)

    def abandon(self, u: Update, fj: int) -> None:
        """A journal sync failed in WRITER_CACHEMOD: sqlite3PagerRollback's pager_playback
        restores only the pager's cache (the database file is untouched), and
        pager_end_transaction deletes the journal; the put fails."""
        v = u.let(self.client.pending())
        self.end_transaction(u, fj)
        self.client.answer_failed(u, v)
        u[self.phase] = IDLE

    def playback(self, u: Update, fd: int, fj: int) -> None:
        """pager_playback: readJournalHdr reads the header through the page cache (a zero
        magic ends the playback), pager_truncate sets the database back to its original
        size, and nRec records are read (pager_playback_one_page: page number 0, a bad
        checksum or a page past the original size ends or skips one) and written back into
        the database file."""
        k, fmt = self.k, self.fmt
        h = u.let(ite(k.size[fj] > 0, k.read(fj, 0), 0))
        nrec, orig, nonce = fmt.header_fields(h)
        r = u.let(ite(k.size[fj] > 1, k.read(fj, 1), 0))
        key, data, rnonce = fmt.record_fields(r)
        for n in range(k.P + 1):
            with u.when((h != 0) & (orig == n)):
                with u.when(k.size[fd] > n):
                    k.truncate(u, fd, n)
                if n > 0:
                    with u.when(k.size[fd] < n):   # grown back with a zero page
                        k.write(u, fd, n - 1, 0)
        valid = u.let((h != 0) & (nrec == 1) & (r != 0) & (rnonce == nonce) & (key < orig))
        for p in range(self.client.K):
            with u.when(valid & (key == p)):
                k.write(u, fd, p, data)

    # -- opening and the hot journal -------------------------------------------------------------
    def _open(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)

        @spec.action("open", actor=self.actor, fd=F, fj=range(k.F + 1), rule=k.sample_rules)
        def _(u: Update, fd: int, fj: int, rule: str) -> None:
            """sqlite3PagerOpen: the database file is opened, created if missing (unixOpen;
            a main database gets no UNIXFILE_DIRSYNC); the first access takes the shared
            lock (sqlite3PagerSharedLock), which finds a hot journal or not."""
            u.require(~e.up, self.at(JOURNAL, fj), fd != fj)
            k.open_name(u, self.fd[fd], DB, fd, rule)
            u[e.up] = True
            self.shared_lock(u, fd, fj)

        @spec.action("shared_lock", actor=self.actor, fd=F, fj=range(k.F + 1))
        def _(u: Update, fd: int, fj: int) -> None:
            """sqlite3PagerSharedLock in the OPEN state a failed rollback left."""
            u.require(e.up, self.phase == OPEN, self.at(DB, fd), self.at(JOURNAL, fj))
            if fj < k.F:
                u.require(~self.hot(fd, fj))
            self.shared_lock(u, fd, fj)

        @spec.action("hot_journal", actor=self.actor, fd=F, fj=F, rule=k.sample_rules,
                     fate=k.sync_fates)
        def _(u: Update, fd: int, fj: int, rule: str, fate: str) -> None:
            """sqlite3PagerSharedLock finds a hot journal: it is opened read-write (not
            created), pagerSyncHotJournal fsyncs it, and pager_playback writes the original
            page back.  A failed sync fails the access: pager_unlock closes the journal and
            the pager stays OPEN."""
            u.require(e.up, self.phase == OPEN, self.at(DB, fd), self.hot(fd, fj))
            k.open_name(u, self.fd[fj], JOURNAL, fj, rule, create=False)
            err = self.fsync(u, fj, fate)
            with u.when(err):
                self.close(u, fj)
            with u.when(~err):
                self.playback(u, fd, fj)
                u[self.phase] = ROLLING

    # -- a put ---------------------------------------------------------------------------------
    def _put(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)

        @spec.action("put", actor=self.actor, key=range(self.client.K), fd=F, fj=F,
                     rule=k.sample_rules)
        def _(u: Update, key: int, fd: int, fj: int, rule: str) -> None:
            """sqlite3PagerBegin, then sqlite3PagerWrite -> pager_open_journal: the journal
            is opened with SQLITE_OPEN_CREATE (UNIXFILE_DIRSYNC) and writeJournalHdr writes
            its header with the magic and nRec zeroed (neither noSync nor SAFE_APPEND);
            pagerAddPageToRollbackJournal appends the page's original content, read through
            the page cache, unless the page lies past the database's size (pager_write).
            The new value stays in the pager's cache."""
            u.require(e.up, self.phase == IDLE, self.at(DB, fd), fd != fj,
                      k.may_open_name(JOURNAL, fj))
            v = self.client.issue(u, key)
            k.open_name(u, self.fd[fj], JOURNAL, fj, rule, guarded=True)
            k.write(u, fj, 0, 0)
            with u.when(k.size[fd] > key):
                k.write(u, fj, 1, self.fmt.record(key, k.read(fd, key), v))
            u[self.phase] = JOURNALLED

        full = self.sync.full_sync

        @spec.action("sync_journal", actor=self.actor, fd=F, fj=F,
                     fate=k.sync_fates if full else k.sync_fates[:1])
        def _(u: Update, fd: int, fj: int, fate: str) -> None:
            """syncJournal: with fullSync (synchronous=FULL, EXTRA) the journal is fsynced
            before nRec is written, and this first sync of the new journal fsyncs the
            directory too (unixSync, UNIXFILE_DIRSYNC); then the header gets the magic,
            nRec, cksumInit and the original size.  A failed sync: the put fails (abandon)."""
            u.require(e.up, self.phase == JOURNALLED, self.at(DB, fd), self.at(JOURNAL, fj))
            v = u.let(self.client.pending())
            err = self.fsync(u, fj, fate, dirsync=True) if full else FALSE
            with u.when(err):
                self.abandon(u, fj)
            with u.when(~err):
                nrec = ite(k.size[fd] > self.client.key_of(v), 1, 0)
                k.write(u, fj, 0, self.fmt.header(nrec, k.size[fd], v))
                u[self.phase] = HEADER

        @spec.action("sync_header", actor=self.actor, fd=F, fj=F, fate=k.sync_fates)
        def _(u: Update, fd: int, fj: int, fate: str) -> None:
            """syncJournal's second fsync (the device is not SEQUENTIAL): WRITER_DBMOD, and
            pager_write_pagelist writes the page into the database file.  A failed sync:
            still WRITER_CACHEMOD, the put fails (abandon)."""
            u.require(e.up, self.phase == HEADER, self.at(DB, fd), self.at(JOURNAL, fj))
            v = u.let(self.client.pending())
            err = self.fsync(u, fj, fate, dirsync=not full)
            with u.when(err):
                self.abandon(u, fj)
            with u.when(~err):
                for p in range(self.client.K):
                    with u.when(self.client.key_of(v) == p):
                        k.write(u, fd, p, v)
                u[self.phase] = DBMOD

    # -- the commit and a rollback ---------------------------------------------------------------
    def _commit(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)

        @spec.action("sync_db", actor=self.actor, fd=F, fj=F, fate=k.sync_fates)
        def _(u: Update, fd: int, fj: int, fate: str) -> None:
            """sqlite3PagerSync at the end of sqlite3PagerCommitPhaseOne.  0:
            sqlite3PagerCommitPhaseTwo -> pager_end_transaction deletes the journal, the
            commit point, and the put is acknowledged.  An error: sqlite3VdbeHalt rolls back
            (sqlite3PagerRollback in WRITER_DBMOD -> pager_playback writes the original page
            back into the database file); the playback's sync is rollback_sync."""
            u.require(e.up, self.phase == DBMOD, self.at(DB, fd), self.at(JOURNAL, fj))
            v = u.let(self.client.pending())
            err = self.fsync(u, fd, fate)
            with u.when(~err):
                self.end_transaction(u, fj)
                self.client.answer_ok(u, v)
                u[self.phase] = IDLE
            with u.when(err):
                self.playback(u, fd, fj)
                u[self.phase] = ROLLING

    def _rollback(self) -> None:
        spec, k, e, F = self.spec, self.k, self.e, range(self.k.F)

        @spec.action("rollback_sync", actor=self.actor, fd=F, fj=F, fate=k.sync_fates)
        def _(u: Update, fd: int, fj: int, fate: str) -> None:
            """pager_playback's sqlite3PagerSync of the database (a rollback's or a hot
            journal's).  0: pager_end_transaction deletes the journal.  An error: pager_error
            puts the pager in the ERROR state; when the statement ends pager_unlock closes
            the journal and goes to OPEN, the journal still hot.  A waiting put fails."""
            u.require(e.up, self.phase == ROLLING, self.at(DB, fd), self.at(JOURNAL, fj))
            v = u.let(self.client.pending())
            err = self.fsync(u, fd, fate)
            with u.when(~err):
                self.end_transaction(u, fj)
                u[self.phase] = IDLE
            with u.when(err):
                self.close(u, fj)
                u[self.phase] = OPEN
            with u.when(v != 0):
                self.client.answer_failed(u, v)
