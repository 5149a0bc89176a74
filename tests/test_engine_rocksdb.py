"""RocksDB's protocol steps as executable facts (facebook/rocksdb db/db_impl/db_impl_write.cc,
db/error_handler.cc, db/log_reader.cc, file/filename.cc), what differs from LevelDB's, and
what the client sees under the kernels."""
import pytest

from fsmodel.config import make_config
from fsmodel.families.rocksdb import FAMILY
from fsmodel.kernel.policy import REDIRTY, UNTIL_CLOSE

from helpers import run, shortest

B = {"files": 2, "pages": 2, "writes": 2, "keys": 2}
FAILED_SYNC = "open(fl=0); put(key=0, f=0); fault(f=0, kind=transient); sync_log(f=0)"
RECOVERED = ("open(fl=0); put(key=0, f=0); sync_log(f=0); app_crash; recover(fl=0, ft=1); "
             "install_table(fl=0, ft=1)")


def test_paranoid_a_failed_wal_sync_is_fatal_until_reopened():
    # WALIOStatusCheck -> SetBGError(kWriteCallback): EIO maps to kFatalError, the DB stops
    r, final = run("rocksdb", "linux-5.8", FAILED_SYNC, **B)
    assert final["bg_error"] is True and final["put_answer[0]"] == "failed"
    assert final["mem[0]"] == 0
    with pytest.raises(AssertionError, match="not enabled"):
        run("rocksdb", "linux-5.8", FAILED_SYNC + "; put(key=1, f=0)", **B)


def test_nonparanoid_clears_the_error_and_appends_after_the_failed_record():
    # WALIOStatusCheck without paranoid_checks: reset_seen_error(), no background error
    r, final = run("rocksdb-nonparanoid", "linux-5.8", FAILED_SYNC, **B)
    assert final["bg_error"] is False and final["put_answer[0]"] == "failed"
    assert final["mem[0]"] == 0
    # the next sync returns 0 (the error was reported once) and the put is acknowledged,
    # its record behind the failed one, which never reached the disk
    r, final = run("rocksdb-nonparanoid", "linux-5.8", FAILED_SYNC + "; put(key=1, f=0); "
                   "heal(f=0); sync_log(f=0)", **B)
    assert final["put_answer[1]"] == "ok" and final["mem[1]"] == 2
    assert final["disk[0][0]"] == 0 and final["disk[0][1]"] == 2


def test_recovery_reads_the_page_cache_and_stops_at_a_hole():
    # RecoverLogFiles reads the failed record ext4 kept: the failed put comes back
    r, final = run("rocksdb", "linux-5.8", FAILED_SYNC + "; app_crash; recover(fl=0, ft=1); "
                   "heal(f=0); install_table(fl=0, ft=1); get(key=0)", **B)
    assert final["seen_false_failure"] is True and final["disk[1][0]"] == 1
    # evicted, the failed record reads as zeros (kZeroType): the rest of the block is
    # dropped, the acknowledged record behind it too
    r, final = run("rocksdb-nonparanoid", "linux-5.8", FAILED_SYNC + "; put(key=1, f=0); "
                   "heal(f=0); sync_log(f=0); evict_page(f=0, p=0); app_crash; open(fl=0); "
                   "get(key=1)", **B)
    assert final["seen_key_not_found"] is True


def test_installing_the_recovered_table_syncs_the_directory_after_the_rename():
    # SetCurrentFile fsyncs the directory after renaming CURRENT: the table's name and the
    # old WAL's end are durable on strict POSIX; LevelDB's rename is not followed by one
    r, final = run("rocksdb", "posix-strict", RECOVERED, **B)
    assert final["dentry_disk[1]"] == 1 and final["size_disk[0]"] == 0
    r, final = run("leveldb", "posix-strict", RECOVERED, **B)
    assert final["dentry_disk[1]"] == "-" and final["size_disk[0]"] == 1


@pytest.mark.parametrize("spec", ["rocksdb", "rocksdb-nonparanoid"])
def test_no_fault_no_outcome(spec):
    for os in ("linux-5.8", "freebsd", "netbsd"):
        assert set(shortest(spec, os, disable=("faults",)).values()) == {None}, (spec, os)


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "openbsd", "posix-strict"])
def test_without_paranoid_checks_a_later_sync_covers_a_lost_record(os):
    # key-not-found needs a failed page that is not retried (it is not dirty) and a later
    # fsync of the same description that returns 0; paranoid_checks takes no later put
    pol = make_config(os, "ext4", [], {}, family=FAMILY).kernel_policy
    lost = set(pol.sync_fates) != {REDIRTY} and pol.record != UNTIL_CLOSE
    assert (shortest("rocksdb-nonparanoid", os)["key-not-found"] is not None) == lost
    assert shortest("rocksdb", os)["key-not-found"] is None
