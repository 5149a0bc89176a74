"""Where the files shipped beside the code are: in a checkout, folders of the repository
(``specs/``, ``conformance/``); installed from a wheel, folders inside the package (the
mapping is ``package-dir`` in pyproject.toml)."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def folder(checkout: str, installed: str) -> Path:
    """The checkout's folder if this is a checkout, else the installed one."""
    beside = PACKAGE.parent / checkout
    return beside if beside.is_dir() and (PACKAGE.parent / "pyproject.toml").is_file() \
        else PACKAGE / installed
