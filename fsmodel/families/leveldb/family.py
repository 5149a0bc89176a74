"""The LevelDB family's declarations."""
from ..kv import engine_family
from .known import KNOWN

LEVELDB = engine_family("leveldb", "LevelDB with sync writes: log, memtable, tables",
                        known=KNOWN)
