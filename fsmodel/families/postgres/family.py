"""The PostgreSQL family's declarations: the bounds, behaviour and option only its specs
read, and its properties."""
from ..base import Choice, Family, Range
from .known import KNOWN
from .properties import DOCS

POSTGRES = Family(
    "postgres", "PostgreSQL's write, fsync-request, checkpoint and recovery protocol",
    bounds={
        "backends": Range(2, 1, 3, "backends that write buffers"),
        "checkpoints": Range(2, 1, 6, "checkpoints started, end-of-recovery ones included"),
        "queue": Range(1, 1, 3, "fsync request queue / descriptor socket capacity"),
    },
    environment={"pg-crash": "PostgreSQL is killed (besides PANIC): kernel state survives"},
    options={"fpw": Choice(True, (True, False), "full_page_writes during recovery",
                           "full_page_writes"),
             "client": Choice(False, (True, False), "check the client's view too: "
                              "old-value and key-not-found (a page is a row)", "client")},
    properties=DOCS, known=KNOWN)
