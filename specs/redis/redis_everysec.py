"""redis-everysec: Redis with ``appendonly yes`` and ``appendfsync everysec``: each write
command is written to the AOF before the reply (or after it, while a background fsync is in
progress); a background thread fdatasyncs at most once a second, and while its last fsync
failed every write command is refused with -MISCONF.  Bounds as redis-always's."""
from fsmodel.families.redis import RedisSpec

SPEC = RedisSpec(
    id="redis-everysec",
    summary="Redis, appendfsync everysec: AOF write before the reply, background fdatasync; "
            "a failed one refuses writes until one succeeds",
    sources=("redis/redis src/aof.c flushAppendOnlyFile, aof_background_fsync, "
             "loadSingleAppendOnlyFile", "src/bio.c bioProcessBackgroundJobs",
             "src/server.c processCommand, writeCommandsDeniedByDiskError, serverCron",
             "src/redis-check-aof.c checkSingleAof"),
    bounds={"files": 1, "pages": 2},
    knobs={"appendfsync": "everysec"},
)
