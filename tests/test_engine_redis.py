"""Redis's AOF protocol steps as executable facts (redis/redis src/aof.c, src/bio.c,
src/server.c, src/redis-check-aof.c), and what the client sees under the kernels."""
import pytest

from fsmodel.config import make_config
from fsmodel.families.redis import FAMILY
from fsmodel.kernel.policy import KEEP, REDIRTY

from helpers import run, shortest

B = {"files": 1, "pages": 2, "writes": 2, "keys": 2, "crashes": 2}
FAILED_SYNC = "start; set(key=0); fault(kind=transient); "


def not_enabled(spec: str, script: str) -> None:
    with pytest.raises(AssertionError, match="not enabled"):
        run(spec, "linux-5.8", script, **B)


def test_always_a_failed_fsync_exits_and_the_restart_loads_the_page_cache():
    # flushAppendOnlyFile, appendfsync always: redis_fsync fails -> exit(1): no reply
    r, final = run("redis-always", "linux-5.8", FAILED_SYNC + "aof_fsync", **B)
    assert final["up"] is False and final["put_answer[0]"] == "none"
    assert final["db[0]"] == 0 and final["engine_fd[0]"] == "-"
    # loadSingleAppendOnlyFile reads the page ext4 kept after the failed write-back
    r, final = run("redis-always", "linux-5.8", FAILED_SYNC + "aof_fsync; start", **B)
    assert final["up"] is True and final["db[0]"] == 1 and final["disk[0][0]"] == 0


def test_always_replies_only_after_the_fsync_but_the_dict_shows_the_value_at_once():
    r, final = run("redis-always", "linux-5.8", "start; set(key=0)", **B)
    assert final["put_answer[0]"] == "waiting" and final["db[0]"] == 1
    assert final["page[0][0]"] == "dirty"                      # aofWrite: in the page cache
    r, final = run("redis-always", "linux-5.8", "start; set(key=0); aof_fsync", **B)
    assert final["put_answer[0]"] == "ok" and final["disk[0][0]"] == 1
    not_enabled("redis-always", "start; set(key=0); set(key=1)")   # one put at a time


def test_a_hole_in_the_aof_stops_the_start_until_redis_check_aof_fix_cuts_it():
    # the failed page is lost by the power loss; the next record's fsync made the size
    # durable: the AOF reads NUL where a command's '*' is due (fmterr, exit(1))
    script = (FAILED_SYNC + "aof_fsync; start; heal; set(key=1); aof_fsync; os_crash")
    r, final = run("redis-always", "linux-5.8", script, **B)
    assert final["size[0]"] == 2 and final["disk[0][0]"] == 0 and final["disk[0][1]"] == 2
    not_enabled("redis-always", script + "; start")
    r, final = run("redis-always", "linux-5.8", script + "; check_aof_fix(at=0); start; "
                   "get(key=1)", **B)
    assert final["size[0]"] == 0 and final["seen_key_not_found"] is True


def test_everysec_replies_after_the_write_and_postpones_it_during_a_background_fsync():
    r, final = run("redis-everysec", "linux-5.8", "start; set(key=0)", **B)
    assert final["put_answer[0]"] == "ok" and final["page[0][0]"] == "dirty"
    assert final["unsynced"] is True
    # flushAppendOnlyFile(0): an fsync in progress postpones the write; the reply goes out
    script = "start; set(key=0); fsync_request; set(key=1)"
    r, final = run("redis-everysec", "linux-5.8", script, **B)
    assert final["put_answer[1]"] == "ok" and final["aof_buf"] == 1
    assert final["size[0]"] == 1 and final["bio_fsync_queued"] is True
    r, final = run("redis-everysec", "linux-5.8", script + "; flush_postponed", **B)
    assert final["aof_buf"] == 0 and final["cache[0][1]"] == 2 and final["unsynced"] is True


def test_everysec_a_failed_background_fsync_refuses_writes_until_one_succeeds():
    script = "start; set(key=0); fsync_request; fault(kind=transient); bio_fsync"
    r, final = run("redis-everysec", "linux-5.8", script, **B)
    assert final["bio_fsync_err"] is True and final["put_answer[0]"] == "ok"
    not_enabled("redis-everysec", script + "; set(key=1)")       # -MISCONF
    # nothing written since the request: no other fsync is queued (aof.c try_fsync)
    not_enabled("redis-everysec", script + "; fsync_request")
    # a command postponed behind the failing fsync was written after it: the next
    # background fsync returns 0 (the error was reported once) and writes are taken again
    script = ("start; set(key=0); fsync_request; set(key=1); fault(kind=transient); "
              "bio_fsync; flush_postponed; heal; fsync_request; bio_fsync")
    r, final = run("redis-everysec", "linux-5.8", script, **B)
    assert final["bio_fsync_err"] is False        # writes are taken again
    assert final["disk[0][0]"] == 0 and final["page[0][0]"] == "clean"   # never rewritten


def test_no_fault_no_outcome_under_always():
    for os in ("linux-5.8", "freebsd", "netbsd"):
        assert set(shortest("redis-always", os, disable=("faults",)).values()) == {None}, os


def test_everysec_while_it_runs_the_dict_hides_every_failure():
    # no restart: every read comes from the dict, failed fsyncs or not
    for os in ("linux-5.8", "freebsd", "netbsd"):
        got = shortest("redis-everysec", os, disable=("os-crash", "app-crash"))
        assert set(got.values()) == {None}, os


def test_everysec_a_failed_fsync_adds_no_outcome_class_to_its_crash_window():
    # a power loss or a kill loses the last second (or a postponed write) without any fault
    with_faults = shortest("redis-everysec", "linux-5.8")
    without = shortest("redis-everysec", "linux-5.8", disable=("faults",))
    assert without == with_faults and without["key-not-found"] is not None


@pytest.mark.parametrize("os", ["linux-5.8", "freebsd", "posix-strict", "openbsd"])
def test_always_loses_an_acknowledged_write_where_a_failed_page_is_kept_clean(os):
    # a restart after the exit loads the failed page from the page cache and appends behind
    # it; a later fsync returns 0 without writing it (it is clean): a power loss or an
    # eviction leaves a hole.  Where failed pages stay dirty they are retried instead.
    fates = make_config(os, "ext4", [], {}, family=FAMILY).kernel_policy.sync_fates
    got = shortest("redis-always", os)
    if set(fates) == {REDIRTY}:
        assert set(got.values()) == {None}
    if KEEP in fates:
        assert got["key-not-found"] is not None and got["false-failure"] is None
