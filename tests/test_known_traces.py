"""The known traces of docs/model.md §6: each replays where it exists, is blocked where a
policy or fix closes it, and the checker finds a counterexample no longer than it."""
import dataclasses

import pytest

from fsmodel.run import registry
from fsmodel.run.known import every_known, trace_of

KNOWN = every_known()

from helpers import ONE, build, run, shortest
from fsmodel.engines.replay import replay

SOUND, DURABLE = "checkpoint-soundness", "durability"
T1, T2, T3, T4, T5, T7, R2 = (KNOWN[k].script for k in ("T1", "T2", "T3", "T4", "T5", "T7", "R2"))


def stuck_at(spec_id, os, script, **kw):
    spec = build(spec_id, os, **ONE | kw)
    labels = [x.strip() for x in script.split(";")]
    r = replay(spec, labels)
    return None if r.complete else labels[r.stuck_at]


@pytest.mark.parametrize("spec_id", ["pg-2018", "pg-retry"])
@pytest.mark.parametrize("os", ["linux-4.12", "linux-4.13", "linux-4.16", "linux-5.8", "netbsd"])
def test_t1_retry_after_failure(spec_id, os):
    if spec_id == "pg-2018":   # the requests are forgotten: the second fsync never happens
        script = ("commit(f=0); ckpt_start; buffer_sync; absorb; fault(f=0, kind=transient); "
                  "ckpt_fsync(f=0); ckpt_start; buffer_sync; absorb; ckpt_finish")
        r, final = run(spec_id, os, script, files=2)
    else:
        r, final = run(spec_id, os, T1)
    assert SOUND in r.violated
    assert final["disk[0][0]"] == 0 and final["ckpt[0][0]"] == 1


def test_t1_is_shortest_with_only_faults_and_retries():
    assert shortest("pg-retry", "linux-4.16", disable=["third-party", "eviction"])[SOUND] == 11


def test_t1_does_not_exist_on_freebsd():
    # the page stays dirty, so the retried fsync fails again: no checkpoint completes
    assert stuck_at("pg-retry", "freebsd", T1) == "ckpt_finish"
    assert shortest("pg-retry", "freebsd") == {SOUND: None, DURABLE: None}


def test_t2_late_open_on_4_13():
    r, _ = run("pg-panic", "linux-4.13", T2)
    assert SOUND in r.violated
    # the writer's close is not needed: the checkpointer's own late open suffices (9 steps)
    assert shortest("pg-panic", "linux-4.13", disable=["third-party"])[SOUND] == 9
    # 4.16 reports the unseen error to the late opener: PANIC instead of a checkpoint
    assert stuck_at("pg-panic", "linux-4.16", T2) == "ckpt_finish"


def test_t2_closed_by_4_16_without_eviction_or_third_party():
    assert shortest("pg-panic", "linux-4.16", disable=["third-party", "eviction"]) == \
        {SOUND: None, DURABLE: None}


@pytest.mark.parametrize("os", ["linux-4.12", "linux-4.13", "linux-4.16", "linux-5.8"])
def test_t3_inode_eviction_on_every_linux(os):
    r, _ = run("pg-panic", os, T3)
    assert SOUND in r.violated


def test_t3_is_shortest_on_4_16_without_third_party():
    # 10, not 11: the checkpointer can be the writer (CheckPointBuffers), its descriptor
    # cache closes the file, and eviction forgets the error before its fsync reopens it
    assert shortest("pg-panic", "linux-4.16", disable=["third-party"])[SOUND] == 10
    r, _ = run("pg-panic", "linux-4.16", "commit; ckpt_start; buffer_sync; absorb; ckpt_close_fd; "
               "fault(kind=transient); writeback; evict_inode; ckpt_fsync; ckpt_finish")
    assert SOUND in r.violated


def test_t3_does_not_exist_where_dirty_pages_pin_the_inode():
    assert stuck_at("pg-panic", "freebsd", T3) == "evict_inode"


@pytest.mark.parametrize("os", ["linux-4.16", "linux-5.8"])
def test_t4_third_party_consumes_the_error(os):
    r, _ = run("pg-panic", os, T4)
    assert SOUND in r.violated
    assert shortest("pg-panic", os, disable=["eviction"])[SOUND] == 10


