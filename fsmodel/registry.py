"""Finding specs: the shipped ones in ``specs/`` by id, or any spec file by path."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from .shipped import folder

SPECS_DIR = folder("specs", "specs")
PATCHES_DIR = SPECS_DIR / "patches"


class BadSpec(ValueError):
    """A spec that does not exist or does not load."""


def _load(path: Path) -> Any:
    """The SPEC a file defines (or the first of its SPECS)."""
    return _load_all(path)[0]


def _load_all(path: Path) -> list[Any]:
    """Every spec a file defines: SPEC, or a list SPECS (variants made in a loop)."""
    name = f"fsmodel_spec_{path.parent.name}_{path.stem}"
    loader = importlib.util.spec_from_file_location(name, path)
    if loader is None or loader.loader is None:
        raise BadSpec(f"cannot load spec file {path}")
    module: ModuleType = importlib.util.module_from_spec(loader)
    try:
        loader.loader.exec_module(module)
    except Exception as e:  # a user's file: report it in one line, whatever it raised
        raise BadSpec(f"spec file {path} does not load: {type(e).__name__}: {e}") from None
    specs = getattr(module, "SPECS", None) or [getattr(module, "SPEC", None)]
    if not all(hasattr(s, "build") and hasattr(s, "id") for s in specs):
        raise BadSpec(f"spec file {path} defines no SPEC (or SPECS) with an id and a "
                      "build(config)")
    return specs


def load_file(name: str) -> list[Any]:
    """Every spec a user's file defines."""
    path = Path(name)
    if not path.is_file():
        raise BadSpec(f"no spec file {name}")
    return _load_all(path)


def spec_file(stem: str) -> Any:
    """A shipped spec by file name (``pg_panic``), for specs that build on another."""
    return _load(SPECS_DIR / f"{stem}.py")


def _by_id(folder: Path) -> dict[str, Any]:
    return {s.id: s for path in sorted(folder.glob("*.py")) for s in _load_all(path)}


def shipped() -> dict[str, Any]:
    """Every protocol in specs/, by id, in file-name order."""
    return _by_id(SPECS_DIR)


def patches() -> dict[str, Any]:
    """Every patch in specs/patches/ (the seed documents' proposals), by id."""
    return _by_id(PATCHES_DIR)


def find(name: str) -> Any:
    """A shipped spec or patch by id, or a spec file by path (its first spec)."""
    if name.endswith(".py"):
        return load_file(name)[0]
    specs = shipped() | patches()
    if name not in specs:
        raise BadSpec(f"unknown spec '{name}' (choose from {', '.join(specs)}, or a .py file)")
    return specs[name]
