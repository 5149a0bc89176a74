"""LevelDB's protocol steps as executable facts (google/leveldb db/db_impl.cc), and what the
client sees under the kernels."""
import pytest

from helpers import run, shortest

KEYS1 = {"keys": 2, "writes": 2, "files": 3, "pages": 2}


def test_a_failed_log_sync_is_a_sticky_background_error():
    # DBImpl::Write: logfile_->Sync() fails -> RecordBackgroundError; the memtable is not
    # changed, the put fails, and MakeRoomForWrite refuses every later put
    r, final = run("leveldb", "linux-5.8", "open(fl=0); put(key=0, f=0); "
                   "fault(f=0, kind=transient); sync_log(f=0)", **KEYS1)
    assert final["bg_error"] is True and final["put_answer[0]"] == "failed"
    assert final["mem[0]"] == final["mem[1]"] == 0
    with pytest.raises(AssertionError, match="not enabled"):
        run("leveldb", "linux-5.8", "open(fl=0); put(key=0, f=0); fault(f=0, kind=transient);"
            " sync_log(f=0); put(key=0, f=0)", **KEYS1)


def test_opening_replays_the_page_cache_and_persists_it():
    # the failed record is still in the page cache (ext4 keeps the new content): opening
    # replays it into table.tmp, syncs it and installs it: the failed put is now durable
    r, final = run("leveldb", "linux-5.8", "open(fl=0); put(key=0, f=0); "
                   "fault(f=0, kind=transient); sync_log(f=0); app_crash; "
                   "recover(fl=0, ft=1); heal(f=0); install_table(fl=0, ft=1); get(key=0)",
                   **KEYS1)
    assert final["seen_false_failure"] is True
    assert final["dentry[1]"] == 1 and final["size[0]"] == 0   # table installed, log cut
    # the rename (SetCurrentFile's) follows the directory's fsync: on disk the table is
    # still under its temporary name until the next commit
    assert final["dentry_disk[1]"] == "-" and final["dentry_disk[2]"] == 1


def test_opening_syncs_the_directory():
    # LogAndApply's new MANIFEST: Sync() fsyncs the directory (SyncDirIfManifest) before
    # the manifest, so the new log's name survives a power loss even on strict POSIX
    r, final = run("leveldb", "posix-strict", "open(fl=0); put(key=0, f=0); sync_log(f=0); "
                   "os_crash; recover(fl=0, ft=1); install_table(fl=0, ft=1); get(key=0)", **KEYS1)
    # the record was replayed into the table; the read finds it there
    assert final["seen_durability"] is False and final["mem[0]"] == 0
    assert final["disk[1][0]"] == 1


def test_no_fault_no_outcome():
    for os in ("linux-5.8", "freebsd", "netbsd"):
        assert set(shortest("leveldb", os, disable=("faults",)).values()) == {None}, os


def test_data_journal_loses_an_acknowledged_put():
    # fsync returns 0 with the record in the journal; the in-place write fails, the page is
    # evicted, and the restarted LevelDB replays the log from the disk's old copy
    got = shortest("leveldb", "linux-5.8", fs="ext4-journal")
    assert got["key-not-found"] is not None and got["durability"] is not None
    assert shortest("leveldb", "linux-5.8", fs="ext4-journal",
                    disable=("app-crash", "eviction"))["durability"] is None


def test_the_truncating_patch_closes_the_replay_but_not_a_write_back_before_the_fault():
    # the baseline's false failure (L1) needs the failed record replayed from the page
    # cache; the patch cuts it, but a record written back before the device failed comes
    # back after a power loss: the patch's trace is one step longer and needs os_crash
    base = shortest("leveldb", "posix-strict")["false-failure"]
    r, final = run("leveldb-truncate-on-error", "posix-strict",
                   "open(fl=0); put(key=0, f=0); writeback(f=0, p=0); fault(f=0, kind=gone); "
                   "sync_log(f=0); os_crash; recover(fl=0, ft=1); install_table(fl=0, ft=1); "
                   "get(key=0)", **KEYS1)
    assert final["seen_false_failure"] is True and final["disk[0][0]"] == 1
    assert shortest("leveldb-truncate-on-error", "posix-strict",
                    disable=("os-crash",))["false-failure"] is None
    assert base == 8
