"""The etcd family's declarations."""
from ..kv import engine_family

ETCD = engine_family("etcd", "etcd, one member: WAL fdatasync per entry before it is applied; "
                             "a bbolt backend committed in batches; every failure is fatal")
