"""The bbolt family's declarations."""
from ..kv import engine_family

BBOLT = engine_family("bbolt", "bbolt: copy-on-write B-tree, fdatasync of the pages then of the "
                               "meta page per transaction")
