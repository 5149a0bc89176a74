"""The choices a PostgreSQL spec file makes (the values of ``Protocol``'s knobs)."""

FORGET, RETRY, PANIC = "forget", "retry", "panic"     # on_fsync_error
FIRST, OLDEST = "first", "oldest"                      # fd_passing: which descriptor is kept
# recovery_init_sync_method (wal-thread): what crash recovery syncs before replay.
INIT_SYNC = ("fsync", "syncfs", "wal", "wal-paranoid", "none")
