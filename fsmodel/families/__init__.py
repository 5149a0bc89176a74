"""Families: each one application protocol checked against the kernel model.

A family owns its processes, their state, the bounds, behaviours and options it reads, its
properties with their documentation, its known traces, and the lanes its traces are drawn in
(``base.Family``).  It builds a ``Spec`` over a ``Kernel``; the kernel model and the engines
know nothing of any family.  A family is a package here exporting ``FAMILY`` (found by
``discover``, so a new one is new files only), or any module a spec file imports.

``postgres``: PostgreSQL's write, fsync-request, checkpoint and recovery protocol, whose
variants are the shipped specs and patches.  ``contract``: the OS contract on the kernel alone,
with a trivial writer.  ``descriptors``: how a family declares the variables that hold
descriptions, once, for the kernel's slot count, its pools, and a process's exit.
"""
from __future__ import annotations

import importlib
import pkgutil

from .base import Family


def discover() -> list[Family]:
    """Every family package here (its ``FAMILY``), in name order."""
    out = []
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if m.ispkg:
            fam = getattr(importlib.import_module(f"{__name__}.{m.name}"), "FAMILY", None)
            if isinstance(fam, Family):
                out.append(fam)
    return out
