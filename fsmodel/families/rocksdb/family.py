"""The RocksDB family's declarations."""
from ..kv import engine_family

ROCKSDB = engine_family("rocksdb", "RocksDB with sync writes: WAL, memtable, tables")
