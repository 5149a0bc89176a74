"""SQLite's protocol steps as executable facts (sqlite/sqlite src/pager.c, src/wal.c,
src/os_unix.c), and what the client sees under the kernels."""
import pytest

from fsmodel.kernel.policy import REDIRTY, lookup_policy
from fsmodel.run import registry

from helpers import run, shortest

RB = {"files": 2, "pages": 2, "keys": 2, "writes": 2}
WAL = {"files": 2, "pages": 3, "keys": 2, "writes": 2}
BEGIN = "open(fd=0, fj=2); put(key=0, fd=0, fj=1)"
COMMIT = BEGIN + "; sync_journal(fd=0, fj=1); sync_header(fd=0, fj=1)"
# a second transaction on the same page, once the kernel committed the first one's unlink
SECOND = COMMIT + ("; sync_db(fd=0, fj=1); commit; put(key=0, fd=0, fj=1); "
                   "sync_journal(fd=0, fj=1); sync_header(fd=0, fj=1)")
FRAME = "open(fd=0, fw=1); put(key=0, fw=1)"


def variant(spec_id: str, **knobs):
    return registry.find(spec_id).variant(knobs=knobs)


def test_a_commit_syncs_the_journal_twice_then_the_database_then_unlinks():
    # syncJournal: fsync, header with the magic, fsync; pager_write_pagelist; PagerSync;
    # pager_end_transaction deletes the journal
    r, f = run("sqlite-rollback", "linux-5.8", COMMIT, **RB)
    assert f["pager"] == "dbmod" and f["disk[1][0]"] != 0 and f["disk[0][0]"] == 0
    r, f = run("sqlite-rollback", "linux-5.8", COMMIT + "; sync_db(fd=0, fj=1)", **RB)
    assert f["put_answer[0]"] == "ok" and f["disk[0][0]"] == 1 and f["dentry[1]"] == "-"
    # synchronous=FULL: unixDelete does not sync the directory, the unlink is not durable
    assert f["dentry_disk[1]"] == 1
    r, f = run("sqlite-rollback", "linux-5.8", COMMIT + "; sync_db(fd=0, fj=1)",
               protocol=variant("sqlite-rollback", synchronous="extra"), **RB)
    assert f["dentry_disk[1]"] == "-"


def test_a_failed_journal_sync_fails_the_put_and_deletes_the_journal():
    # sqlite3VdbeHalt -> sqlite3PagerRollback in WRITER_CACHEMOD: the database is untouched
    r, f = run("sqlite-rollback", "linux-5.8",
               BEGIN + "; fault(f=1, kind=transient); sync_journal(fd=0, fj=1)", **RB)
    assert f["put_answer[0]"] == "failed" and f["pager"] == "idle"
    assert f["dentry[1]"] == "-" and f["size[0]"] == 0


def test_a_failed_db_sync_rolls_back_and_a_failed_rollback_leaves_a_hot_journal():
    failed = SECOND + "; fault(f=0, kind=transient); sync_db(fd=0, fj=1)"
    r, f = run("sqlite-rollback", "linux-5.8", failed, **RB)
    assert f["pager"] == "rolling" and f["cache[0][0]"] == 1      # the original written back
    # the playback's own PagerSync fails too: ERROR, then OPEN, the journal still there
    r, f = run("sqlite-rollback", "linux-5.8", failed + "; rollback_sync(fd=0, fj=1)", **RB)
    assert f["pager"] == "open" and f["put_answer[1]"] == "failed" and f["dentry[1]"] == 1
    with pytest.raises(AssertionError, match="not enabled"):
        run("sqlite-rollback", "linux-5.8", failed + "; rollback_sync(fd=0, fj=1); get(key=0)",
            **RB)
    # the next access rolls the hot journal back and deletes it
    r, f = run("sqlite-rollback", "linux-5.8", failed + "; rollback_sync(fd=0, fj=1); heal(f=0);"
               " hot_journal(fd=0, fj=1); rollback_sync(fd=0, fj=1); get(key=0)", **RB)
    assert f["pager"] == "idle" and f["dentry[1]"] == "-" and f["disk[0][0]"] == 1
    assert f["seen_durability"] is False


def test_a_crashed_transaction_is_rolled_back_at_open():
    r, f = run("sqlite-rollback", "linux-5.8", SECOND + "; app_crash; open(fd=0, fj=1)", **RB)
    assert f["pager"] == "open" and f["cache[0][0]"] == 2          # hot: not served yet
    r, f = run("sqlite-rollback", "linux-5.8", SECOND + "; app_crash; open(fd=0, fj=1); "
               "hot_journal(fd=0, fj=1); rollback_sync(fd=0, fj=1); get(key=0)", **RB)
    assert f["pager"] == "idle" and f["disk[0][0]"] == 1 and f["seen_durability"] is False


