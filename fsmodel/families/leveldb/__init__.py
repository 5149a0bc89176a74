"""LevelDB (google/leveldb@78a352f) with ``WriteOptions.sync = true``: a put is a record
appended to the log and an fdatasync; a failed sync stops every later write until the
database is opened again; opening replays the log into a table.  ``model``: the protocol;
``family``: its declarations; ``known``: its shortest traces."""
from .family import LEVELDB as FAMILY
from .model import LevelDBSpec

__all__ = ["FAMILY", "LevelDBSpec"]
