"""wiredtiger: WiredTiger under mongod with journaling and j: true.  A write waits for the
journal's fsync; a checkpoint writes the trees, fsyncs them and the log, then replaces the
turtle file (temporary file, fsync, rename, and a directory fsync on Linux only); every
failed fsync panics (mongod's fassert 28558); recovery replays the log from the turtle's
checkpoint LSN through the page cache and checkpoints before serving.

Bounds: four inodes (the log, a collection, the turtle and the turtle being replaced), two
pages, two writes, and one crash and one fault: with two of each, ext4 data=journal and the
adversarial policy pass 60 M states (measured); on Linux 5.8 (ext4), FreeBSD, NetBSD and
illumos two crashes or two faults give the same verdicts and shortest lengths as one
(tests/test_engine_wiredtiger.py checks it on the BSDs)."""
from fsmodel.families.wiredtiger import WiredTigerSpec

SPEC = WiredTigerSpec(
    id="wiredtiger",
    summary="WiredTiger (mongod, j: true): journal fsync per write; checkpoint fsyncs the "
            "files and the log, then renames the turtle; a failed fsync panics",
    sources=("wiredtiger/wiredtiger src/os_posix/os_fs.c __posix_sync, "
             "__posix_directory_sync, __posix_fs_rename",
             "src/log/log.c __wt_log_force_sync, __wt_log_scan",
             "src/checkpoint/checkpoint_txn.c __checkpoint_db_internal",
             "src/meta/meta_turtle.c __wt_turtle_update",
             "src/txn/txn_recover.c __wt_txn_recover",
             "mongo src/mongo/db/storage/wiredtiger/wiredtiger_util.cpp fassert(28558)"),
    bounds={"files": 4, "pages": 2, "writes": 2, "crashes": 1, "faults": 1},
)
