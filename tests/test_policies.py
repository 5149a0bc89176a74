"""Each policy row of docs/model.md §4 as executable facts, on the kernel model alone.

Each test replays system calls on the os-contract spec and reads what the last call returned
(``returned``) and the kernel state it left.
"""
import pytest

from fsmodel.kernel.policy import POLICIES

from helpers import run, shortest

AFTER_ERROR = "open; write; fault(kind=transient); writeback; close(via=fd)"


def returned(os, script, **kw):
    return run("os-contract", os, script, **kw)[1]


def test_4_13_new_description_after_error_gets_0():
    # sample() marks the error SEEN at open: the new description never reports it (#1, #14)
    final = returned("linux-4.13", AFTER_ERROR + "; open; fsync(via=fd)")
    assert final["returned"] == "0"
    assert final["fsync_lied"] is True


def test_4_16_new_description_gets_unseen_error_once():
    # b4678df184b3: the first opener to fsync still gets an error nobody has seen (#53)
    final = returned("linux-4.16", AFTER_ERROR + "; open; fsync(via=fd)")
    assert final["returned"] == "EIO"
    final = returned("linux-4.16", AFTER_ERROR + "; open; fsync(via=fd); fsync(via=fd)")
    assert final["returned"] == "0"          # once only: the page is clean, nothing to write
    assert final["fsync_lied"] is True


def test_4_16_error_seen_by_someone_else_is_not_reported_to_a_new_description():
    script = AFTER_ERROR + "; other_open; other_fsync; open; fsync(via=fd)"
    assert returned("linux-4.16", script)["returned"] == "0"


def test_4_16_old_description_still_reports_after_someone_else_saw_it():
    script = "open; write; fault(kind=transient); writeback; other_open; other_fsync; fsync(via=fd)"
    assert returned("linux-4.16", script)["returned"] == "EIO"


def test_pre_4_13_flag_is_cleared_by_the_first_checker_in_any_process():
    script = "open; write; fault(kind=transient); writeback; other_open; other_fsync; fsync(via=fd)"
    assert returned("linux-4.12", script)["returned"] == "0"


def test_dup_shares_the_cursor():
    script = "open; dup; write; fault(kind=transient); writeback; fsync(via=dup)"
    assert returned("linux-4.16", script)["returned"] == "EIO"
    assert returned("linux-4.16", script + "; fsync(via=fd)")["returned"] == "0"


def test_fdatasync_consumes_like_fsync():
    script = "open; write; fault(kind=transient); writeback; fdatasync(via=fd)"
    assert returned("linux-4.16", script)["returned"] == "EIO"
    assert returned("linux-4.16", script + "; fsync(via=fd)")["returned"] == "0"


def test_sync_file_range_consumes_nothing():
    script = "open; write; fault(kind=transient); sync_file_range; fsync(via=fd)"
    final = returned("linux-4.16", script)
    assert final["returned"] == "EIO"
    assert final["page[0][0]"] == "clean"   # sync_file_range did the failed write-back


@pytest.mark.parametrize("os", ["linux-4.12", "linux-4.13", "linux-4.16", "linux-5.8"])
def test_inode_eviction_forgets_the_error(os):
    script = AFTER_ERROR + "; evict_inode; open; fsync(via=fd)"
    final = returned(os, script)
    assert final["returned"] == "0"
    assert final["wb_err[0]"] == 0


def test_5_8_syncfs_reports_through_its_own_cursor():
    script = "open; write; fault(kind=transient); writeback; fsync(via=fd)"
    assert returned("linux-5.8", script + "; syncfs")["returned"] == "EIO"
    assert returned("linux-5.8", script + "; syncfs; syncfs")["returned"] == "0"
    assert returned("linux-4.16", script + "; syncfs")["returned"] == "0"  # before 5.8 (#1)


def test_freebsd_second_fsync_fails_again_and_retry_works_after_heal():
    final = returned("freebsd", "open; write; fault(kind=persistent); fsync(via=fd); fsync(via=fd)",
                     reduce=False)   # the unreduced model has the persistent kind
    assert final["returned"] == "EIO"
    assert final["page[0][0]"] == "dirty"
    final = returned("freebsd", "open; write; fault(kind=transient); fsync(via=fd); heal; "
                                "fsync(via=fd)")
    assert final["returned"] == "0"
    assert final["disk[0][0]"] == 1 and final["fsync_lied"] is False


def test_freebsd_drops_dirty_buffers_once_the_device_is_gone():
    final = returned("freebsd", "open; write; fault(kind=gone); writeback")
    assert final["page[0][0]"] == "invalid"


@pytest.mark.parametrize("os", sorted(POLICIES))
def test_gone_device_fails_every_fsync_at_once(os):
    # ENODEV is persistent: fsync fails even with nothing dirty (#14)
    pol = POLICIES[os]
    fate = "" if len(pol.sync_fates) == 1 else f", fate={pol.sync_fates[0]}"
    rule = "" if len(pol.sample) < 2 else f"(rule={pol.sample[0]})"
    final = returned(os, f"open{rule}; fault(kind=gone); fsync(via=fd{fate})")
    assert final["returned"] == "EIO"


def test_netbsd_invalidates_and_forgets_background_failures():
    final = returned("netbsd", "open; write; fault(kind=transient); writeback; fsync(via=fd)")
    assert final["returned"] == "0" and final["page[0][0]"] == "invalid"
    final = returned("netbsd", "open; write; fault(kind=transient); fsync(via=fd)")
    assert final["returned"] == "EIO"       # the fsync that provoked the failure reports it


