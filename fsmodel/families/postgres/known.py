"""The known traces of docs/model.md §6 as scripts of action labels, with the spec and policy
each exists under, plus shortest counterexamples the checker found for the specs no named
trace covers.  The tests replay them; ``fsmodel gallery`` draws them into ``diagrams/``.
The scripts name actions as one file, one backend, one fault and one crash show them (no
file or backend parameter); a trace that needs two says so in its own bounds."""
from ..base import Known
from .properties import DURABLE, SOUND

KNOWN = (
    Known("T1", "retry after failure", "pg-retry", "linux-4.16", SOUND,
          "commit; ckpt_start; buffer_sync; absorb; fault(kind=transient); ckpt_fsync; "
          "ckpt_start; buffer_sync; absorb; ckpt_fsync; ckpt_finish"),
    Known("T2", "late open (the sample marks the error seen)", "pg-panic", "linux-4.13", SOUND,
          "commit; write_buffer; close_fd; fault(kind=transient); writeback; "
          "ckpt_start; buffer_sync; absorb; ckpt_fsync; ckpt_finish"),
    Known("T3", "inode eviction forgets the error", "pg-panic", "linux-4.16", SOUND,
          "commit; write_buffer; close_fd; fault(kind=transient); writeback; evict_inode; "
          "ckpt_start; buffer_sync; absorb; ckpt_fsync; ckpt_finish"),
    Known("T4", "a third party consumes the error", "pg-panic", "linux-4.16", SOUND,
          "commit; write_buffer; ckpt_start; buffer_sync; absorb; other_open; "
          "fault(kind=transient); other_fsync; ckpt_fsync; ckpt_finish"),
    Known("T5", "fd passing, keep-first (#53)", "pg-fdpass-first", "linux-4.13", SOUND,
          "commit(p=0); commit(p=1); write_buffer(b=0, p=0); fault(kind=transient); "
          "writeback(p=0); write_buffer(b=1, p=1); send_fd(b=1, p=1); send_fd(b=0, p=0); heal; "
          "ckpt_start; buffer_sync; absorb_fd; absorb_fd; absorb_done; ckpt_fsync; "
          "ckpt_finish", bounds={"backends": 2}),
    Known("T6", "NFS close reports, the checkpoint wins the race", "pg-panic", "linux-5.8",
          SOUND, "commit; write_buffer; ckpt_start; buffer_sync; absorb; fault(kind=transient); "
          "close_fd; ckpt_fsync; ckpt_finish", fs="nfs"),
    Known("T7", "forgotten requests", "pg-2018", "freebsd", SOUND,
          "commit(f=0); commit(f=1); ckpt_start; buffer_sync; absorb; "
          "fault(f=0, kind=transient); ckpt_fsync(f=0); ckpt_start; buffer_sync; absorb; "
          "ckpt_finish", bounds={"files": 2}),
    Known("T8", "thin provisioning loses the write silently", "pg-panic", "linux-5.8", SOUND,
          "commit; ckpt_start; buffer_sync; absorb; thin_lose; ckpt_fsync; ckpt_finish",
          fs="thin"),
    Known("R2", "BLK_DONE without full_page_writes or the pre-recovery sync", "pg-panic",
          "freebsd", DURABLE, "commit; write_buffer; pg_crash; replay; ckpt_start; "
          "buffer_sync; absorb; ckpt_finish; os_crash; replay", options={"fpw": False},
          bounds={"crashes": 2}, changes={"init_sync": "none"}),
    Known("R3", "the pre-recovery sync only logs its error; without full_page_writes, replay "
          "skips the page by its LSN", "pg-panic", "linux-5.8", SOUND,
          "commit; write_buffer; pg_crash; fault(kind=transient); replay; ckpt_start; "
          "buffer_sync; absorb; ckpt_finish", options={"fpw": False}),
    Known("F1", "fd passing, keep-oldest: a third party, and absorbing stops at the first "
          "current stamp (shortest with one file)", "pg-fdpass", "linux-4.16", SOUND,
          "commit(p=0); commit(p=1); write_buffer(b=0, p=0); ckpt_start; other_open; "
          "fault(kind=transient); other_fsync; write_buffer(b=1, p=1); send_fd(b=1, p=1); "
          "send_fd(b=0, p=0); buffer_sync; absorb_fd; heal; ckpt_fsync; ckpt_finish",
          bounds={"backends": 2}),
    Known("F2", "fd passing, keep-oldest: absorbing stops at the first current stamp, no I/O "
          "error at all (shortest found)", "pg-fdpass", "posix-strict", SOUND,
          "commit(f=0); commit(f=1); write_buffer(b=0, f=0); write_buffer(b=1, f=1); "
          "ckpt_start; send_fd(b=0, f=0); send_fd(b=1, f=1); buffer_sync; absorb_fd; "
          "ckpt_fsync(f=0); ckpt_finish", bounds={"files": 2, "pages": 1, "backends": 2}),
)
