"""The os-contract family: the OS contract on the kernel model alone (docs/model.md §7).

A trivial writer opens, writes, dups, syncs and closes; another process may open, fsync and
close the same files.  The property: "fsync returned 0 on a description" implies every write
made to the file before that fsync began is on disk.  Most real policies violate it; which do
is a result in itself.  ``spec``: what a spec file declares; ``writer``: the writer process and
its state; ``properties``: fsync honesty; ``lanes``: how its traces are drawn.
"""
from .family import CONTRACT as FAMILY
from .spec import ContractSpec

__all__ = ["FAMILY", "ContractSpec"]
