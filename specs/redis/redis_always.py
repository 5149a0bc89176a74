"""redis-always: Redis with ``appendonly yes`` and ``appendfsync always``: each write command
is written to the AOF and fdatasynced before the reply; a failed fsync is exit(1), and the
restarted Redis loads the AOF as the page cache shows it.

Bounds: one inode (the INCR file; the base and the manifest are written once, at the first
start, and never again), two pages (two commands), and the kernel's defaults otherwise (two
crashes, two faults, two keys, two writes)."""
from fsmodel.families.redis import RedisSpec

SPEC = RedisSpec(
    id="redis-always",
    summary="Redis, appendfsync always: AOF write and fdatasync before the reply; a failed "
            "fsync exits",
    sources=("redis/redis src/aof.c flushAppendOnlyFile, aofWrite, loadSingleAppendOnlyFile, "
             "aofOpenIfNeededOnServerStart", "src/server.c loadDataFromDisk",
             "src/redis-check-aof.c checkSingleAof"),
    bounds={"files": 1, "pages": 2},
    knobs={"appendfsync": "always"},
)
