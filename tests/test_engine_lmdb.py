"""LMDB's protocol steps as executable facts (LMDB/lmdb libraries/liblmdb/mdb.c), and what
the client sees under the kernels."""
import pytest

from fsmodel.config import make_config
from fsmodel.families.lmdb import FAMILY
from fsmodel.kernel.policy import ERRSEQ, INVALIDATE, SYNC_ONLY

from helpers import run, shortest

B = {"pages": 3, "writes": 2, "keys": 2}      # data.mdb: two meta pages, three tree pages
META1, TREE1 = "disk[0][1]", "disk[0][3]"     # txn 1's meta page and its tree page (2 + 1 % 3)
COMMIT = "open; put(key=0); sync_data; write_meta"


def meta(code: int) -> tuple[int, int]:
    """(txn id, root) of a meta page's content (cow.py: 1 + txid * (R + 1) + root)."""
    return (code - 1) // (B["pages"] + 1), (code - 1) % (B["pages"] + 1)


def test_a_commit_syncs_the_tree_then_writes_the_meta_through_the_dsync_descriptor():
    # mdb_page_flush: the tree is written, unsynced; the metas are the new environment's
    r, final = run("lmdb", "linux-5.8", "open; put(key=0)", **B)
    assert final["page[0][3]"] == "dirty" and final[TREE1] == 0 and final["commit"] == "flushed"
    # mdb_env_sync0's fdatasync makes it durable (mdb_env_init_meta's metas with it)
    r, final = run("lmdb", "linux-5.8", "open; put(key=0); sync_data", **B)
    assert final[TREE1] == 1 and meta(final["disk[0][0]"])[0] == 0
    # mdb_env_write_meta: meta page 1 names txn 1 and its tree; the O_DSYNC write synced it
    r, final = run("lmdb", "linux-5.8", COMMIT, **B)
    assert meta(final[META1]) == (1, 1) and final["txnid"] == 1
    assert final["put_answer[0]"] == "ok"


def test_a_failed_data_sync_aborts_and_the_next_txn_reuses_its_id():
    # goto fail, _mdb_txn_abort: the put fails, the environment goes on, mti_txnid unchanged
    failed = "open; put(key=0); fault(kind=transient); sync_data; heal; put(key=1); sync_data"
    r, final = run("lmdb", "linux-5.8", failed, **B)
    assert final["put_answer[0]"] == "failed" and final["up"] is True and final["txnid"] == 0
    assert final[TREE1] == 2 and final["commit"] == "synced"   # txn 1 again, same tree page
    # FreeBSD keeps the failed pages dirty and reports only a sync's own failure: committed
    r, final = run("lmdb", "freebsd", failed + "; write_meta", **B)
    assert final["put_answer[1]"] == "ok" and final["txnid"] == 1 and meta(final[META1]) == (1, 1)


def test_a_failed_meta_write_writes_the_old_txnid_back_and_is_fatal():
    # "Write some old data back": the old mm_txnid with the new root, unsynced; then
    # MDB_FATAL_ERROR: the put fails and the environment is closed
    r, final = run("lmdb", "linux-5.8", "open; put(key=0); sync_data; fault(kind=transient); "
                   "write_meta", **B)
    assert final["put_answer[0]"] == "failed" and final["up"] is False
    assert final["page[0][1]"] == "dirty" and meta(final["cache[0][1]"]) == (0, 1)
    assert meta(final[META1]) == (0, B["pages"])           # the new environment's, empty


FALSE_FAILURE = ("open; put(key=0); writeback(p=0); fault(kind=transient); sync_data; heal; "
                 "put(key=0); sync_data; write_meta")


def test_the_meta_descriptor_reports_an_error_the_data_descriptor_already_reported():
    # errseq: me_fd's fdatasync reported the failed write-back and advanced its cursor; the
    # meta write on me_mfd reaches the disk, then reports the same error: fatal
    r, final = run("lmdb", "linux-5.8", FALSE_FAILURE, **B)
    assert final["put_answer[1]"] == "failed" and meta(final[META1]) == (1, 1)
    # a power loss before the old txn id is written back: the failed put is committed
    r, final = run("lmdb", "linux-5.8", FALSE_FAILURE + "; os_crash; open; get(key=0)", **B)
    assert final["seen_false_failure"] is True and final["txnid"] == 1


def test_a_meta_page_that_never_reached_the_disk_leaves_the_environment_unopenable():
    # mdb_env_read_header: a page that is not a meta is MDB_INVALID, whatever the other holds
    with pytest.raises(AssertionError, match="not enabled"):
        run("lmdb", "linux-5.8", FALSE_FAILURE.replace("writeback(p=0); ", "")
            + "; os_crash; open", **B)


def test_reads_through_the_mmap_find_the_old_meta_after_a_failed_in_place_write():
    # data=journal: fdatasync returns 0 with the meta in the journal; jbd2's in-place write
    # fails, the page is evicted, and the next read of the mmap finds the empty environment
    r, final = run("lmdb", "linux-5.8", COMMIT.replace("write_meta", "checkpoint; write_meta")
                   + "; fault(kind=transient); checkpoint; evict_page(p=1); get(key=0)",
                   fs="ext4-journal", **B)
    assert final["put_answer[0]"] == "ok" and final["seen_key_not_found"] is True


def test_no_fault_no_outcome_where_a_files_fsync_commits_its_name():
    # LMDB never fsyncs the directory: where a file's fsync does not commit its new name
    # (fsync_names: Linux only), a power loss can take data.mdb away with every commit
    for os in ("linux-5.8", "freebsd", "netbsd"):
        pol = make_config(os, "ext4", [], {}, family=FAMILY).kernel_policy
        got = {p for p, n in shortest("lmdb", os, disable=("faults",)).items() if n}
        assert got == (set() if pol.fsync_names else {"key-not-found", "durability"}), os
        assert not any(shortest("lmdb", os, disable=("faults", "os-crash")).values()), os


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "netbsd", "openbsd", "posix-strict"])
def test_a_false_failure_needs_an_error_the_syncing_descriptor_does_not_see(os):
    # errseq: me_mfd's own cursor sees an error me_fd already reported; a policy that drops a
    # failed page with its error lets a sync return 0 over a lost tree; where every sync
    # reports what failed (failed pages kept dirty, or failing until the last close), none
    pol = make_config(os, "ext4", [], {}, family=FAMILY).kernel_policy
    unseen = pol.record == ERRSEQ or (pol.record == SYNC_ONLY and INVALIDATE in pol.bg_fates)
    assert (shortest("lmdb", os)["false-failure"] is not None) == unseen
