"""Finding specs: the shipped ones in ``specs/`` by id, or any spec file by path."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

SPECS_DIR = Path(__file__).resolve().parent.parent / "specs"


class BadSpec(ValueError):
    """A spec that does not exist or does not load."""


def _load(path: Path) -> Any:
    name = f"fsmodel_spec_{path.stem}"
    loader = importlib.util.spec_from_file_location(name, path)
    if loader is None or loader.loader is None:
        raise BadSpec(f"cannot load spec file {path}")
    module: ModuleType = importlib.util.module_from_spec(loader)
    try:
        loader.loader.exec_module(module)
    except Exception as e:  # a user's file: report it in one line, whatever it raised
        raise BadSpec(f"spec file {path} does not load: {type(e).__name__}: {e}") from None
    spec = getattr(module, "SPEC", None)
    if spec is None or not hasattr(spec, "build") or not hasattr(spec, "id"):
        raise BadSpec(f"spec file {path} defines no SPEC with an id and a build(config)")
    return spec


def spec_file(stem: str) -> Any:
    """A shipped spec by file name (``pg_panic``), for specs that build on another."""
    return _load(SPECS_DIR / f"{stem}.py")


def shipped() -> dict[str, Any]:
    """Every spec in specs/, by id, in file-name order."""
    out = {}
    for path in sorted(SPECS_DIR.glob("*.py")):
        spec = _load(path)
        out[spec.id] = spec
    return out


def find(name: str) -> Any:
    """A shipped spec by id, or a spec file by path."""
    if name.endswith(".py"):
        path = Path(name)
        if not path.is_file():
            raise BadSpec(f"no spec file {name}")
        return _load(path)
    specs = shipped()
    if name not in specs:
        raise BadSpec(f"unknown spec '{name}' (choose from {', '.join(specs)}, or a .py file)")
    return specs[name]
