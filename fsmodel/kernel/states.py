"""The kernel's enumerated states, shared by its modules."""
from ..lang.spec import Enum

# A page in the page cache.
ABSENT, CLEAN, DIRTY, INVALID = range(4)
PAGE = Enum("absent", "clean", "dirty", "invalid")

# The device, for one file's sectors.
NO_FAULT, TRANSIENT, PERSISTENT, GONE = range(4)
FAULT = Enum("none", "transient", "persistent", "gone")

# ext4 data=journal, per file: nothing in the journal for it; committed and waiting to be
# written in place (jbd2's checkpoint); or that in-place write failed, and the journal still
# holds the data (replayed after a power loss, dropped by a clean unmount).
NOTHING, PENDING, FAILED = range(3)
JOURNAL = Enum("none", "pending", "failed")

RETURNS = ("0", "EIO", "ENODEV")
EOF = -1    # what a read past the end of a file returns (namespace only)
