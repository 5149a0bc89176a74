"""Keep every descriptor open from write() to the fsync that covers it (#70: "a scheme for
keeping files with dirty data open at all times"), so the inode stays pinned and cannot be
evicted with its error.  #70 names that eviction as the remaining "narrow window" on kernels
that report an unseen error to a new descriptor (4.16+): the claim checked here.  The
backends' and the checkpointer's descriptor caches close a file only once no fsync request
for it is queued or pending."""
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="hold-fds", baseline="pg-panic", sources=("#70",),
    summary="patch: no descriptor closed between a write and the fsync that covers it",
    hold_fds=True,
    expect={"holds": ("linux-4.16", "linux-5.8")},
)
