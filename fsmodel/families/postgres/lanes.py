"""The lanes of the PostgreSQL family's trace diagrams, and what each one draws."""

# The lane each process's own variables are drawn in ({0}: first index).
LANES = {"backend_fd": "backend{0}", "sending": "backend{0}", "backend_seq": "backend{0}",
         "ckpt_fd": "checkpointer", "pending": "checkpointer", "ckpt_phase": "checkpointer",
         "redo": "checkpointer", "ckpt": "checkpointer", "checkpoints": "checkpointer",
         "ckpt_seq": "checkpointer", "other_fd": "other", "recovery": "startup",
         "lost": "startup", "read_old": "startup", "read_missing": "startup"}
LANE_DOCS = {
    "transactions": "each changes a page and commits (WAL flushed, the shared "
                    "buffer dirty); which backend runs it does not matter",
    "backend{0}": "a backend process writing dirty buffers out through its own descriptors "
                  "and asking the checkpointer to fsync them (backends are interchangeable: "
                  "symmetry)",
    "checkpointer": "absorbs fsync requests, writes buffers at a checkpoint, "
                    "fsyncs every requested file, then writes the checkpoint record",
    "postmaster": "a PANIC or a crash of PostgreSQL, restarting it (the kernel "
                  "and its page cache survive)",
    "startup": "crash recovery, replaying WAL from the last checkpoint's "
               "redo pointer",
}
