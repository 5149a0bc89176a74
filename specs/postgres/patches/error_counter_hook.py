"""A pre-checkpoint hook that reads the file system's error counter after the fsyncs and
before the record, and PANICs if it moved since the last checkpoint (#1, LSF/MM 2018: "Make
per-filesystem error counts available ... would not vanish due to memory pressure").  Both
sides of the proposal: the kernel keeps the counter (a policy change, on any policy), and
PostgreSQL reads it.  The counter wraps at --errseq-wrap, as errseq_t's counter does: a page
retried and failing that many times between two checkpoints aliases (a real counter has 32
bits).  Claimed for Linux, where it was proposed."""
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="error-counter-hook", baseline="pg-panic", sources=("#1",),
    summary="patch: kernel per-fs error counter, checked before the checkpoint record",
    error_hook=True, kernel={"error_counter": True},
    expect={"holds": ("linux-4.12", "linux-4.13", "linux-4.16", "linux-5.8")},
)