def test_t5_fd_passing_keep_first_on_4_13():
    r, final = run("pg-fdpass-first", "linux-4.13", T5, backends=2)
    assert SOUND in r.violated
    assert final["disk[0][0]"] == 0 and final["disk[0][1]"] == 1   # A's page lost, B's written
    # 4.16's "report once" rule saves it (#53): B's fd reports the error and we PANIC
    assert stuck_at("pg-fdpass-first", "linux-4.16", T5, backends=2) == "ckpt_finish"
    # keeping the smallest open_seq keeps A's descriptor, which reports the error
    assert stuck_at("pg-fdpass", "linux-4.13", T5, backends=2) == "ckpt_finish"


def test_t7_forgotten_requests_even_on_freebsd():
    r, final = run("pg-2018", "freebsd", T7, files=2)
    assert SOUND in r.violated
    assert final["disk[0][0]"] == 0 and final["disk[1][0]"] == 0   # both segments behind
    assert final["page[0][0]"] == "dirty"   # FreeBSD kept the page: only the request was lost
    assert shortest("pg-2018", "freebsd", disable=["third-party", "eviction"])[SOUND] == 10
    assert stuck_at("pg-retry", "freebsd", T7, files=2) == "ckpt_finish"


def test_t6_nfs_close_reports_but_the_checkpoint_wins_the_race():
    # close() flushes and reports; the PANIC it causes is not interlocked with a concurrent
    # checkpoint, whose fsync returns 0 (#1, #71)
    r, final = run("pg-panic", "linux-5.8", KNOWN["T6"].script, fs="nfs")
    assert SOUND in r.violated and final["panicking"] is True
    assert shortest("pg-panic", "linux-5.8", fs="nfs", disable=["third-party"])[SOUND] == 9


@pytest.mark.parametrize("spec_id", ["pg-panic", "pg-fdpass"])
def test_t8_thin_provisioning_defeats_every_protocol(spec_id):
    # contents lost at write() with no error ever reported (#1, #14)
    found = shortest(spec_id, "linux-5.8", fs="thin", disable=["third-party", "eviction"])
    assert found[SOUND] is not None


def no_init_sync():
    return dataclasses.replace(registry.find("pg-panic"), init_sync="none")


def test_r2_blk_done_without_full_page_writes():
    proto = no_init_sync()
    r, _ = run("pg-panic", "freebsd", R2, protocol=proto, fpw=False, crashes=2)
    assert DURABLE in r.violated and SOUND in r.violated
    # with full_page_writes=on the replayed page is dirty, so the end-of-recovery
    # checkpoint must write and fsync it
    assert stuck_at("pg-panic", "freebsd", R2, protocol=proto, crashes=2) == "ckpt_finish"
    found = shortest("pg-panic", "freebsd", protocol=proto, fpw=False, crashes=2,
                     disable=["third-party", "eviction", "faults"])
    assert found == {SOUND: 8, DURABLE: 10}


def test_r2_closed_by_the_pre_recovery_sync():
    found = shortest("pg-panic", "freebsd", fpw=False, crashes=2,
                     disable=["third-party", "eviction", "faults"])
    assert found == {SOUND: None, DURABLE: None}


@pytest.mark.parametrize("spec_id", ["pg-retry", "pg-panic"])
@pytest.mark.parametrize("os", ["freebsd", "posix-strict"])
def test_fixes_hold_where_the_os_retries(spec_id, os):
    assert shortest(spec_id, os) == {SOUND: None, DURABLE: None}


@pytest.mark.parametrize("known", list(KNOWN.values()), ids=list(KNOWN))
def test_every_known_trace_replays_to_its_violation(known):
    t = trace_of(known)
    assert t.length == len(known.labels)
    assert t.explanation


@pytest.mark.parametrize("fpw, lost", [(True, False), (False, True)])
def test_full_page_writes_decide_whether_replay_repairs_a_page_behind_the_checkpoint(fpw, lost):
    """T3 leaves the checkpoint at version 1 with version 0 on disk; one more commit puts the
    page in the retained WAL.  With full_page_writes the first change after the checkpoint
    logs the whole page, so replay restores it whatever the disk holds; without, replay
    applies the record to the page it reads, version 0, older than the checkpoint's: lost."""
    script = KNOWN["T3"].script + "; commit; os_crash; replay"
    _, final = run("pg-panic", "linux-4.16", script, fpw=fpw, disable=["third-party"])
    assert (final["disk[0][0]"], final["ckpt[0][0]"], final["ver[0][0]"]) == (0, 1, 2)
    assert final["lost"] is lost
