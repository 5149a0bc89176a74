"""MongoDB's WiredTiger (wiredtiger/wiredtiger) with journaling and j: true: a write waits for
the journal's fsync; a checkpoint writes the trees, fsyncs them and the log, and installs its
LSN in the turtle file by a synced temporary file and a rename; any failed fsync panics and
mongod exits; recovery replays the log from the turtle's LSN, then checkpoints.  ``model``:
the protocol (its shape is InnoDB's, ``innodb.redolog``); ``reductions``: the states it makes
one, verdicts and shortest traces kept; ``family``: its declarations."""
from dataclasses import dataclass
from typing import ClassVar

from ..base import Family
from ..kv import EngineSpec
from .family import WIREDTIGER as FAMILY
from .model import WiredTiger


@dataclass(frozen=True)
class WiredTigerSpec(EngineSpec):
    family: ClassVar[Family] = FAMILY
    model: ClassVar[type] = WiredTiger


__all__ = ["FAMILY", "WiredTigerSpec"]
