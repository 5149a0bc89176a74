"""The InnoDB family's declarations."""
from ..kv import engine_family

INNODB = engine_family("innodb", "InnoDB, innodb_flush_log_at_trx_commit=1: redo log, "
                                 "buffer pool, checkpoint LSN in the log header")