def test_a_wal_commit_is_published_only_if_its_sync_returned_ok():
    r, f = run("sqlite-wal", "linux-5.8", FRAME, **WAL)
    assert f["mx_frame"] == 0 and f["cache[1][1]"] == 1 and f["disk[1][0]"] == 1  # header synced
    r, f = run("sqlite-wal", "linux-5.8", FRAME + "; sync_wal(fw=1)", **WAL)
    assert f["mx_frame"] == 1 and f["put_answer[0]"] == "ok"
    # walFrames returns the error before walIndexAppend: the frame stays in the file
    failed = FRAME + "; fault(f=1, kind=transient); sync_wal(fw=1)"
    r, f = run("sqlite-wal", "linux-5.8", failed, **WAL)
    assert f["mx_frame"] == 0 and f["put_answer[0]"] == "failed" and f["cache[1][1]"] == 1
    # ... and walIndexRecover, reading it through the page cache, finds a valid commit frame
    r, f = run("sqlite-wal", "linux-5.8", failed + "; app_crash; open(fd=0, fw=1); get(key=0)",
               **WAL)
    assert f["mx_frame"] == 1 and f["seen_false_failure"] is True


def test_a_checkpoint_advances_nbackfill_only_after_the_database_sync():
    done = FRAME + "; sync_wal(fw=1); fault(f=0, kind=transient); checkpoint(fd=0, fw=1)"
    r, f = run("sqlite-wal", "linux-5.8", done, **WAL)
    assert f["n_backfill"] == 0 and f["cache[0][0]"] == 1 and f["disk[0][0]"] == 0
    # the next checkpoint copies the frame again, and its sync now writes it
    r, f = run("sqlite-wal", "linux-5.8", done + "; heal(f=0); checkpoint(fd=0, fw=1)", **WAL)
    assert f["n_backfill"] == 1 and f["disk[0][0]"] == 1


def test_normal_publishes_a_commit_unsynced():
    r, f = run("sqlite-wal-normal", "linux-5.8", FRAME, **WAL)
    assert f["mx_frame"] == 1 and f["put_answer[0]"] == "ok" and f["page[1][1]"] == "dirty"


def test_no_fault_no_outcome():
    extra = variant("sqlite-rollback", synchronous="extra")
    for os in ("linux-5.8", "freebsd", "netbsd"):
        got = shortest("sqlite-rollback", os, protocol=extra, disable=("faults",))
        assert set(got.values()) == {None}, os
        assert set(shortest("sqlite-wal", os, disable=("faults",)).values()) == {None}, os


def test_without_a_directory_sync_a_power_loss_brings_the_journal_back():
    # synchronous=FULL: the unlink of a committed transaction's journal is not durable; after
    # a power loss the journal is back, hot, and its rollback undoes the acknowledged commit
    lost = COMMIT + ("; sync_db(fd=0, fj=1); os_crash; open(fd=0, fj=1); hot_journal(fd=0, fj=1);"
                     " rollback_sync(fd=0, fj=1); get(key=0)")
    r, f = run("sqlite-rollback", "linux-5.8", lost, **RB)
    assert f["put_answer[0]"] == "ok" and f["seen_durability"] is True
    with pytest.raises(AssertionError, match="not enabled"):   # EXTRA synced the directory
        run("sqlite-rollback", "linux-5.8", lost, protocol=variant("sqlite-rollback",
                                                                  synchronous="extra"), **RB)


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "posix-strict"])
def test_wal_durability_needs_a_kernel_that_never_drops_a_dirty_page(os):
    # an unsynced frame recovered from the page cache (or a failed one the next sync no
    # longer reports) is lost where a failed page is marked clean, invalidated, or dropped
    # with a vanished device; only a policy that keeps it dirty and retries saves it
    pol = lookup_policy(os)
    keeps = set(pol.sync_fates) == set(pol.bg_fates) == {REDIRTY} and not pol.gone_drops
    got = shortest("sqlite-wal", os, disable=("third-party",))
    assert (got["durability"] is None) == keeps


def test_a_frame_of_zeros_is_sqlite_corrupt_not_a_missing_row():
    # recovery published frame 2 (put 2, in doubt) from the page cache; the checkpoint's
    # WAL sync fails and the page is evicted: the reader reads zeros where the wal-index
    # names a frame, which btreeInitPage rejects (SQLITE_CORRUPT): an error, so put 1 is
    # not found (durability) without reading as "no row" (key-not-found)
    lost = (FRAME + "; sync_wal(fw=1); put(key=0, fw=1); app_crash; open(fd=0, fw=1); "
            "fault(f=1, kind=transient); checkpoint(fd=0, fw=1); evict_page(f=1, p=2); "
            "get(key=0)")
    r, final = run("sqlite-wal", "linux-5.8", lost, **WAL)
    assert final["put_answer[0]"] == "ok"
    assert final["seen_durability"] is True and final["seen_key_not_found"] is False
