"""bbolt: bbolt with its default options (each commit fdatasyncs the pages, then the meta
page).  A failed fdatasync rolls the transaction back and fails the put; the DB goes on,
reading its meta pages through the mmap at every transaction.

Bounds: one inode (my.db), two tree pages (ReleasePendingPages: R = 2 is exact, see
families/lmdb/cow.py), two writes and crashes, and one fault: with two, the adversarial
policy passes 100 M states, while on Linux ext4, ext4 data=journal and Btrfs, FreeBSD, NetBSD
and the strict policy two faults give the same verdicts and shortest lengths as one
(measured; tests/test_engine_bbolt.py checks it on the BSDs)."""
from fsmodel.families.bbolt import BBoltSpec

SPEC = BBoltSpec(
    id="bbolt",
    summary="bbolt: pages writeAt + fdatasync, meta writeAt + fdatasync; a failed one: "
            "rollback, the put fails",
    sources=("etcd-io/bbolt tx.go Tx.Commit, write, writeMeta, rollback",
             "db.go Open, init, mmap, meta, beginRWTx; internal/freelist ReleasePendingPages"),
    bounds={"files": 1, "pages": 2, "writes": 2, "crashes": 2, "faults": 1},
)
