"""A syncfs() backstop before the checkpoint record: the checkpointer keeps one descriptor
on the data directory's file system and calls syncfs() on it after the fsyncs; an error is
PANIC (#1: "syncfs() will be fixed so it reports errors properly", which Linux 5.8 did, kernel
735e4ae5ba28: its errseq lives in the superblock and survives inode eviction)."""
from fsmodel import spec_file

SPEC = spec_file("pg_panic").variant(
    id="syncfs-backstop", baseline="pg-panic", sources=("#1", "kernel 735e4ae5ba28"),
    summary="patch: syncfs before the checkpoint record, PANIC on error (needs linux-5.8)",
    syncfs_backstop=True,
    expect={"holds": ("linux-5.8",)},
)
