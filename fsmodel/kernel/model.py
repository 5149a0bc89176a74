"""The kernel: page cache, write-back, error records, open file descriptions, crashes, faults.

State (docs/model.md §2), per file f and page p:
  page[f][p]   absent / clean / dirty / invalid      cache[f][p]  version in the page cache
  disk[f][p]   version on disk                        inode[f]     inode in memory
  wb_err[f]    errseq_t of the mapping (or the pre-4.13 AS_EIO flag, or a sticky bit)
  fault[f]     the device's state for this file's sectors
and per open file description (``struct file``) in slot s of file f:
  f_count[f][s]  references (fds in processes, in flight in a socket)
  f_wb_err[f][s] the description's errseq cursor       f_sb_err[f][s] its syncfs cursor (5.8+)

Operations (``open``, ``write``, ``fsync``, ...) append instructions to the caller's action, so a
protocol's step "backend writes and registers the segment" is one atomic action, as in the code.
The kernel's own nondeterminism (the fate of a failed page, the sample rule) is a parameter of
the calling action, drawn from the policy's options.
"""
from __future__ import annotations

from ..config import Config
from ..lang.expr import FALSE, Expr, Local, Or, Var, VarArray, ite, lift
from ..lang.spec import Bool, Enum, Int, Spec, Update
from . import errseq
from .policy import ERRSEQ, FLAG, INVALIDATE, KEEP, MARK_SEEN, REDIRTY, SYNC_ONLY, UNTIL_CLOSE

# Lanes of a trace diagram the kernel's variables and calls belong to.
PAGE_CACHE, ERRSEQ_LANE, DISK = "page cache", "errseq and cursors", "disk"
LANES = {"page": PAGE_CACHE, "cache": PAGE_CACHE, "inode": PAGE_CACHE,
         "wb_err": ERRSEQ_LANE, "f_count": ERRSEQ_LANE, "f_wb_err": ERRSEQ_LANE,
         "s_wb_err": ERRSEQ_LANE, "f_sb_err": ERRSEQ_LANE,
         "disk": DISK, "fault": DISK, "faults_started": DISK, "fs_errors": ERRSEQ_LANE,
         "journal_pending": PAGE_CACHE}
# What each lane is, for a diagram's legend ("{0}" stands for a number in the lane's name).
LANE_DOCS = {
    PAGE_CACHE: "the kernel: write-back and eviction; each cached page's state and content "
                "version, each inode",
    ERRSEQ_LANE: "the kernel's error state: each file's wb_err (errseq_t or AS_EIO flag), "
                 "each open file description's reference count and f_wb_err cursor",
    DISK: "the device: the version each page has on disk, faults starting and healing, "
          "power loss",
    "other": "a third-party process (a backup tool, a cron job) that opens a data file, "
             "fsyncs it and closes it",
    "environment": "the initial values of variables no process or kernel part owns",
}
RETURNS = ("0", "EIO", "ENODEV")

ABSENT, CLEAN, DIRTY, INVALID = range(4)
PAGE = Enum("absent", "clean", "dirty", "invalid")
NO_FAULT, TRANSIENT, PERSISTENT, GONE = range(4)
FAULT = Enum("none", "transient", "persistent", "gone")


