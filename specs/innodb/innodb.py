"""innodb: InnoDB with innodb_flush_log_at_trx_commit = 1 and innodb_flush_method = fsync.
A commit waits for the redo log's fsync; the page cleaner writes pages back; a checkpoint
fsyncs the tablespace, then writes its LSN to the log header and fsyncs the log; every failed
fsync aborts (ib::fatal); recovery reads the header and the log through the page cache."""
from fsmodel.families.innodb import InnoDBSpec

SPEC = InnoDBSpec(
    id="innodb",
    summary="InnoDB, flush_log_at_trx_commit=1: redo fsync per commit, checkpoint after the "
            "tablespace's fsync; a failed fsync aborts",
    sources=("mysql/mysql-server storage/innobase/os/os0file.cc os_file_fsync_posix",
             "storage/innobase/log/log0write.cc log_write_up_to, log_flusher",
             "storage/innobase/buf/buf0flu.cc buf_flush_write_block_low",
             "storage/innobase/log/log0chkp.cc log_checkpoint, log_files_write_checkpoint",
             "storage/innobase/log/log0recv.cc recv_scan_log_recs, recv_recover_page"),
    bounds={"files": 2, "pages": 3, "writes": 2, "crashes": 2, "faults": 1},
)
