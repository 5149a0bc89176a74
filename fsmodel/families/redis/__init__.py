"""Redis (redis/redis@4f8cdc2) with ``appendonly yes``: every write command changes the dict
in memory and is appended to the AOF; ``appendfsync`` decides when the AOF is fsynced (before
the reply, or by a background thread at most once a second) and what a failed fsync does;
starting loads the AOF into the dict.  ``model``: the process, its files, starting and
loading; ``appendfsync``: the two policies; ``family``: its declarations."""
from .family import REDIS as FAMILY
from .model import RedisSpec

__all__ = ["FAMILY", "RedisSpec"]