class Kernel:
    """Kernel state of one file system holding ``files`` files of ``pages`` pages."""

    def __init__(self, spec: Spec, cfg: Config, slots: int, holders: int,
                 versions: int | None = None) -> None:
        """``versions``: the largest content version a page can hold (default: --writes)."""
        self.cfg, self.pol, self.fs = cfg, cfg.kernel_policy, cfg.fs
        self.F, self.P, self.S = cfg.bound("files"), cfg.bound("pages"), slots
        self.NONE = slots  # the descriptor value meaning "not open"
        self.wrap = cfg.bound("errseq-wrap")
        W = cfg.bound("writes") if versions is None else versions
        emax = errseq.largest(self.wrap) if self.pol.record == ERRSEQ else 1
        F, P, S = self.F, self.P, self.S
        self.page = spec.var("page", PAGE, ABSENT, (F, P))
        self.cache = spec.var("cache", Int(0, W, grows=True), 0, (F, P))
        self.disk = spec.var("disk", Int(0, W, grows=True), 0, (F, P))
        self.inode = spec.var("inode", Bool(), False, (F,))
        self.err = spec.var("wb_err", Int(0, emax), 0, (F,))
        self.fault = spec.var("fault", FAULT, NO_FAULT, (F,))
        self.faults = spec.var("faults_started", Int(0, cfg.bound("faults"), grows=True), 0)
        self.ref = spec.var("f_count", Int(0, holders), 0, (F, S))
        self.cur = spec.var("f_wb_err", Int(0, emax), 0, (F, S))
        self.sb = self.sbcur = None
        if self.pol.syncfs_reports:
            self.sb = spec.var("s_wb_err", Int(0, emax), 0)
            self.sbcur = spec.var("f_sb_err", Int(0, emax), 0, (F, S))
        self.jpend = None
        if self.fs.journal_data:   # committed to the journal, not yet written in place
            self.jpend = spec.var("journal_pending", Bool(), False, (F,))
        self.fs_errors = None
        if self.pol.error_counter:   # proposed at LSF/MM 2018 (#1); wraps like errseq's
            self.fs_errors = spec.var("fs_errors", Int(0, self.wrap - 1), 0)
        self.sample_rules = self.pol.sample or (MARK_SEEN,)
        self.bg_fates, self.sync_fates = self.pol.bg_fates, self.pol.sync_fates
        spec.meta["lanes"] = dict(LANES)
        spec.meta["actor_lanes"] = {"kernel": PAGE_CACHE, "disk": DISK}
        spec.meta["kernel_lanes"] = [PAGE_CACHE, ERRSEQ_LANE, DISK]
        spec.meta["lane_docs"] = dict(LANE_DOCS)
        if self.pol.record == ERRSEQ:    # how a renderer shows these values (errseq.py)
            layout = {"seen": errseq.SEEN, "counter": errseq.CTR_INC}
            spec.meta["decode"] = {a: layout for a in ("wb_err", "f_wb_err", "s_wb_err",
                                                       "f_sb_err")}

    def file_record(self, f: int) -> list[Var]:
        """Every kernel variable of file f, its pages and descriptions included (one record of
        a file symmetry)."""
        per_file = [self.page, self.cache, self.disk, self.inode, self.err, self.fault, self.ref,
                    self.cur, self.sbcur, self.jpend]
        out: list[Var] = []
        for arr in per_file:
            if arr is not None:
                x = arr[f]
                out += x.flat() if isinstance(x, VarArray) else [x]
        return out

    def page_record(self, f: int, p: int) -> list[Var]:
        """The kernel's variables of one page."""
        return [self.page[f][p], self.cache[f][p], self.disk[f][p]]

    def declare_pools(self, spec: Spec, holders: list[list[tuple[Var, Var | None, int]]]) -> None:
        """The description slots of each file are interchangeable; ``holders[f]`` lists every
        variable that can name one of file f's descriptions (with its condition, if any)."""
        for f in range(self.F):
            records = [[self.ref[f][s], self.cur[f][s]] +
                       ([self.sbcur[f][s]] if self.sbcur is not None else [])
                       for s in range(self.S)]
            spec.pool(records, holders[f], self.NONE)

    # -- views -----------------------------------------------------------------------------
    def cached(self, f: int, p: int) -> Expr:
        return (self.page[f][p] == CLEAN) | (self.page[f][p] == DIRTY)

    def read(self, f: int, p: int) -> Expr:
        """The version a read() returns: the page cache if it holds the page, else the disk."""
        return ite(self.cached(f, p), self.cache[f][p], self.disk[f][p])

    def read_call(self, u: Update, f: int, p: int) -> Expr:
        """read(): the version it returns, recorded as a call."""
        u.call("read", PAGE_CACHE, result=self.read(f, p), file=f, page=p)
        return self.read(f, p)

    def dirty(self, f: int) -> Expr:
        return Or(self.page[f][p] == DIRTY for p in range(self.P))

    def referenced(self, f: int) -> Expr:
        return Or(self.ref[f][s] > 0 for s in range(self.S))

    def free_slot(self, f: int) -> Expr:
        out: Expr = lift(self.NONE)
        for s in reversed(range(self.S)):
            out = ite(self.ref[f][s] == 0, s, out)
        return out

    # -- system calls ----------------------------------------------------------------------
    def open(self, u: Update, f: int, rule: str) -> Local:
        """open(): a new description whose cursor samples the mapping's errseq_t (docs/model.md §3)."""
        s = u.let(self.free_slot(f))
        u[self.inode[f]] = True
        u.store(self.ref[f], s, 1)
        if self.pol.record == ERRSEQ:
            if rule == MARK_SEEN:  # 4.13/4.15 errseq_sample marks the error SEEN (#1, #14)
                u[self.err[f]] = errseq.mark_seen(self.err[f])
                u.store(self.cur[f], s, self.err[f])
            else:                  # b4678df184b3: 0 if unseen, so someone still reports it
                u.store(self.cur[f], s, errseq.sample_unseen_zero(self.err[f]))
        if self.sb is not None:    # 735e4ae5ba28: f_sb_err = errseq_sample(&sb->s_wb_err)
            u.store(self.sbcur[f], s, errseq.sample_unseen_zero(self.sb))
        u.call("open", ERRSEQ_LANE, result=s, file=f, cursor=self.cur[f][s])
        return s

    def open_into(self, u: Update, holder: Var, f: int, rule: str) -> None:
        """open() storing the new description in the process's descriptor variable."""
        u[holder] = self.open(u, f, rule)

    def dup(self, u: Update, f: int, s: Expr) -> None:
        """dup() or SCM_RIGHTS: another reference to the same description, same cursor (#53)."""
        u.store(self.ref[f], s, self.ref[f][s] + 1)
        u.call("dup", ERRSEQ_LANE, file=f, desc=s)

    def write(self, u: Update, f: int, p: int, version: Expr) -> None:
        """write(): the new content is in the page cache, dirty (docs/model.md §2)."""
        u.call("write", PAGE_CACHE, result=0, results=RETURNS, file=f, page=p, version=version)
        u[self.page[f][p]] = DIRTY
        u[self.cache[f][p]] = version

    def fsync(self, u: Update, f: int, s: Expr, fate: str, name: str = "fsync") -> Local:
        """fsync() / fdatasync() / msync(MS_SYNC) on description s: true if it reports EIO."""
        if self.fs.journal_data:
            err = self._fsync_journal(u, f, s)
            u.call(name, ERRSEQ_LANE, result=err, results=RETURNS, file=f, desc=s)
            return err
        err = self.report(u, f, s, self.flush(u, f, fate))
        gone = self.fault[f] == GONE     # ENODEV: every later fsync fails (#14)
        u.call(name, ERRSEQ_LANE, result=ite(gone, 2, ite(err, 1, 0)), results=RETURNS,
               file=f, desc=s)
        return u.let(err | gone)

    def report(self, u: Update, f: int, s: Expr, failed: Expr) -> Expr:
        """Whether a sync of description s reports an error, after a flush that ``failed``,
        and what the report consumes (the policy's error record)."""
        if self.pol.record == ERRSEQ:    # file_check_and_advance_wb_err (mm/filemap.c)
            return self.check_and_advance(u, self.err[f], self.cur[f], s)
        if self.pol.record == FLAG:      # filemap_check_errors: test_and_clear AS_EIO (wiki)
            err = u.let(self.err[f] == 1)
            u[self.err[f]] = 0
            return err
        if self.pol.record == UNTIL_CLOSE:   # OpenBSD: keeps failing until last close (wiki)
            return self.err[f] == 1
        return failed                    # BSD buffer cache: only this call's own failure

    def sync_file_range(self, u: Update, f: int, fate: str) -> None:
        """sync_file_range(SYNC_FILE_RANGE_WRITE): starts write-back, consumes nothing (#26).
        With data=journal it neither writes nor reports (fsmodel conformance, 'sfr')."""
        u.call("sync_file_range", PAGE_CACHE, result=0, results=RETURNS, file=f)
        if not self.fs.journal_data:
            self.flush(u, f, fate)

    def sync_file_range_wait(self, u: Update, f: int, s: Expr, fate: str) -> Local:
        """sync_file_range(WRITE | WAIT_BEFORE | WAIT_AFTER): writes and waits, and the wait
        (file_fdatawait_range) checks and advances the description's cursor like fsync
        (mm/filemap.c; the kernel runs of fsmodel conformance: "sfr" scenario).  With
        data=journal it neither writes nor reports (the same runs)."""
        err: Expr = FALSE
        if not self.fs.journal_data:   # the wait checks the error record as fsync does
            err = self.report(u, f, s, self.flush(u, f, fate))
        u.call("sync_file_range_wait", ERRSEQ_LANE, result=err, results=RETURNS, file=f,
               desc=s)
        return u.let(err)

    def write_direct(self, u: Update, f: int, p: int, version: Expr) -> None:
        """write() with O_DIRECT: straight to the disk, failing at once on a bad range and
        recording no error for fsync; the cached page is dropped (conformance "direct")."""
        if self.fs.journal_data:   # no O_DIRECT: a buffered write, committed at once (ext4
            u.call("write_direct", DISK, result=0, results=RETURNS, file=f, page=p,
                   version=version)   # commit "fake direct I/O mode for data=journal")
            self.write(u, f, p, version)
            self.commit_journal(u, f)
            return
        bad = u.let(self.fault[f] != NO_FAULT)
        u.call("write_direct", DISK, result=bad, results=RETURNS, file=f, page=p,
               version=version)
        with u.when(~bad):
            u[self.disk[f][p]] = version
            u[self.page[f][p]] = ABSENT
            u[self.cache[f][p]] = 0

    def read_direct(self, u: Update, f: int, p: int) -> None:
        """read() with O_DIRECT: the disk's version."""
        u.call("read_direct", DISK, result=self.disk[f][p], file=f, page=p)

    def sync_all(self, u: Update, fate: str) -> None:
        """sync(2): write every dirty page; returns nothing, consumes no error."""
        u.call("sync", PAGE_CACHE)
        for f in range(self.F):
            self.flush(u, f, fate)

    def remount(self, u: Update, fate: str) -> None:
        """umount and mount: every dirty page written, every inode evicted with its error."""
        u.call("remount", PAGE_CACHE)
        for f in range(self.F):
            self.flush(u, f, fate)
            self.evict_inode(u, f)

    def drop_caches(self, u: Update) -> None:
        """echo 3 > drop_caches: every clean page and every unreferenced clean inode."""
        u.call("drop_caches", PAGE_CACHE)
        for f in range(self.F):
            for p in range(self.P):
                with u.when(self.evictable_page(f, p)):
                    self.evict_page(u, f, p)
            with u.when(self.evictable_inode(f)):
                self.evict_inode(u, f)

    def syncfs(self, u: Update, s_file: int, s: Expr, fate: str) -> Expr:
        """syncfs(): write every file; errors only through the superblock errseq from 5.8."""
        for f in range(self.F):
            self.flush(u, f, fate)
        err = FALSE                      # before 5.8 syncfs returns no file-level errors (#1)
        if self.sb is not None:
            err = self.check_and_advance(u, self.sb, self.sbcur[s_file], s)
        u.call("syncfs", ERRSEQ_LANE, result=err, results=RETURNS, file=s_file, desc=s)
        return err

    def close(self, u: Update, f: int, s: Expr, fate: str) -> Expr:
        """close(): drop a reference; on NFS the close flushes and reports (#1, #23)."""
        err: Expr = FALSE
        if self.fs.close_flushes:        # nfs_file_flush: the flush reports as fsync would
            err = self.report(u, f, s, self.flush(u, f, fate))
        u.call("close", ERRSEQ_LANE, result=err, results=RETURNS, file=f, desc=s)
        u.store(self.ref[f], s, self.ref[f][s] - 1)
        with u.when(self.ref[f][s] == 0):  # the description is freed: its cursors go too
            u.store(self.cur[f], s, 0)
            if self.sbcur is not None:
                u.store(self.sbcur[f], s, 0)
        if self.pol.record == UNTIL_CLOSE:
            with u.when(~self.referenced(f)):
                u[self.err[f]] = 0
        return err

    # -- write-back ------------------------------------------------------------------------
    def flush(self, u: Update, f: int, fate: str) -> Local:
        """Write every dirty page of f (each may fail); true if one failed."""
        failed = u.let(self.dirty(f) & (self.fault[f] != NO_FAULT))
        for p in range(self.P):
            with u.when(self.page[f][p] == DIRTY):
                self.writeback_page(u, f, p, fate)
        return failed

    def writeback_page(self, u: Update, f: int, p: int, fate: str) -> None:
        """Write one dirty page: the disk gets it, or the failure follows the policy."""
        u.call("write-back", DISK, result=self.fault[f] != NO_FAULT, results=("ok", "EIO"),
               source=PAGE_CACHE, file=f, page=p, version=self.cache[f][p])
        with u.when(self.fault[f] == NO_FAULT):
            u[self.disk[f][p]] = self.cache[f][p]
            u[self.page[f][p]] = CLEAN
        with u.when(self.fault[f] != NO_FAULT):
            if self.pol.gone_drops:      # FreeBSD 11.1+: dropped once the device is gone (wiki)
                with u.when(self.fault[f] == GONE):
                    self._fail(u, f, p, INVALIDATE)
                with u.when(self.fault[f] != GONE):
                    self._fail(u, f, p, fate)
            else:
                self._fail(u, f, p, fate)

    def _fail(self, u: Update, f: int, p: int, fate: str) -> None:
        if fate == KEEP:                 # ext4: clean, content kept until evicted (#1, ATC20)
            u[self.page[f][p]] = CLEAN
        elif fate == INVALIDATE:         # NetBSD, XFS per #1, Btrfs: re-read gives the disk
            u[self.page[f][p]] = INVALID
            u[self.cache[f][p]] = 0
        else:
            assert fate == REDIRTY       # FreeBSD, strict POSIX: stays dirty, retried
        self.record_error(u, f)

    def record_error(self, u: Update, f: int) -> None:
        if self.fs_errors is not None:
            u[self.fs_errors] = (self.fs_errors + 1) % self.wrap
        if self.pol.record == ERRSEQ:    # mapping_set_error -> errseq_set (lib/errseq.c)
            u[self.err[f]] = errseq.set_error(self.err[f], self.wrap)
            if self.sb is not None:      # 5.8: also the superblock's s_wb_err
                u[self.sb] = errseq.set_error(self.sb, self.wrap)
        elif self.pol.record in (FLAG, UNTIL_CLOSE):
            u[self.err[f]] = 1
        else:
            assert self.pol.record == SYNC_ONLY

    def check_and_advance(self, u: Update, value: Expr, cursors, s: Expr) -> Local:
        """errseq_check_and_advance(): report if the value moved past this cursor, mark SEEN."""
        moved = u.let(value != cursors[s])
        with u.when(moved):
            u[value] = errseq.mark_seen(value)
            u.store(cursors, s, value)
        return moved

    def _fsync_journal(self, u: Update, f: int, s: Expr) -> Local:
        """ext4 data=journal (ATC20): the dirty pages are committed to the journal, so they
        are durable and fsync returns 0 for them; their in-place write comes later
        (``checkpoint``), and if it fails it sets the error that a later fsync reports."""
        err = self.report(u, f, s, FALSE)
        self.commit_journal(u, f)
        return u.let(err)

    def commit_journal(self, u: Update, f: int) -> None:
        with u.when(self.dirty(f)):
            u[self.jpend[f]] = True
        for p in range(self.P):
            with u.when(self.page[f][p] == DIRTY):
                u[self.disk[f][p]] = self.cache[f][p]
                u[self.page[f][p]] = CLEAN

    def checkpoint(self, u: Update, f: int) -> None:
        """jbd2 writes committed data in place, whenever it gets to it: a failing range
        records the error (fsmodel conformance, ext4 data=journal: 'once' reports it at the
        second fsync, 'partial' never, the range healed first)."""
        u.call("checkpoint", DISK, result=self.fault[f] != NO_FAULT, results=("ok", "EIO"),
               source=PAGE_CACHE, file=f)
        with u.when(self.fault[f] != NO_FAULT):
            self.record_error(u, f)
        u[self.jpend[f]] = False

    # -- crashes and the environment -------------------------------------------------------
    def crash(self, u: Update) -> None:
        """OS crash or power loss: the cache, descriptions and error state are lost (docs/model.md §2)."""
        for f in range(self.F):
            for p in range(self.P):
                u[self.page[f][p]] = ABSENT
                u[self.cache[f][p]] = 0
            u[self.inode[f]] = False
            u[self.err[f]] = 0
            for s in range(self.S):
                u[self.ref[f][s]] = 0
                u[self.cur[f][s]] = 0
                if self.sbcur is not None:
                    u[self.sbcur[f][s]] = 0
        if self.sb is not None:
            u[self.sb] = 0
        if self.fs_errors is not None:   # an in-memory count: gone at reboot
            u[self.fs_errors] = 0
        if self.jpend is not None:       # the journal is replayed at mount: data in place
            for f in range(self.F):
                u[self.jpend[f]] = False

    def unreported(self, f: int) -> Expr:
        """The inode holds an error no fsync has reported yet."""
        if self.pol.record == ERRSEQ:
            return (self.err[f] != 0) & ~errseq.is_seen(self.err[f])
        if self.pol.record in (FLAG, UNTIL_CLOSE):
            return self.err[f] == 1
        return FALSE

    def evictable_page(self, f: int, p: int) -> Expr:
        return (self.page[f][p] == CLEAN) | (self.page[f][p] == INVALID)

    def evict_page(self, u: Update, f: int, p: int) -> None:
        u[self.page[f][p]] = ABSENT
        u[self.cache[f][p]] = 0

    def evictable_inode(self, f: int) -> Expr:
        out = self.inode[f] & ~self.referenced(f) & ~self.dirty(f)
        if self.pol.keep_erroring_inodes:   # the LSF/MM 2018 proposal (#1)
            out = out & ~self.unreported(f)
        return out

    def evict_inode(self, u: Update, f: int) -> None:
        """The inode and its pages are gone, and with them its error record."""
        u[self.inode[f]] = False
        u[self.err[f]] = 0
        for p in range(self.P):
            self.evict_page(u, f, p)

    def declare_environment(self, spec: Spec) -> None:
        F, P, cfg = range(self.F), range(self.P), self.cfg

        @spec.action("writeback", actor="kernel", f=F, p=P, fate=self.bg_fates)
        def _(u: Update, f: int, p: int, fate: str) -> None:
            """Background write-back of one dirty page (docs/model.md §2)."""
            u.require(self.page[f][p] == DIRTY)
            self.writeback_page(u, f, p, fate)

        if self.jpend is not None:
            @spec.action("checkpoint", actor="kernel", f=F)
            def _(u: Update, f: int) -> None:
                """jbd2 writes journalled data in place (ext4 data=journal)."""
                u.require(self.jpend[f])
                self.checkpoint(u, f)

        if cfg.on("eviction"):
            @spec.action("evict_page", actor="kernel", f=F, p=P)
            def _(u: Update, f: int, p: int) -> None:
                """Memory pressure drops a clean page; a read then gets the disk (docs/model.md §2)."""
                u.require(self.evictable_page(f, p))
                self.evict_page(u, f, p)

            @spec.action("evict_inode", actor="kernel", f=F)
            def _(u: Update, f: int) -> None:
                """An unreferenced inode with no dirty page is evicted and its error forgotten
                (wiki; the PostgreSQL commit message quoted in #71)."""
                u.require(self.evictable_inode(f))
                self.evict_inode(u, f)

        if self.fs.eats_errors and cfg.on("faults"):
            @spec.action("thin_lose", actor="disk", f=F, p=P)
            def _(u: Update, f: int, p: int) -> None:
                """Thin provisioning runs out of space: the dirty page's contents are lost
                and the error is eaten (#1, #14; T8)."""
                u.require(self.page[f][p] == DIRTY)
                u[self.page[f][p]] = INVALID
                u[self.cache[f][p]] = 0

        if cfg.on("faults") and cfg.bound("faults") > 0:
            @spec.action("fault", actor="disk", f=F, kind=self.fault_kinds())
            def _(u: Update, f: int, kind: str) -> None:
                """The device starts failing writes to this file's sectors (docs/model.md §2)."""
                u.require(self.fault[f] == NO_FAULT, self.faults < cfg.limit("faults"))
                u[self.fault[f]] = FAULT.labels.index(kind)
                u[self.faults] = self.faults + 1

            @spec.action("heal", actor="disk", f=F)
            def _(u: Update, f: int) -> None:
                """A transient fault ends: later writes succeed (docs/model.md §2)."""
                u.require(self.fault[f] == TRANSIENT)
                u[self.fault[f]] = NO_FAULT

    def fault_kinds(self) -> tuple[str, ...]:
        """The kinds of fault that can start.  Reduced, a persistent fault is not one of them:
        it behaves as a transient fault that never heals (no guard and no property tells them
        apart but ``heal``), so every run with one has a run of the same length, through the
        same states but for ``fault``, with the other."""
        kinds = FAULT.labels[1:]
        return tuple(k for k in kinds if k != "persistent") if self.cfg.reduce else kinds

    def declare_other_process(self, spec: Spec, fds: VarArray) -> None:
        """A process outside the application that opens, fsyncs and closes its files (T4)."""
        F = range(self.F)

        @spec.action("other_open", actor="other", f=F, rule=self.sample_rules)
        def _(u: Update, f: int, rule: str) -> None:
            """Another process (a backup tool, sync(1)) opens the file."""
            u.require(fds[f] == self.NONE)
            self.open_into(u, fds[f], f, rule)

        @spec.action("other_fsync", actor="other", f=F, fate=self.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """It calls fsync and so consumes the error for its description (#53)."""
            u.require(fds[f] != self.NONE)
            self.fsync(u, f, fds[f], fate)

        @spec.action("other_close", actor="other", f=F, fate=self.sync_fates)
        def _(u: Update, f: int, fate: str) -> None:
            """It closes the file."""
            u.require(fds[f] != self.NONE)
            self.close(u, f, fds[f], fate)
            u[fds[f]] = self.NONE
