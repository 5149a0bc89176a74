"""bbolt's protocol steps (etcd-io/bbolt tx.go, db.go) and etcd's over its bbolt backend
(etcd-io/etcd server/storage/wal/wal.go, server/etcdserver, server/storage/backend) as
executable facts, and what the client sees under the kernels."""
import pytest

from fsmodel.config import make_config
from fsmodel.families.bbolt import FAMILY
from fsmodel.kernel.policy import INVALIDATE, KEEP, REDIRTY, SYNC_ONLY

from helpers import run, shortest

B = {"pages": 2, "writes": 2, "keys": 2}      # my.db: two meta pages, two tree pages
COMMIT = "open; put(key=0); tx_sync; tx_write_meta"
E = B | {"files": 2}                           # etcd: db (inode 0) and wal (inode 1)
PUT = "bootstrap(fd=0, fw=1); put(key=0, fw=1); wal_sync(fw=1)"
FAILED_WAL = "bootstrap(fd=0, fw=1); put(key=0, fw=1); fault(f=1, kind=transient); wal_sync(fw=1)"
BACKEND = "; backend_commit(fd=0); tx_sync(f=0); tx_write_meta(f=0); tx_sync_meta(f=0)"


def meta(code: int) -> tuple[int, int]:
    """(txid, root) of a meta page's content (lmdb/cow.py: 1 + txid * (R + 1) + root)."""
    return (code - 1) // (B["pages"] + 1), (code - 1) % (B["pages"] + 1)


def policy(os: str):
    return make_config(os, "ext4", [], {}, family=FAMILY).kernel_policy


# -- bbolt ---------------------------------------------------------------------------------
def test_a_commit_syncs_the_pages_then_the_meta_page():
    # db.init: both metas (txid 0, 1: the empty tree) fdatasynced; tx 2 writes meta page 0
    r, final = run("bbolt", "linux-5.8", COMMIT + "; tx_sync_meta", **B)
    assert meta(final["disk[0][1]"]) == (1, B["pages"]) and final["put_answer[0]"] == "ok"
    assert meta(final["disk[0][0]"]) == (2, 0) and final["disk[0][2]"] == 1


def test_a_failed_meta_sync_rolls_back_but_the_page_cache_keeps_the_meta():
    # tx.rollback(), Commit returns the error; the DB goes on, and db.meta() reads the meta
    # page through the mmap: the failed commit is what the next transactions see
    failed = COMMIT + "; fault(kind=transient); tx_sync_meta"
    r, final = run("bbolt", "linux-5.8", failed + "; get(key=0)", **B)
    assert final["put_answer[0]"] == "failed" and final["up"] is True
    assert final["seen_false_failure"] is True and meta(final["disk[0][0]"])[0] == 0
    # the next transaction builds on it: txid 3, key 0's failed value in its tree
    r, final = run("bbolt", "linux-5.8", failed + "; heal; put(key=1)", **B)
    assert final["tx_txid"] == 3 and final["snap[0][1]"] == 1
    # evicted, the page reads what is on disk: the failed commit is gone again
    r, final = run("bbolt", "linux-5.8", failed + "; evict_page(p=0); get(key=0)", **B)
    assert final["seen_false_failure"] is False


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "netbsd"])
def test_bbolt_no_fault_no_outcome_where_a_files_fsync_commits_its_name(os):
    # bbolt never fsyncs the directory (bolt.Open creates my.db, db.init syncs the file)
    got = {p for p, n in shortest("bbolt", os, disable=("faults",)).items() if n}
    assert got == (set() if policy(os).fsync_names else {"key-not-found", "durability"})


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "netbsd", "posix-strict"])
def test_a_failed_meta_page_left_readable_is_a_false_failure_at_once(os):
    # ext4 keeps the failed page's content, FreeBSD keeps it dirty: the next db.meta() reads
    # it (7 steps); where the page is invalidated only a longer path gets there
    readable = bool({KEEP, REDIRTY} & set(policy(os).sync_fates))
    assert (shortest("bbolt", os)["false-failure"] == 7) == readable


# -- etcd ----------------------------------------------------------------------------------
def test_an_entry_is_applied_and_answered_once_the_wal_is_synced():
    r, final = run("etcd", "linux-5.8", PUT, **E)
    assert final["put_answer[0]"] == "ok" and final["disk[1][0]"] == 1
    assert final["kvindex[0]"] == final["buf[0]"] == final["ci"] == 1
    assert final["size_disk[1]"] == 4                  # wal.Create preallocated the segment


