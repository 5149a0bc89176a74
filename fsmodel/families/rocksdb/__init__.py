"""RocksDB (facebook/rocksdb@1dfa729) with ``WriteOptions.sync = true``: LevelDB's protocol
(fsmodel/families/leveldb/) with RocksDB's reaction to a failed WAL sync, set by
``paranoid_checks``, and its directory sync after a new version is installed.  ``model``: what
differs from LevelDB; ``family``: its declarations."""
from .family import ROCKSDB as FAMILY
from .model import RocksDBSpec

__all__ = ["FAMILY", "RocksDBSpec"]
