"""LMDB (LMDB/lmdb@9c9d345 libraries/liblmdb/mdb.c): a put is a write transaction whose tree
is written and fdatasynced before its meta page is written O_DSYNC; a failed meta write is a
fatal error.  ``cow``: the copy-on-write file LMDB and bbolt share (pages, their contents, the
ghost of the snapshots); ``model``: the protocol; ``family``: its declarations."""
from .family import LMDB as FAMILY
from .model import LMDBSpec

__all__ = ["FAMILY", "LMDBSpec"]
