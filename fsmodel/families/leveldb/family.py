"""The LevelDB family's declarations."""
from ..kv import engine_family

LEVELDB = engine_family("leveldb", "LevelDB with sync writes: log, memtable, tables")
