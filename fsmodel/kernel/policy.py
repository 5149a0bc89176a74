"""OS and file-system policies as data: one entry per row of docs/model.md §4.

A policy says what a failed write-back does to the page, how the error is remembered, and how
a new description samples it.  Where a source leaves a choice open, the entry lists every
option and the model explores them all (a parameter of the kernel's actions).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

# What happens to a page whose write-back failed.
KEEP = "keep"              # marked clean, new content kept in memory until evicted (ext4)
INVALIDATE = "invalidate"  # content dropped; a read goes back to the old disk data
REDIRTY = "redirty"        # stays dirty and is retried by the next write-back or fsync

# How the error is remembered for fsync.
FLAG = "flag"              # pre-4.13 AS_EIO: one bit per file, test-and-cleared by the first checker
ERRSEQ = "errseq"          # 4.13+: errseq_t in the mapping, one cursor per open file description
SYNC_ONLY = "sync-only"    # only the fsync whose own write failed reports it (BSD buffer cache)
UNTIL_CLOSE = "until-close"  # every fsync fails until the last reference to the file is closed

# errseq_sample() at open().
MARK_SEEN = "mark-seen"    # 4.13, 4.15: returns the value and marks it SEEN
UNSEEN_ZERO = "unseen-zero"  # 4.14 stable, 4.16+: returns 0 if the error is not yet SEEN


@dataclass(frozen=True)
class Policy:
    id: str
    summary: str
    sources: tuple[str, ...]
    record: str
    bg_fates: tuple[str, ...]           # fate of a page whose background write-back failed
    sync_fates: tuple[str, ...]         # fate of a page whose fsync-provoked write-back failed
    sample: tuple[str, ...] = ()        # errseq sample rules (errseq policies only)
    syncfs_reports: bool = False        # syncfs reports through a per-superblock errseq (5.8+)
    has_syncfs: bool = False
    gone_drops: bool = False            # dirty pages are dropped once the device is gone
    # Kernel-side proposals of LSF/MM 2018 (#1), off in every shipped policy; a patch turns
    # them on for whichever policy it is checked under.
    keep_erroring_inodes: bool = False  # do not evict an inode holding an unreported error
    error_counter: bool = False         # a per-file-system count of write-back errors
    # fsync of a file also makes every earlier change of a name durable (Linux: the journal
    # commit it forces, measured); fsync(2) and POSIX promise only the file itself
    fsync_names: bool = False
    uncertain: str = ""                 # what the sources leave open, and how it is modelled
    aliases: tuple[str, ...] = ()
    linux: bool = False


@dataclass(frozen=True)
class FileSystem:
    id: str
    summary: str
    sources: tuple[str, ...]
    fates: tuple[str, ...] | None = None  # overrides the policy's fate of a failed page
    close_flushes: bool = False           # close() writes dirty pages and reports (NFS)
    journal_data: bool = False            # fsync puts data in the journal and returns 0
    journal_in_place: bool = False        # data=journal's fsync also writes in place (6.5+)
    size_ahead: bool = False              # a new size can be committed before its data
    ordered_errors: bool = False          # a sync reports a failed write again until the
                                          # write's ordered extent is finished (Btrfs)
    eats_errors: bool = False             # contents can be lost with no error recorded
    uncertain: str = ""


_LINUX_COMMON = dict(record=ERRSEQ, bg_fates=(KEEP,), sync_fates=(KEEP,), has_syncfs=True,
                     linux=True, fsync_names=True)

POLICIES: dict[str, Policy] = {p.id: p for p in [
    Policy("linux-4.12", "Linux before 4.13: one AS_EIO flag per file, first checker clears it",
           ("wiki: 'Linux < 4.13: fsync() errors can be lost in various ways'", "#1"),
           record=FLAG, bg_fates=(KEEP,), sync_fates=(KEEP,), has_syncfs=True, linux=True,
           fsync_names=True, uncertain="the wiki says memory pressure can also lose the flag; modelled only "
                     "through inode eviction"),
    Policy("linux-4.13", "Linux 4.13 and 4.15: errseq_t, open() samples the error as SEEN",
           ("wiki: 'Linux 4.13 and 4.15'", "#1", "#14", "kernel 5660e13d2fd6"),
           sample=(MARK_SEEN,), **_LINUX_COMMON),
    Policy("linux-4.16", "Linux 4.14 stable and 4.16+: unseen errors reported once to a new opener",
           ("wiki: 'Linux 4.14 and Linux >= 4.16'", "#53", "#28",
            "kernel b4678df184b3 'errseq: Always report a writeback error once'"),
           sample=(UNSEEN_ZERO,), **_LINUX_COMMON,
           uncertain="the wiki says >= 4.16, #53 says 4.17: the sample rule is what is modelled"),
    Policy("linux-5.8", "Linux 5.8+: as 4.16, plus a per-superblock errseq reported by syncfs",
           ("kernel 735e4ae5ba28 'vfs: track per-sb writeback errors and report them to syncfs'",
            "#1 (syncfs returns no file-level errors before)"),
           sample=(UNSEEN_ZERO,), syncfs_reports=True, **_LINUX_COMMON),
    Policy("freebsd", "FreeBSD (UFS): failed buffers stay dirty and are retried; dropped when "
                      "the device is gone (11.1+)",
           ("wiki: 'FreeBSD: buffers remain dirty'", "#71"),
           record=SYNC_ONLY, bg_fates=(REDIRTY,), sync_fates=(REDIRTY,), gone_drops=True),
    Policy("netbsd", "NetBSD, old OpenBSD, macOS: failed buffers invalidated, error not kept",
           ("wiki: 'NetBSD: buffers are invalidated'", "wiki: 'Darwin/macOS ... similar to NetBSD'",
            "wiki: 'OpenBSD: buffers are invalidated, code similar to NetBSD'"),
           record=SYNC_ONLY, bg_fates=(INVALIDATE,), sync_fates=(INVALIDATE,),
           aliases=("openbsd-old", "darwin"),
           uncertain="'a later fsync may return success' (wiki): modelled as: only the fsync "
                     "whose own write failed reports the error"),
    Policy("openbsd", "OpenBSD (new): fsync keeps failing until every reference is closed",
           ("wiki: man page 'future calls will continue failing until all references to the "
            "file are closed'",),
           record=UNTIL_CLOSE, bg_fates=(KEEP, INVALIDATE, REDIRTY),
           sync_fates=(KEEP, INVALIDATE, REDIRTY),
           uncertain="the fate of the failed buffer is 'analysis needed' (wiki): every fate is "
                     "explored"),
    Policy("illumos", "Illumos: async write-back retried (stays dirty); fsync-provoked failure "
                      "unknown",
           ("wiki: 'Illumos: writes are retried, at least in the case of asynchronous "
            "write-back'",),
           record=SYNC_ONLY, bg_fates=(REDIRTY,), sync_fates=(REDIRTY, KEEP, INVALIDATE),
           uncertain="whether a failure provoked by fsync leaves buffers dirty is unknown "
                     "(wiki): every fate is explored for it"),
    Policy("posix-strict", "The strict reading PostgreSQL assumed: failed pages stay dirty, "
                           "fsync fails until they are written",
           ("#1 'postgres assumed that any IO error would be reported at fsync time, and that "
            "the error would be reported until resolved'",),
           record=SYNC_ONLY, bg_fates=(REDIRTY,), sync_fates=(REDIRTY,)),
    Policy("adversarial", "Unknown OS (AIX, HP-UX, Windows): any fate and any sample rule at "
                          "each failure",
           ("wiki: 'AIX: unknown', 'HPUX: unknown', 'Windows: unknown'",),
           record=ERRSEQ, bg_fates=(KEEP, INVALIDATE, REDIRTY),
           sync_fates=(KEEP, INVALIDATE, REDIRTY), sample=(MARK_SEEN, UNSEEN_ZERO),
           has_syncfs=True, linux=True,
           uncertain="error records are errseq_t with either sample rule per open; the flag "
                     "and until-close records are not combined with it"),
]}

RUN = "fsmodel conformance, Debian 6.1 and 6.12 under QEMU"

FILESYSTEMS: dict[str, FileSystem] = {f.id: f for f in [
    FileSystem("ext4", "ext4 data=ordered: failed page clean, new content kept until evicted",
               ("#1", "ATC20", f"{RUN}: 'pl-rename-unsynced' on 6.12 (a size committed ahead "
                "of its data)"), size_ahead=True),
    FileSystem("ext4-journal", "ext4 data=journal up to 6.4: fsync returns 0 (data in the "
                               "journal); the in-place write fails later and a later fsync "
                               "reports it; a clean unmount then loses the data, a power loss "
                               "replays it",
               ("ATC20", f"{RUN}: 'once', 'partial', 'sfr', 'direct', 'failed-inplace', "
                "'failed-inplace-twice', 'pl-failed-inplace-twice' on 6.1"),
               journal_data=True,
               uncertain="modelled as (kernel/journal.py): a commit puts every file's written "
                         "pages in the journal; jbd2 writes them in place at any time; a "
                         "failure there records the error, the journal keeps the data (a "
                         "power loss replays it, a clean unmount drops it) and a read after "
                         "eviction returns the old in-place copy; sync_file_range does "
                         "nothing; O_DIRECT falls back to buffered. Timing of jbd2's in-place "
                         "write is free, so a fault may hit it or not"),
    FileSystem("ext4-journal-6.12", "ext4 data=journal from 6.5: as before, but fsync, sync "
                                    "and sync_file_range also write in place and wait, so "
                                    "fsync reports its own failure",
               (f"{RUN}: 'once', 'content', 'sfr', 'direct', 'failed-inplace' on 6.12",
                "Jan Kara's 2023 series for 6.5, 'ext4: Drop special handling of journalled "
                "data from ext4_sync_file()'"),
               journal_data=True, journal_in_place=True,
               uncertain="as ext4-journal (kernel/journal.py); what 6.12 showed of the "
                         "journal's role: a power loss still replays a page whose in-place "
                         "write failed ('pl-failed-inplace')"),
    FileSystem("xfs", "XFS as measured: new content kept, as on ext4",
               ("ATC20", f"{RUN}: 'content' reads version 1 after the failure on both"),
               fates=(KEEP,)),
    FileSystem("xfs-invalidate", "XFS as #1 believed: failed page invalidated and re-read",
               ("#1",), fates=(INVALIDATE,),
               uncertain=f"contradicted by ATC20 and by {RUN} (see xfs); kept as #1's reading"),
    FileSystem("btrfs", "Btrfs up to 6.1: dirty pages dropped, reverted to the disk state",
               ("ATC20", f"{RUN}: on 6.1 'content' re-reads version 0 after the failure",
                "fs/btrfs/file.c btrfs_sync_file: btrfs_wait_ordered_range returns the I/O "
                "error of an unfinished ordered extent"),
               fates=(INVALIDATE,), ordered_errors=True,
               uncertain="size and block-map reversion are not modelled, only the content"),
    FileSystem("btrfs-6.12", "Btrfs 6.12: new content kept after a failed write-back, as on "
                             "ext4",
               (f"{RUN}: on 6.12 'content' reads version 1 after the failure; 'sfr': an fsync "
                "after sync_file_range's wait reported the failure again in one run of three",
                "fs/btrfs/file.c btrfs_sync_file: btrfs_wait_ordered_range returns the I/O "
                "error of an unfinished ordered extent"),
               fates=(KEEP,), ordered_errors=True),
    FileSystem("thin", "ext4 on thin provisioning (dm-thin, SAN): space exhaustion loses page "
                       "cache contents and eats the error, even at write()",
               ("#1 'page cache contents being lost (and errors \"eaten\") ... including just "
                "when doing a write()'", "#14"), eats_errors=True, size_ahead=True,
               uncertain="modelled as: a dirty page can be dropped without reaching the disk "
                         "and without any error record"),
    FileSystem("nfs", "NFS: close() flushes and reports; a later fsync does not report it again",
               ("#1", "#23", "#71"), close_flushes=True),
]}


class UnknownChoice(ValueError):
    """A user named a policy or file system that does not exist."""


# What a kernel-side patch may set, and to what (``Protocol.kernel``): the choices of each
# field of Policy that a patch can change.
FATES = (KEEP, INVALIDATE, REDIRTY)
PATCHABLE: dict[str, tuple] = {
    "record": (FLAG, ERRSEQ, SYNC_ONLY, UNTIL_CLOSE), "bg_fates": FATES, "sync_fates": FATES,
    "sample": (MARK_SEEN, UNSEEN_ZERO), "syncfs_reports": (False, True),
    "has_syncfs": (False, True), "gone_drops": (False, True),
    "keep_erroring_inodes": (False, True), "error_counter": (False, True)}


def check_kernel_patch(kernel: dict) -> None:
    """Every field a known one and every value among its choices (a tuple field: a
    non-empty tuple of them); else UnknownChoice, naming the field and its choices."""
    for field, value in kernel.items():
        if field not in PATCHABLE:
            raise UnknownChoice(f"kernel field '{field}' cannot be patched (choose from "
                                f"{', '.join(PATCHABLE)})")
        choices = PATCHABLE[field]
        several = field in ("bg_fates", "sync_fates", "sample")
        values = value if several and isinstance(value, tuple) else (value,)
        if (several and not isinstance(value, tuple)) or not values or any(
                type(v) is not type(choices[0]) or v not in choices for v in values):
            want = "a non-empty tuple of " if several else "one of "
            raise UnknownChoice(f"kernel field '{field}' = {value!r}: takes {want}"
                                f"{', '.join(map(repr, choices))}")


def lookup_policy(name: str) -> Policy:
    for p in POLICIES.values():
        if name == p.id or name in p.aliases:
            return p
    raise UnknownChoice(f"unknown OS policy '{name}' (choose from {', '.join(policy_names())})")


def policy_names() -> list[str]:
    return [n for p in POLICIES.values() for n in (p.id, *p.aliases)]


def lookup_fs(name: str, policy: Policy) -> FileSystem:
    if name not in FILESYSTEMS:
        raise UnknownChoice(f"unknown file system '{name}' (choose from {', '.join(FILESYSTEMS)})")
    if name != "ext4" and not policy.linux:
        raise UnknownChoice(f"file system '{name}' is a Linux variant; policy '{policy.id}' "
                            "takes no --fs")
    return FILESYSTEMS[name]


def effective(policy: Policy, fs: FileSystem) -> Policy:
    """The policy with the file system's fate of a failed page applied."""
    if fs.fates is None:
        return policy
    return replace(policy, bg_fates=fs.fates, sync_fates=fs.fates)
