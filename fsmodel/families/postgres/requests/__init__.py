"""How fsync requests reach PostgreSQL's checkpointer: one strategy per ``fd_passing``.

``SharedQueue`` (None): fd.c's descriptor cache and the shared request queue, as committed.
``KeepFirst`` and ``KeepOldest`` (``first``, ``oldest``): the backend's descriptor travels
over a socket, and the checkpointer keeps the first received or the one opened first.
"""
from ..choices import FIRST, OLDEST
from .base import RequestPath
from .descriptor_socket import DescriptorSocket, KeepFirst, KeepOldest
from .shared_queue import SharedQueue

# The one place the spec files' knob is mapped to a strategy.
REQUEST_PATHS: dict[str | None, type[RequestPath]] = {
    None: SharedQueue, FIRST: KeepFirst, OLDEST: KeepOldest}

__all__ = ["REQUEST_PATHS", "RequestPath", "SharedQueue", "DescriptorSocket", "KeepFirst",
           "KeepOldest"]
