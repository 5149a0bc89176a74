"""The kernel: page cache, write-back, error records, open file descriptions, the journal of
data=journal, the file namespace, crashes and faults.

State (docs/model.md §2), per file (inode) f and page p:
  page[f][p]   absent / clean / dirty / invalid      cache[f][p]  version in the page cache
  disk[f][p]   version in place on disk               inode[f]     inode in memory
  wb_err[f]    errseq_t of the mapping (or the pre-4.13 AS_EIO flag, or a sticky bit)
  fault[f]     the device's state for this file's sectors (or fault[f][p], per page)
per open file description (``struct file``) in slot s of file f:
  f_count[f][s]  references (fds in processes, in flight in a socket)
  f_wb_err[f][s] the description's errseq cursor       f_sb_err[f][s] its syncfs cursor (5.8+)
with ext4 data=journal (journal.py), per page: journal[f][p] (none / pending / failed) and
journal_ver[f][p], the version a power loss replays; and with a namespace (namespace.py), per
name n and file f: dentry[n], dentry_disk[n] (the inode a name points to, in memory and on
disk), size[f], size_disk[f] (pages).

Operations (``open``, ``write``, ``fsync``, ...) append instructions to the caller's action, so a
protocol's step "backend writes and registers the segment" is one atomic action, as in the code.
The kernel's own nondeterminism (the fate of a failed page, the sample rule) is a parameter of
the calling action, drawn from the policy's options.  Each group of operations is a module:
pagecache (reads, write-back, eviction), errors (error records), syscalls, journal, namespace,
environment (crashes, faults, background work, a third party).
"""
from __future__ import annotations

from typing import Sequence

from ..config import Config
from ..lang.expr import Var, VarArray
from ..lang.spec import Bool, Int, Slot, Spec
from . import errseq
from .datapath import InPlace
from .environment import Environment
from .errors import ErrorRecords
from .journal import Journalled
from .lanes import DISK, ERRSEQ_LANE, FILE_LANE, PAGE_CACHE, declared
from .namespace import Namespace
from .pagecache import PageCache
from .policy import ERRSEQ, MARK_SEEN
from .states import ABSENT, DIRTY, FAULT, JOURNAL, NO_FAULT, PAGE
from .syscalls import Syscalls

__all__ = ["Kernel", "ABSENT", "DIRTY", "PAGE", "FAULT", "NO_FAULT", "PAGE_CACHE",
           "ERRSEQ_LANE", "DISK"]


