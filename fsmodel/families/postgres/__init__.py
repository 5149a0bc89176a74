"""The PostgreSQL family: its write, fsync-request, checkpoint and recovery protocol
(docs/model.md §5).

One model; the shipped specs in ``specs/`` are its variants and state only what differs
(what an fsync failure does, how descriptors reach the checkpointer, whether close() is
checked).  Processes: backends (writing buffers, with the descriptor cache closing and
reopening files), the checkpointer, a third-party process, and the crash and recovery steps.

Abstraction: a page's content is the number of committed changes it holds (its version).
``ver[f][p]`` is the latest committed version (WAL is flushed at commit, before any data
write: log before data, xlog.c).  A completed checkpoint records the versions at its redo
pointer in ``ckpt``; WAL before it is recycled, so only changes after ``ckpt`` can be replayed.

Modules, one job each: ``protocol`` (the variants' knobs, ``choices`` their values), ``model``
(the state and what the processes share), ``backends``, ``requests`` (how fsync requests reach
the checkpointer: one strategy per ``fd_passing``), ``checkpointer``, ``recovery``,
``properties``, ``phases`` and ``lanes``.  Spec files import from here.
"""
from .choices import FIRST, FORGET, INIT_SYNC, OLDEST, PANIC, RETRY
from .family import POSTGRES as FAMILY
from .protocol import Protocol

__all__ = ["FAMILY", "Protocol", "FORGET", "RETRY", "PANIC", "FIRST", "OLDEST", "INIT_SYNC"]
