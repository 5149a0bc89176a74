"""LevelDB's shortest traces, each found by the checker at the spec's bounds."""
from ..base import Known
from ..kv.outcomes import DURABILITY, FALSE_FAILURE, OLD_VALUE

BOUNDS = {"files": 3, "pages": 2}

KNOWN = (
    Known("L1", "LevelDB: a failed put comes back after a restart (ATC'20 FalseFailure)",
          "leveldb", "linux-5.8", FALSE_FAILURE,
          "open(fl=0); put(key=0, f=0); fault(f=0, kind=transient); sync_log(f=0); "
          "app_crash; recover(fl=0, ft=1); install_table(fl=0, ft=1); get(key=0)",
          bounds=BOUNDS),
    Known("L2", "LevelDB on ext4 data=journal: an acknowledged put is lost after eviction "
                "and a restart", "leveldb", "linux-5.8", DURABILITY,
          "open(fl=0); put(key=0, f=0); sync_log(f=0); app_crash; "
          "fault(f=0, kind=transient); checkpoint(f=0); evict_page(f=0, p=0); open(fl=0); "
          "get(key=0)", fs="ext4-journal", bounds=BOUNDS),
    Known("L3", "LevelDB on NetBSD: the error is dropped, the restart reads an older value",
          "leveldb", "netbsd", OLD_VALUE,
          "open(fl=0); put(key=0, f=0); sync_log(f=0); put(key=0, f=0); "
          "fault(f=0, kind=transient); writeback(f=0, p=1); sync_log(f=0); app_crash; "
          "recover(fl=0, ft=1); install_table(fl=0, ft=1); get(key=0)", bounds=BOUNDS),
)
