"""InnoDB's protocol, from mysql/mysql-server storage/innobase (8.0), with
innodb_flush_log_at_trx_commit = 1 and innodb_flush_method = fsync (buffered data and log).

Files (fixed: created and made durable by --initialize): ``ib_logfile0`` (inode 0; page 0 is
the header with the checkpoint LSN, pages 1 .. P-1 a ring of redo records) and the tablespace
(inode 1; page k holds key k's value and its page LSN).  Memory: the buffer pool's dirty
pages (``mem``), the current LSN, and the last checkpoint LSN (``ckpt``).

Every fsync goes through os_file_fsync_posix (os0file.cc): EIO is ``ib::fatal() << "fsync()
returned EIO, aborting."``, an abort.  Recovery (log0recv.cc) applies a record to a page only
if the page's LSN is older (recv_recover_page: page_lsn < start_lsn), so a page the page cache
shows newer than the disk is skipped and stays clean.

Simplifications, of granularity: the header's two checkpoint blocks (LOG_CHECKPOINT_1 and _2,
alternating by checkpoint_no) are one page; a checkpoint is taken when the flush list is
empty (log_determine_checkpoint_lsn then returns the current LSN), not at the oldest dirty
page's LSN; the doublewrite buffer is left out: with whole pages a write is never torn, so
recovery never restores a page from it, and its own fsync's failure aborts as the others do.
"""
from __future__ import annotations

from ...lang.expr import And, Expr, ite
from ...lang.spec import Int, Update
from .redolog import DATA, LOG, RedoLogEngine

HEADER = 0     # the log file's page holding the checkpoint LSN


class InnoDB(RedoLogEngine):
    process = "innodb"
    doc = ("the user thread, log writer and flusher, page cleaner and checkpointer: redo "
           "records, buffer pool pages, the checkpoint LSN in the log header")
    log_first = 1
    wraps = True

    def declare_own_state(self) -> None:
        W = self.client.W
        self.ckpt = self.spec.var("ckpt", Int(0, W, grows=True), 0)

    def forget_own(self, u: Update) -> None:
        u[self.ckpt] = 0

    def log_room(self) -> Expr:
        """log_free_check: a record may not overwrite one the last checkpoint still needs."""
        return self.lsn + 1 - self.ckpt <= self.k.P - self.log_first

    def declare_protocol(self) -> None:
        self._recover()
        self.declare_puts()
        self._page_cleaner()
        self._checkpointer()
        self.declare_key_symmetry()

    # -- startup -----------------------------------------------------------------------------
    def _recover(self) -> None:
        k = self.k

        @self.spec.action("recover", actor=self.process, rule=k.sample_rules)
        def _(u: Update, rule: str) -> None:
            """srv_start: the log and tablespace are opened (fil_node_open_file);
            recv_recovery_from_checkpoint_start reads the checkpoint LSN from the log header
            and scans the redo log from it (recv_scan_log_recs: a block whose hdr_no does not
            match its LSN ends the log); recv_recover_page applies a record to a page read
            into the buffer pool only if page_lsn < the record's LSN, and an applied page is
            dirty.  Every read goes through the page cache."""
            self.start(u)
            k.open_into(u, self.fd[LOG], LOG, rule)
            k.open_into(u, self.fd[DATA], DATA, rule)
            ckpt = u.let(k.read(LOG, HEADER))
            last, end = self.scan(u, ckpt)
            for key, rec in enumerate(last):
                page = u.let(self.data_page(key))
                apply = u.let((rec != 0) & (self.lsn_of(page) < self.lsn_of(rec)))
                u[self.mem[key]] = ite(apply, rec, 0)
            u[self.lsn] = end
            u[self.ckpt] = ckpt
            u[self.up] = True

    # -- page writes and checkpoints ---------------------------------------------------------
    def _page_cleaner(self) -> None:
        k = self.k

        @self.spec.action("flush_page", actor=self.process, key=range(self.client.K))
        def _(u: Update, key: int) -> None:
            """buf_flush_page_cleaner / buf_flush_write_block_low: a dirty page is written to
            its tablespace (a buffered write) once the redo up to its LSN is flushed (the
            log's fsync for the put waiting has not returned: its page waits)."""
            u.require(self.up, self.mem[key] != 0,
                      self.value(self.mem[key]) != self.client.pending())
            k.write(u, DATA, key, self.mem[key])
            u.store(self.mem, key, 0)

    def _checkpointer(self) -> None:
        spec, k = self.spec, self.k

        @spec.action("checkpoint", actor=self.process, fate=k.sync_fates)
        def _(u: Update, fate: str) -> None:
            """log_checkpoint (log0chkp.cc): the checkpoint LSN is determined (the current
            LSN: no page is dirty); fil_flush_file_spaces fsyncs the tablespace; then
            log_files_write_checkpoint writes the checkpoint block to the log header
            (fil_redo_io, buffered) and log_fsync fsyncs the log; only then does
            last_checkpoint_lsn move (the log before it may be overwritten).  EIO from either
            fsync is fatal (os_file_fsync_posix).  One fate for both fsyncs' failed pages:
            exact while one fault, the default, fails one file's pages."""
            u.require(self.up, self.lsn > self.ckpt, And(*(m == 0 for m in self.mem)))
            err = k.fsync(u, DATA, self.fd[DATA], fate)
            with u.when(err):
                self.fatal(u)
            with u.when(~err):
                k.write(u, LOG, HEADER, self.lsn)
                logged = k.fsync(u, LOG, self.fd[LOG], fate)
                with u.when(logged):
                    self.fatal(u)
                with u.when(~logged):
                    u[self.ckpt] = self.lsn
