"""bbolt (etcd-io/bbolt@4e65d8f): a put is a write transaction whose pages are written and
fdatasynced, then its meta page; an error rolls the transaction back and the DB goes on.
``bolt``: a bbolt DB inside a process (its file, descriptor and commit), which etcd's backend
reuses; ``model``: the bbolt engine; ``family``: its declarations.  The file's layout is
LMDB's (lmdb/cow.py): Bolt began as a port of LMDB."""
from .family import BBOLT as FAMILY
from .model import BBoltSpec

__all__ = ["FAMILY", "BBoltSpec"]
