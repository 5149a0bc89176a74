"""The phases of PostgreSQL's checkpointer and of its startup (state variables' values)."""

CKPT_PHASES = ("idle", "write", "absorb", "sync")
IDLE, WRITE, ABSORB, SYNC = range(4)
RECOVERY_PHASES = ("running", "replay", "end-ckpt", "stopped")   # stopped: a forged start
RUNNING, REPLAY, END_CKPT, STOPPED = range(4)
