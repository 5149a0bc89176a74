"""fsmodel: a formal model and model checker of fsync semantics (see README.md).

The Python API (``fsmodel.api``): ``check``, ``matrix``, ``validate``, ``render``, ``specs``,
``policies``, and ``spec_file`` (a shipped spec by file name, for a spec file or patch that
builds on it); the command line is ``fsmodel`` (``python -m fsmodel``).
"""
__version__ = "0.3.0"

from .api import Check, check, matrix, policies, render, specs, validate  # noqa: E402
from .run.registry import spec_file  # noqa: E402

__all__ = ["Check", "check", "matrix", "policies", "render", "specs", "spec_file",
           "validate", "__version__"]
