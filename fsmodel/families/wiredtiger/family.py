"""The WiredTiger family's declarations: four inodes by default (the log, a collection, the
turtle and the turtle being replaced)."""
from ..base import Range
from ..kv import engine_family

WIREDTIGER = engine_family(
    "wiredtiger", "WiredTiger under mongod, j: true: journal, cache, checkpoints, the turtle",
    bounds={"files": Range(4, 1, 4, "inodes (the log, a collection, the turtle, the "
                                    "turtle being replaced)")})
