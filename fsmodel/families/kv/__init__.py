"""What every key-value engine's family shares: the client's view and ATC'20's outcome classes
(``outcomes``, ``client``), the engine's process over the kernel (``engine``: its files and
descriptors, its restart and a power loss, recovery as the process's start), the spec entry
a spec file declares (``entry``), and reading the engine's files (``records``).

An engine's family (fsmodel/families/<engine>/) states only its own protocol: its files, the
steps of a put, its background work, its reaction to each failed call and what recovery
reads.  This package is a library, not a family: it declares no ``FAMILY``.
"""
from .client import Client
from .engine import Engine
from .entry import EngineSpec, engine_family
from .outcomes import OUTCOMES

__all__ = ["Client", "Engine", "EngineSpec", "engine_family", "OUTCOMES"]
