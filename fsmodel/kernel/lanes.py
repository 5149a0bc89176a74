"""The lanes of a trace diagram that the kernel's variables and calls belong to, and what each
lane is (a diagram's legend; "{0}" stands for a number in a lane's name).  A kernel declares
the lanes of the variables it has: the journal's and the namespace's only where they exist."""

PAGE_CACHE, ERRSEQ_LANE, DISK = "page cache", "errseq and cursors", "disk"

LANES = {"page": PAGE_CACHE, "cache": PAGE_CACHE, "inode": PAGE_CACHE,
         "wb_err": ERRSEQ_LANE, "f_count": ERRSEQ_LANE, "f_wb_err": ERRSEQ_LANE,
         "s_wb_err": ERRSEQ_LANE, "f_sb_err": ERRSEQ_LANE,
         "disk": DISK, "fault": DISK, "faults_started": DISK, "fs_errors": ERRSEQ_LANE,
         "ordered_eio": ERRSEQ_LANE}
JOURNAL_LANES = {"journal": DISK, "journal_ver": DISK}
NAME_LANES = {"dentry": PAGE_CACHE, "dentry_disk": DISK}
# With a namespace, each inode's pages and size, in memory and on disk, in a lane of its own:
# an application's files are what its traces are about.
FILE_LANE = "file {0}"
FILE_LANES = {v: FILE_LANE for v in ("page", "cache", "inode", "disk", "size", "size_disk",
                                     "journal", "journal_ver")}

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
JOURNAL_DOCS = {DISK: "; the journal of data=journal: each file's state in it and the "
                      "versions a power loss replays"}
NAME_DOCS = {PAGE_CACHE: "; the directory's names as the kernel shows them",
             DISK: "; the names a power loss leaves",
             FILE_LANE: "inode {0}: each page's state and content in the page cache and its "
                        "version on disk, its size in memory and on disk (the names that "
                        "point to it are in the page cache lane)"}


def declared(journal: bool, names: bool) -> tuple[dict[str, str], dict[str, str]]:
    """The lanes of a kernel's variables and the docs of its lanes."""
    lanes, docs = dict(LANES), dict(LANE_DOCS)
    for present, more, extra in ((journal, JOURNAL_LANES, JOURNAL_DOCS),
                                 (names, NAME_LANES | FILE_LANES, NAME_DOCS)):
        if present:
            lanes |= more
            for lane, text in extra.items():
                docs[lane] = docs[lane] + text if lane in docs else text
    if not journal:
        for v in ("journal", "journal_ver"):
            lanes.pop(v, None)
    return lanes, docs
