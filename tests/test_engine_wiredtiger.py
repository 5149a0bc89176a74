"""WiredTiger's protocol steps as executable facts (wiredtiger/wiredtiger: os_posix/os_fs.c,
log/log.c, checkpoint/checkpoint_txn.c, meta/meta_turtle.c, txn/txn_recover.c), and what the
client sees under the kernels."""
import pytest

from helpers import run, shortest

B = {"files": 4, "pages": 2, "writes": 2, "crashes": 1, "keys": 2}
TURTLE, SET = 2, 3      # the names' indexes


def test_opening_recovers_and_checkpoints_before_serving():
    # wiredtiger_open: recovery, then a forced checkpoint; the turtle is installed by
    # turtle.set's fsync and rename, and on Linux a directory fsync (WT_FS_DURABLE)
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2)", **B)
    assert final["up"] is True
    assert final["dentry[2]"] == 2 and final["dentry[3]"] == "-"
    assert final["dentry_disk[2]"] == 2          # the rename is durable


def test_no_directory_fsync_outside_linux():
    # __posix_directory_sync is compiled only under __linux__: on FreeBSD the rename (and the
    # files' creation) waits for the next journal or syncer commit
    r, final = run("wiredtiger", "freebsd", "recover(fs=2)", **B)
    assert final["dentry[2]"] == 2 and final["dentry_disk[2]"] == "-"
    r, final = run("wiredtiger", "freebsd", "recover(fs=2); commit", **B)
    assert final["dentry_disk[2]"] == 2


def test_a_failed_fsync_panics():
    # __posix_sync: WT_RET_PANIC; mongod's fassert(28558) ends the process
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=0); "
                   "fault(f=0, kind=transient); sync_log", **B)
    assert final["up"] is False and final["aborted"] is True
    assert final["put_answer[0]"] == "none"
    # the checkpoint's fsync of the collection fails before the turtle moves
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=0); sync_log; "
                   "fault(f=1, kind=transient); checkpoint(fs=3)", **B)
    assert final["aborted"] is True and final["disk[2][0]"] == 0


def test_a_checkpoint_writes_the_trees_syncs_them_and_the_log_then_the_turtle():
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=1); sync_log; "
                   "checkpoint(fs=3)", **B)
    assert final["disk[1][1]"] == 1 * 3 + 1          # LSN 1, value 1
    assert final["dentry[2]"] == 3 and final["disk[3][0]"] == 1   # the turtle's LSN
    assert final["mem[1]"] == 1 * 3 + 1              # the page stays cached, clean


def test_recovery_replays_the_log_from_the_turtles_lsn_through_the_page_cache():
    # a failed log write is kept by the page cache (ext4): the restarted recovery replays it
    # and its checkpoint makes it durable through the collection
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=0); "
                   "fault(f=0, kind=transient); sync_log; recover(fs=3)", **B)
    assert final["up"] is True and final["mem[0]"] == 1 * 3 + 1
    assert final["disk[1][0]"] == 1 * 3 + 1 and final["disk[0][0]"] == 0
    with pytest.raises(AssertionError, match="not enabled"):    # the crash is counted
        run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=0); fault(f=0, "
            "kind=transient); sync_log; recover(fs=3); os_crash", **B)


def test_no_fault_no_outcome_but_names_lost_outside_linux():
    # without faults nothing is lost on Linux; on the BSDs the files' names wait for a
    # commit that no directory fsync forces (os_fs.c: __linux__ only), so a power loss
    # after an acknowledged write can take the log's name with it; without power loss,
    # nothing (the third party only slows the check here: no fault, no error to consume)
    quiet = ("faults", "third-party")
    assert set(shortest("wiredtiger", "linux-5.8", disable=quiet).values()) == {None}
    for os in ("freebsd", "netbsd"):
        got = shortest("wiredtiger", os, disable=quiet)
        assert got["key-not-found"] == got["durability"] == 6, os
        assert set(shortest("wiredtiger", os, disable=quiet + ("os-crash",)).values()) \
            == {None}, os


def test_a_turtle_set_without_a_turtle_is_renamed_into_place():
    # __wt_turtle_exists: the first turtle update panicked (inode 2's fsync failed); the next
    # open renames the set into place, and its checkpoint's set takes the next inode
    r, final = run("wiredtiger", "freebsd", "fault(f=2, kind=transient); recover(fs=2); "
                   "heal(f=2); recover(fs=3)", **B)
    assert final["up"] is True and final["dentry[2]"] == 3 and final["dentry[3]"] == "-"


# -- the reductions (reductions.py): fewer states, the same verdicts and shortest traces -----
def test_a_page_the_disk_holds_leaves_the_cache():
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=1); sync_log; "
                   "checkpoint(fs=3)", **B)
    assert final["disk[1][1]"] == 1 * 3 + 1 and final["page[1][1]"] == "absent"
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); put(key=1); sync_log; "
                   "checkpoint(fs=3)", reduce=False, **B)
    assert final["page[1][1]"] == "clean"


def test_an_inode_only_the_third_party_holds_is_wiped():
    # the turtle the rename replaces (inode 3) stays open in the third party: no name leads
    # to it, and its last close frees it
    script = ("recover(fs=2); put(key=0); sync_log; checkpoint(fs=3); other_open(f=3); "
              "put(key=1); sync_log; checkpoint(fs=2)")
    r, final = run("wiredtiger", "linux-5.8", script, **B)
    assert final["dentry[2]"] == 2 and final["other_fd[3]"] != "-"
    assert final["disk[3][0]"] == 0 and final["size_disk[3]"] == 0
    r, final = run("wiredtiger", "linux-5.8", script, reduce=False, **B)
    assert final["disk[3][0]"] == 1


def test_after_the_last_panic_the_states_are_one():
    # mongod panics with no restart left (crashes=1 spent): nothing more is ever read
    r, final = run("wiredtiger", "linux-5.8", "recover(fs=2); app_crash; recover(fs=3); "
                   "put(key=0); fault(f=0, kind=transient); sync_log", **B)
    assert final["aborted"] is True and final["crashes"] == 1
    assert final["dentry[0]"] == "-" and final["put_key[0]"] == 0 and final["puts"] == 0


@pytest.mark.parametrize("os, fs", [("linux-4.12", "ext4"), ("linux-5.8", "ext4-journal"),
                                    ("netbsd", "ext4")])
def test_the_reductions_keep_every_verdict_and_shortest_trace(os, fs):
    small = {"writes": 1, "keys": 1}
    assert shortest("wiredtiger", os, fs=fs, **small) == \
        shortest("wiredtiger", os, fs=fs, reduce=False, **small)


@pytest.mark.parametrize("larger", [{"crashes": 2}, {"faults": 2}])
@pytest.mark.parametrize("os", ["freebsd", "netbsd"])
def test_the_next_bounds_show_nothing_the_defaults_hide(os, larger):
    # one crash and one fault by default: with two of each, ext4 data=journal and the
    # adversarial policy pass 60 M states; where either alone is cheap, nothing changes
    assert shortest("wiredtiger", os) == shortest("wiredtiger", os, **larger)
