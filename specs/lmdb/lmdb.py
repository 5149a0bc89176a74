"""lmdb: LMDB with its default flags (every commit fdatasyncs the tree, then writes the meta
page through an O_DSYNC descriptor).  A failed data sync aborts the put; a failed meta write
writes the old txn id back and leaves the environment MDB_PANIC until it is opened again."""
from fsmodel.families.lmdb import LMDBSpec

SPEC = LMDBSpec(
    id="lmdb",
    summary="LMDB: tree pwrite + fdatasync, meta pwrite O_DSYNC; failed meta write: old meta "
            "back, MDB_FATAL_ERROR",
    sources=("LMDB/lmdb libraries/liblmdb/mdb.c _mdb_txn_commit, mdb_page_flush, "
             "mdb_env_sync0, mdb_env_write_meta", "mdb_env_read_header, mdb_env_pick_meta, "
             "mdb_txn_renew0, mdb_page_alloc, mdb_find_oldest"),
    bounds={"files": 1, "pages": 3, "writes": 2, "crashes": 2, "faults": 2},
)