def test_a_failed_wal_sync_is_fatal_and_the_restart_replays_the_cached_entry():
    # lg.Fatal: the put is never answered; ReadAll reads the entry ext4 kept in the cache
    r, final = run("etcd", "linux-5.8", FAILED_WAL, **E)
    assert final["put_answer[0]"] == "none" and final["up"] is False
    r, final = run("etcd", "linux-5.8", FAILED_WAL + "; recover(fd=0, fw=1)", **E)
    assert final["kvindex[0]"] == final["ci"] == 1 and final["disk[1][0]"] == 0


def test_an_entry_appended_after_a_cached_one_is_lost_with_it():
    # the next entry is synced behind the one that never reached the disk; after a power
    # loss ReadAll stops at the zero record and ZeroToEnd zeroes the acknowledged entry
    r, final = run("etcd", "linux-5.8", FAILED_WAL + "; recover(fd=0, fw=1); put(key=1, fw=1); "
                   "heal(f=1); wal_sync(fw=1); os_crash; recover(fd=0, fw=1); get(key=1)", **E)
    assert final["put_answer[1]"] == "ok" and final["seen_key_not_found"] is True
    assert final["page[1][1]"] == "dirty" and final["cache[1][1]"] == 0


def test_the_backend_commit_stores_the_consistent_index_and_restart_skips_to_it():
    r, final = run("etcd", "linux-5.8", PUT + BACKEND, **E)
    assert final["buf[0]"] == 0 and final["snap_ci[0]"] == 1 and meta(final["base"]) == (2, 0)
    r, final = run("etcd", "linux-5.8", PUT + BACKEND + "; app_crash; recover(fd=0, fw=1)", **E)
    assert final["ci"] == 1 and final["kvindex[0]"] == 1 and final["buf[0]"] == 0


def test_a_failed_backend_commit_and_a_revision_missing_from_bbolt_are_fatal():
    r, final = run("etcd", "linux-5.8", PUT + "; backend_commit(fd=0); fault(f=0, kind=transient); "
                   "tx_sync(f=0)", **E)
    assert final["up"] is False
    # data=journal: the tree's in-place write fails and the page is evicted: the index names
    # a revision the bbolt tree no longer holds, and the read is lg.Fatal
    lost = PUT + BACKEND + "; fault(f=0, kind=transient); checkpoint(f=0); evict_page(f=0, p=2)"
    with pytest.raises(AssertionError, match="not enabled"):
        run("etcd", "linux-5.8", lost + "; get(key=0)", fs="ext4-journal", **E)
    r, final = run("etcd", "linux-5.8", lost + "; range_fatal(key=0)", fs="ext4-journal", **E)
    assert final["up"] is False


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "netbsd"])
def test_etcd_no_fault_no_outcome(os):
    # wal.Create fsyncs the directory after both names exist
    assert set(shortest("etcd", os, disable=("faults",)).values()) == {None}


@pytest.mark.parametrize("os,fs", [("linux-5.8", "ext4"), ("linux-5.8", "btrfs"),
                                   ("freebsd", "ext4"), ("netbsd", "ext4")])
def test_etcd_loses_a_put_where_a_failed_wal_page_stays_readable_or_fails_unseen(os, fs):
    # a failed page kept in the cache is replayed and appended after; a write-back failure
    # that drops the page and records nothing lets the next fdatasync return 0
    pol = make_config(os, fs, [], {}, family=FAMILY).kernel_policy
    lost = KEEP in pol.sync_fates or (pol.record == SYNC_ONLY and INVALIDATE in pol.bg_fates)
    assert (shortest("etcd", os, fs=fs)["key-not-found"] is not None) == lost


@pytest.mark.parametrize("spec, larger", [("bbolt", {"faults": 2}),
                                          ("etcd", {"crashes": 2, "faults": 2})])
@pytest.mark.parametrize("os", ["freebsd", "netbsd"])
def test_the_next_bounds_show_nothing_the_defaults_hide(spec, larger, os):
    # the defaults are one fault (and one crash for etcd) because the adversarial policy
    # passes 100 M states with two; where two are cheap, every verdict and length is the same
    assert shortest(spec, os) == shortest(spec, os, **larger)