class Kernel(PageCache, ErrorRecords, Syscalls, Namespace, Environment):
    """Kernel state of one file system holding ``files`` files of ``pages`` pages: every file
    exists from the start, or, given ``names``, files are inodes that the names of one
    directory point to, created, renamed and unlinked (namespace.py)."""

    def __init__(self, spec: Spec, cfg: Config, slots: int, holders: int,
                 versions: int | None = None, names: Sequence[str] = (),
                 fault_pages: bool = False) -> None:
        """``versions``: the largest content version a page can hold (default: --writes);
        ``fault_pages``: a fault covers one page, not a whole file (the conformance probe's
        ``fail f P``)."""
        self.fault_pages = fault_pages
        self.cfg, self.pol, self.fs = cfg, cfg.kernel_policy, cfg.fs
        self.F, self.P, self.S = cfg.bound("files"), cfg.bound("pages"), slots
        self.NONE = slots  # the descriptor value meaning "not open"
        self.wrap = cfg.bound("errseq-wrap")
        self.W = cfg.bound("writes") if versions is None else versions
        self.emax = errseq.largest(self.wrap) if self.pol.record == ERRSEQ else 1
        self._declare_files(spec, holders)
        self._declare_options(spec)
        self.names = tuple(names)
        if self.names:
            self._declare_names(spec)
        self.data = Journalled(self) if self.fs.journal_data else InPlace(self)
        self.sample_rules = self.pol.sample or (MARK_SEEN,)
        self.bg_fates, self.sync_fates = self.pol.bg_fates, self.pol.sync_fates
        self._declare_views(spec)

    def _declare_files(self, spec: Spec, holders: int) -> None:
        """Pages, inodes, error records, faults and descriptions: every kernel."""
        F, P, S, W, emax = self.F, self.P, self.S, self.W, self.emax
        self.page = spec.var("page", PAGE, ABSENT, (F, P))
        self.cache = spec.var("cache", Int(0, W, grows=True), 0, (F, P))
        self.disk = spec.var("disk", Int(0, W, grows=True), 0, (F, P))
        self.inode = spec.var("inode", Bool(), False, (F,))
        self.err = spec.var("wb_err", Int(0, emax), 0, (F,))
        self.fault = spec.var("fault", FAULT, NO_FAULT, (F, P) if self.fault_pages else (F,))
        self.faults = spec.var("faults_started", Int(0, self.cfg.bound("faults"), grows=True), 0)
        self.ref = spec.var("f_count", Int(0, holders), 0, (F, S))
        self.cur = spec.var("f_wb_err", Int(0, emax), 0, (F, S))

    def _declare_options(self, spec: Spec) -> None:
        """What only some policies and file systems have: syncfs's errseq (5.8+), the
        journal of data=journal, the error counter of #1's proposal."""
        F, P, emax = self.F, self.P, self.emax
        self.sb = self.sbcur = None
        if self.pol.syncfs_reports:
            self.sb = spec.var("s_wb_err", Int(0, emax), 0)
            self.sbcur = spec.var("f_sb_err", Int(0, emax), 0, (F, self.S))
        self.jstate = self.jver = None
        if self.fs.journal_data:   # committed to the journal, not yet written in place
            self.jstate = spec.var("journal", JOURNAL, 0, (F, P))
            self.jver = spec.var("journal_ver", Int(0, self.W, grows=True), 0, (F, P))
        self.unfinished = None
        if self.fs.ordered_errors:  # Btrfs: a failed write's ordered extent, not yet finished
            self.unfinished = spec.var("ordered_eio", Bool(), False, (F,))
        self.fs_errors = None
        if self.pol.error_counter:   # proposed at LSF/MM 2018 (#1); wraps like errseq's
            self.fs_errors = spec.var("fs_errors", Int(0, self.wrap - 1), 0)

    def _declare_names(self, spec: Spec) -> None:
        """One directory: each name points to an inode or to none (F), in memory and on
        disk; each inode has a size in pages, in memory and on disk."""
        N, F, P = len(self.names), self.F, self.P
        self.dentry = spec.var("dentry", Slot(F), F, (N,))
        self.dentry_disk = spec.var("dentry_disk", Slot(F), F, (N,))
        self.size = spec.var("size", Int(0, P), 0, (F,))
        self.size_disk = spec.var("size_disk", Int(0, P), 0, (F,))

    def _declare_views(self, spec: Spec) -> None:
        """The lanes and value decoders a renderer reads from the trace (it imports no
        kernel)."""
        spec.meta["lanes"], spec.meta["lane_docs"] = declared(self.jstate is not None,
                                                              bool(self.names))
        spec.meta["actor_lanes"] = {"kernel": PAGE_CACHE, "disk": DISK}
        files = [FILE_LANE.format(f) for f in range(self.F)] if self.names else []
        spec.meta["kernel_lanes"] = [PAGE_CACHE, *files, ERRSEQ_LANE, DISK]
        if self.names:
            spec.meta["names"] = list(self.names)
        if self.pol.record == ERRSEQ:    # how a renderer shows these values (errseq.py)
            layout = {"seen": errseq.SEEN, "counter": errseq.CTR_INC}
            spec.meta["decode"] = {a: layout for a in ("wb_err", "f_wb_err", "s_wb_err",
                                                       "f_sb_err")}

    # -- records of the reductions ---------------------------------------------------------
    def file_record(self, f: int) -> list[Var]:
        """Every kernel variable of file f, its pages and descriptions included (one record of
        a file symmetry; with a namespace the inodes are not interchangeable: a create takes
        the lowest free one, and a free one keeps its sectors' fault)."""
        per_file = [self.page, self.cache, self.disk, self.inode, self.err, self.fault, self.ref,
                    self.cur, self.sbcur, self.jstate, self.jver, self.unfinished]
        if self.names:
            per_file += [self.size, self.size_disk]
        out: list[Var] = []
        for arr in per_file:
            if arr is not None:
                x = arr[f]
                out += x.flat() if isinstance(x, VarArray) else [x]
        return out

    def page_record(self, f: int, p: int) -> list[Var]:
        """The kernel's variables of one page."""
        out = [self.page[f][p], self.cache[f][p], self.disk[f][p]]
        return out + ([self.jstate[f][p], self.jver[f][p]] if self.jver is not None else [])

    def declare_pools(self, spec: Spec, holders: list[list[tuple[Var, Var | None, int]]]) -> None:
        """The description slots of each file are interchangeable; ``holders[f]`` lists every
        variable that can name one of file f's descriptions (with its condition, if any)."""
        for f in range(self.F):
            records = [[self.ref[f][s], self.cur[f][s]] +
                       ([self.sbcur[f][s]] if self.sbcur is not None else [])
                       for s in range(self.S)]
            spec.pool(records, holders[f], self.NONE)
