"""InnoDB's protocol steps as executable facts (mysql/mysql-server storage/innobase: os0file.cc,
log0write.cc, buf0flu.cc, log0chkp.cc, log0recv.cc), and what the client sees under the
kernels."""
import pytest

from helpers import run, shortest

B = {"files": 2, "pages": 3, "writes": 2, "crashes": 2, "keys": 2}
W = 3    # a page holds LSN * W + value (writes + 1)


def test_a_failed_log_fsync_aborts_and_the_put_stays_in_doubt():
    # os_file_fsync_posix: EIO -> ib::fatal; the user thread in log_write_up_to never
    # returns, so the client gets no answer
    r, final = run("innodb", "linux-5.8", "recover; put(key=0); fault(f=0, kind=transient); "
                   "sync_log", **B)
    assert final["up"] is False and final["aborted"] is True
    assert final["put_answer[0]"] == "none"
    assert final["engine_fd[0]"] == final["engine_fd[1]"] == "-"


def test_a_page_is_written_only_after_its_redo_is_flushed():
    # buf_flush_write_block_low: the page waits for log_write_up_to(newest_modification)
    with pytest.raises(AssertionError, match="not enabled"):
        run("innodb", "linux-5.8", "recover; put(key=0); flush_page(key=0)", **B)
    r, final = run("innodb", "linux-5.8", "recover; put(key=0); sync_log; flush_page(key=0)",
                   **B)
    assert final["cache[1][0]"] == 1 * W + 1 and final["mem[0]"] == 0


def test_a_checkpoint_fsyncs_the_tablespace_before_it_writes_its_lsn():
    # log_checkpoint: fil_flush_file_spaces, then log_files_write_checkpoint + log_fsync
    r, final = run("innodb", "linux-5.8", "recover; put(key=0); sync_log; flush_page(key=0); "
                   "checkpoint", **B)
    assert final["disk[1][0]"] == 1 * W + 1 and final["disk[0][0]"] == 1
    assert final["ckpt"] == 1
    r, final = run("innodb", "linux-5.8", "recover; put(key=0); sync_log; flush_page(key=0); "
                   "fault(f=1, kind=transient); checkpoint", **B)
    assert final["aborted"] is True and final["disk[0][0]"] == 0


def test_recovery_skips_a_page_the_page_cache_shows_newer_and_the_next_checkpoint_passes():
    # the checkpoint's fsync fails (abort); the page cache keeps the failed page (ext4):
    # recv_recover_page skips the record (page_lsn >= its LSN), the page stays clean, the
    # next checkpoint's fsync returns 0 (the error was seen) and the header moves past the
    # record: once the page is evicted the acknowledged value is gone
    script = ("recover; put(key=0); sync_log; flush_page(key=0); fault(f=1, kind=transient); "
              "checkpoint; recover; checkpoint; evict_page(f=1, p=0); get(key=0)")
    r, final = run("innodb", "linux-5.8", script, **B)
    assert final["mem[0]"] == 0 and final["ckpt"] == 1 and final["disk[0][0]"] == 1
    assert final["seen_key_not_found"] is True
    # on strict POSIX the failed page stays dirty: the restarted checkpoint's fsync fails
    with pytest.raises(AssertionError, match="not enabled"):
        run("innodb", "posix-strict", script, **B)


def test_no_fault_no_outcome():
    for os in ("linux-5.8", "freebsd", "netbsd"):
        assert set(shortest("innodb", os, disable=("faults",)).values()) == {None}, os


def test_what_a_read_returns_decides_the_verdict():
    # the buffer pool re-reads a page through the page cache: where a failed write keeps
    # the page dirty and retried (strict POSIX) nothing is lost; where it is dropped from
    # the cache at once (NetBSD invalidates) the loss shows sooner than where it stays
    # cached until evicted (Linux ext4)
    assert set(shortest("innodb", "posix-strict").values()) == {None}
    netbsd, linux = shortest("innodb", "netbsd"), shortest("innodb", "linux-5.8")
    assert netbsd["key-not-found"] + 1 == linux["key-not-found"]
    assert netbsd["false-failure"] is None and linux["false-failure"] is None
