"""etcd: one member, default settings (no --unsafe-no-fsync): a put is acknowledged once its
WAL entry is fdatasynced and applied; the bbolt backend is committed in batches; a failed
fdatasync of either is lg.Fatal, and a restart replays the WAL after bbolt's consistent
index.

Bounds: two inodes (db and wal), two pages each, two writes, and one crash and one fault:
with two faults Linux 5.8 on ext4 passes 30 M states, and two crashes multiply ext4's states
by 3.6 (ext4 data=journal explores 40 M with one); on Linux ext4 two crashes, and on FreeBSD,
NetBSD and the strict policy two crashes and two faults, give the same verdicts and shortest
lengths as one (measured; tests/test_engine_bbolt.py checks it on the BSDs)."""
from fsmodel.families.etcd import EtcdSpec

SPEC = EtcdSpec(
    id="etcd",
    summary="etcd: WAL write + fdatasync per entry, then apply; bbolt backend batch commits; "
            "failures lg.Fatal; WAL replay after consistent_index",
    sources=("etcd-io/etcd server/storage/wal/wal.go Create, Save, sync, ReadAll",
             "server/etcdserver/raft.go start; server.go apply, applyEntryNormal; "
             "bootstrap.go", "server/storage/backend/batch_tx.go commit; "
             "server/storage/mvcc/kvstore_txn.go rangeKeys", "etcd-io/bbolt tx.go, db.go"),
    bounds={"files": 2, "pages": 2, "writes": 2, "crashes": 1, "faults": 1},
)
