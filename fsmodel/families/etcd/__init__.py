"""etcd (etcd-io/etcd@c34dc7e), one member: a put is a WAL entry, fdatasynced before raft
commits it and the server applies it to its backend, a bbolt DB committed every batch
interval; restarting replays the WAL after the consistent index bbolt holds.  ``model``: the
protocol, whose backend is families/bbolt's ``Bolt``; ``family``: its declarations."""
from .family import ETCD as FAMILY
from .model import EtcdSpec

__all__ = ["FAMILY", "EtcdSpec"]
