"""The Redis family's declarations."""
from ..kv import engine_family

REDIS = engine_family("redis", "Redis with an append-only file: the dict in memory, the AOF "
                               "on disk")
