"""pg-retry: data_sync_retry=on after the 2018 fixes, over pg-2018.

An fsync failure raises ERROR and the checkpoint is retried later; the requests are kept
(merged back with bms_join, #64 #68).  #71 believes this safe on FreeBSD and on ZFS.
"""
from fsmodel.families.postgres import RETRY
from fsmodel import spec_file

SPEC = spec_file("pg_2018").variant(
    id="pg-retry",
    summary="data_sync_retry=on: fsync failure is ERROR, requests kept, checkpoint retried",
    sources=("#64", "#68", "#71"),
    on_fsync_error=RETRY,
    bounds={},
)
