"""MySQL's InnoDB (mysql/mysql-server storage/innobase) with innodb_flush_log_at_trx_commit
= 1: a commit waits for the redo log's fsync; pages are written back by the page cleaner and a
checkpoint fsyncs the tablespace before it writes its LSN; any failed fsync aborts; recovery
applies redo from the checkpoint LSN to pages whose LSN is older.  ``redolog``: the shape it
shares with WiredTiger; ``model``: the protocol; ``family``: its declarations."""
from dataclasses import dataclass
from typing import ClassVar

from ..base import Family
from ..kv import EngineSpec
from .family import INNODB as FAMILY
from .model import InnoDB


@dataclass(frozen=True)
class InnoDBSpec(EngineSpec):
    family: ClassVar[Family] = FAMILY
    model: ClassVar[type] = InnoDB


__all__ = ["FAMILY", "InnoDBSpec"]
