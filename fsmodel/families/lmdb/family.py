"""The LMDB family's declarations."""
from ..kv import engine_family

LMDB = engine_family("lmdb", "LMDB: copy-on-write B-tree, data fdatasync then an O_DSYNC meta "
                             "write per transaction")
