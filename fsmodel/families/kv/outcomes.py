"""The outcome classes of Rebello et al., "Can Applications Recover from fsync Failures?"
(USENIX ATC 2020), as properties of what a client sees, and the knobs they varied.

Each is a flag set by the client's reads (client.py) and checked as an invariant, so a
violation's trace ends at the read that showed it.  ``durability`` is the union of the
classes that lose an acknowledged write."""

OLD_VALUE = "old-value"
FALSE_FAILURE = "false-failure"
KEY_CORRUPTION = "key-corruption"
VALUE_CORRUPTION = "value-corruption"
KEY_NOT_FOUND = "key-not-found"
DURABILITY = "durability"

OUTCOMES = {
    OLD_VALUE: "a read returns an older value of the key than its newest acknowledged one "
               "(ATC'20 OldValue)",
    FALSE_FAILURE: "a read returns a value whose write was reported as failed "
                   "(ATC'20 FalseFailure)",
    KEY_CORRUPTION: "a read finds a value for a key no write was issued to "
                    "(ATC'20 KeyCorruption)",
    VALUE_CORRUPTION: "a read of a key returns a value written to another key "
                      "(ATC'20 ValueCorruption)",
    KEY_NOT_FOUND: "a read finds no value for a key that has an acknowledged write "
                   "(ATC'20 KeyNotFound)",
    DURABILITY: "every read returns the newest acknowledged value of its key or a newer one",
}

# ATC'20's knobs beside the kernel's ``eviction``: the application restarts, the kernel
# survives (PostgreSQL's name for it is ``pg-crash``).
APP_CRASH = "app-crash"
ENVIRONMENT = {APP_CRASH: "the engine's process is killed and starts again; the kernel "
                          "and its page cache survive"}
