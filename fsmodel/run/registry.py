"""Finding specs: the shipped ones by id, or any spec file by path.

Shipped specs live in ``specs/<family>/``, one protocol per file, and the patches (proposed
changes, checked by ``fsmodel validate``) in ``specs/<family>/patches/``; a new family's
folder is found as it is."""
from __future__ import annotations

import importlib.util
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

from ..families.base import family_of
from ..shipped import folder

SPECS_DIR = folder("specs", "specs")


IMPORT_SECONDS = 30    # a spec file that takes longer to import is taken to hang


class BadSpec(ValueError):
    """A spec that does not exist or does not load."""


class _TooSlow(Exception):
    pass


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """SIGALRM after ``seconds`` (in the main thread; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _TooSlow()
    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _load(path: Path) -> Any:
    """The SPEC a file defines (or the first of its SPECS)."""
    return _load_all(path)[0]


def _load_all(path: Path) -> list[Any]:
    """Every spec a file defines: SPEC, or a list SPECS (variants made in a loop)."""
    specs = _specs_in(path)
    if not specs:
        raise BadSpec(f"spec file {path} defines no SPEC (or SPECS) with an id and a "
                      "build(config)")
    return specs


def _specs_in(path: Path) -> list[Any]:
    """The specs a file defines, none if it defines none (a family's module beside them)."""
    name = f"fsmodel_spec_{path.parent.name}_{path.stem}"
    loader = importlib.util.spec_from_file_location(name, path)
    if loader is None or loader.loader is None:
        raise BadSpec(f"cannot load spec file {path}")
    module: ModuleType = importlib.util.module_from_spec(loader)
    sys.modules[name] = module      # as an import would: its dataclasses and pickling need it
    try:
        with _deadline(IMPORT_SECONDS):
            loader.loader.exec_module(module)
    except _TooSlow:
        raise BadSpec(f"spec file {path} does not load within {IMPORT_SECONDS} s") from None
    except (Exception, SystemExit) as e:  # a user's file: one line, whatever it raised
        raise BadSpec(f"spec file {path} does not load: {type(e).__name__}: {e}") from None
    specs = getattr(module, "SPECS", None) or [getattr(module, "SPEC", None)]
    return specs if all(hasattr(s, "build") and hasattr(s, "id") for s in specs) else []


def load_file(name: str) -> list[Any]:
    """Every spec a user's file defines."""
    path = Path(name)
    if not path.is_file():
        raise BadSpec(f"no spec file {name}")
    return _load_all(path)


def spec_file(stem: str) -> Any:
    """A shipped spec by file name (``pg_panic``), for specs that build on another."""
    found = sorted(SPECS_DIR.glob(f"*/{stem}.py"))
    if not found:
        raise BadSpec(f"no shipped spec file {stem}.py in {SPECS_DIR}/<family>/")
    return _load(found[0])


def _by_id(paths: list[Path]) -> dict[str, Any]:
    return {s.id: s for path in paths for s in _load_all(path)}


def shipped() -> dict[str, Any]:
    """Every protocol in specs/<family>/, by id, in folder and file-name order."""
    return _by_id(sorted(SPECS_DIR.glob("*/*.py")))


def patches() -> dict[str, Any]:
    """Every patch in specs/<family>/patches/ (the seed documents' proposals), by id."""
    return _by_id(sorted(SPECS_DIR.glob("*/patches/*.py")))


def all_ids() -> list[str]:
    """Every shipped spec and patch, by id (what matrix checks by default)."""
    return list(shipped()) + list(patches())


def of_family(name: str) -> list[Any]:
    """The shipped specs (then patches) of a family, or of every family in a group."""
    found = [e for e in (shipped() | patches()).values()
             if name in (family_of(e).name, family_of(e).group)]
    if not found:
        names = sorted({n for e in (shipped() | patches()).values()
                        for n in (family_of(e).name, family_of(e).group) if n})
        raise BadSpec(f"unknown family '{name}' (choose from {', '.join(names)})")
    return found


def find(name: str, beside: Path | None = None) -> Any:
    """A shipped spec or patch by id, or a spec file by path (its first spec); ``beside``: a
    folder whose spec files are searched too (a patch's baseline next to it)."""
    if name.endswith(".py"):
        return load_file(name)[0]
    specs = shipped() | patches()
    if name not in specs and beside is not None:
        specs |= {s.id: s for path in sorted(beside.glob("*.py")) for s in _specs_in(path)}
    if name not in specs:
        raise BadSpec(f"unknown spec '{name}' (choose from {', '.join(specs)}, or a .py file)")
    return specs[name]