def test_openbsd_fsync_keeps_failing_until_last_close():
    script = ("open; write; fault(kind=transient); writeback(fate=keep); heal; "
              "fsync(via=fd, fate=keep); fsync(via=fd, fate=keep)")
    assert returned("openbsd", script)["returned"] == "EIO"
    final = returned("openbsd", script + "; close(via=fd, fate=keep); open; "
                                         "fsync(via=fd, fate=keep)")
    assert final["returned"] == "0" and final["fsync_lied"] is True


def test_illumos_retries_async_write_back():
    final = returned("illumos", "open; write; fault(kind=transient); writeback; heal; "
                                "fsync(via=fd, fate=redirty)")
    assert final["returned"] == "0" and final["disk[0][0]"] == 1


def test_ext4_keeps_failed_content_until_evicted():
    final = returned("linux-4.16", "open; write; fault(kind=transient); writeback")
    assert (final["page[0][0]"], final["cache[0][0]"], final["disk[0][0]"]) == ("clean", 1, 0)


@pytest.mark.parametrize("fs", ["xfs-invalidate", "btrfs"])
def test_invalidating_file_systems_drop_the_failed_content(fs):
    final = returned("linux-4.16", "open; write; fault(kind=transient); writeback", fs=fs)
    assert final["page[0][0]"] == "invalid"


JOURNAL_VIEW = ("returned", "journal[0][0]", "journal_ver[0][0]", "disk[0][0]")


def journal(script, fs="ext4-journal", **kw):
    final = returned("linux-4.16", "open; write; fault(kind=transient); " + script, fs=fs, **kw)
    return tuple(final[k] for k in JOURNAL_VIEW)


def test_ext4_data_journal_returns_0_then_reports_later():
    # fsync commits the page to the journal (durable: a power loss replays it), not in place
    assert journal("fsync(via=fd)") == ("0", "pending", 1, 0)
    # jbd2's in-place write fails later: the next fsync reports it, the page in place stays
    # old and the journal keeps the new one (the kernel runs: 'failed-inplace-twice')
    assert journal("fsync(via=fd); checkpoint; fsync(via=fd)") == ("EIO", "failed", 1, 0)
    # healed before the in-place write: nothing to report (the conformance run 'partial')
    assert journal("fsync(via=fd); heal; checkpoint; fsync(via=fd)") == ("0", "none", 0, 1)


def test_ext4_data_journal_reads_the_old_copy_but_a_power_loss_replays_the_new():
    # after a failed in-place write the page is evicted: a read returns the stale in-place
    # copy, while what survives a power loss is the journal's ('failed-inplace-twice' and
    # 'pl-failed-inplace-twice' on 6.1 and 6.12)
    script = ("fsync(via=fd); checkpoint; heal; close(via=fd); evict_page; os_crash")
    final = returned("linux-4.16", "open; write; fault(kind=transient); " + script,
                     fs="ext4-journal", crashes=1)
    assert (final["journal[0][0]"], final["disk[0][0]"]) == ("none", 1)
    # yet fsync returned 0 for data that a clean unmount would have lost: not durable
    assert final["fsync_lied"] is True
    before = run("os-contract", "linux-4.16", "open; write; fault(kind=transient); "
                 "fsync(via=fd); checkpoint; heal; close(via=fd); evict_page",
                 fs="ext4-journal", crashes=1)[1]
    assert (before["page[0][0]"], before["disk[0][0]"], before["journal_ver[0][0]"]) == \
        ("absent", 0, 1)


def test_ext4_data_journal_on_6_12_writes_in_place_at_fsync():
    # 6.5+: fsync writes in place and reports its own failure, the journal keeps the data
    assert journal("fsync(via=fd)", fs="ext4-journal-6.12") == ("EIO", "failed", 1, 0)


def test_nfs_close_flushes_and_reports():
    final = returned("linux-4.16", "open; write; fault(kind=transient); close(via=fd)", fs="nfs")
    assert final["returned"] == "EIO"


def test_errseq_counter_bumps_only_after_seen():
    # two failures with nobody looking collapse into one report (docs/model.md §3)
    script = "open; write; fault(kind=persistent); writeback; write; writeback"
    assert returned("linux-4.16", script, writes=2, reduce=False)["wb_err[0]"] == 1
    script = "open; write; fault(kind=persistent); writeback; fsync(via=fd); write; writeback"
    assert returned("linux-4.16", script, writes=2, reduce=False)["wb_err[0]"] == 5


def test_which_policies_keep_the_fsync_contract():
    """The OS contract table, computed exhaustively: only the retrying policies keep it."""
    honest = {os for os in POLICIES if shortest("os-contract", os)["fsync-honesty"] is None}
    assert honest == {"freebsd", "posix-strict"}


def test_btrfs_reports_a_failed_write_until_its_ordered_extent_is_finished():
    # btrfs_sync_file -> btrfs_wait_ordered_range returns the I/O error of an unfinished
    # ordered extent, whatever the cursor says (conformance 'sfr' on 6.12)
    script = "open; write; fault(kind=transient); fsync(via=fd); heal"
    again = returned("linux-4.16", script + "; fsync(via=fd)", fs="btrfs-6.12")
    assert again["returned"] == "EIO" and again["ordered_eio[0]"] is True
    done = returned("linux-4.16", script + "; finish_ordered; fsync(via=fd)", fs="btrfs-6.12")
    assert done["returned"] == "0"
    # ext4 has no such extent: the second fsync returns 0 at once
    assert returned("linux-4.16", script + "; fsync(via=fd)")["returned"] == "0"
