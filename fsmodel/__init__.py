"""fsmodel: a formal model and model checker of fsync semantics (see README.md).

The Python API (``fsmodel.api``): ``check``, ``matrix``, ``validate``, ``render``, ``specs``,
``policies``; the command line is ``fsmodel`` (``python -m fsmodel``).
"""
from .api import Check, check, matrix, policies, render, specs, validate

__version__ = "0.2.0"
__all__ = ["Check", "check", "matrix", "policies", "render", "specs", "validate",
           "__version__"]
