"""The SQLite family's declarations: one family for its journal modes (rollback journal and
write-ahead log), which are knobs of one model (model.py)."""
from ..kv import engine_family

SQLITE = engine_family("sqlite", "SQLite's pager: rollback journal or write-ahead log, "
                                 "a table with one row per page")
