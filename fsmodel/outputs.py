"""Writing results safely: every path checked before the work starts, every file written under
a temporary name and renamed into place, and an output folder replaced as a whole.

A reader never sees a half-written file, a run killed midway leaves the previous results as
they were, and two runs into one folder cannot mix: the second is refused while the first
holds the folder's lock.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator


class BadOutput(ValueError):
    """An output path that cannot be written: reported in one line, exit 2."""


def _why(e: OSError) -> str:
    return e.strerror or str(e)


def check_file(name: str) -> Path:
    """A file a command will write: its folder is created if needed and must be writable; it
    must not be a folder.  A special file (/dev/stdout) is written in place."""
    path = Path(name)
    try:
        if any(len(part.encode()) > 255 for part in path.parts):
            raise OSError(36, "File name too long")
        if path.is_dir():
            raise BadOutput(f"cannot write {name}: it is a directory")
        if path.exists() and not path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name[:40]}."):
            pass
    except OSError as e:
        raise BadOutput(f"cannot write {name}: {_why(e)}") from None
    return path


def write_file(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` under a temporary name, then rename it into place."""
    raw = data.encode() if isinstance(data, str) else data
    try:
        if path.exists() and not path.is_file():     # /dev/stdout, a FIFO: in place
            with open(path, "wb") as f:
                f.write(raw)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise BadOutput(f"cannot write {path}: {_why(e)}") from None


def check_dir(name: str) -> Path:
    """A folder a command will fill: creatable and writable, not a file."""
    path = Path(name)
    try:
        if any(len(part.encode()) > 255 for part in path.parts):
            raise OSError(36, "File name too long")
        if path.exists() and not path.is_dir():
            raise BadOutput(f"cannot write into {name}: it is not a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryDirectory(dir=path.parent, prefix=f".{path.name[:40]}.").cleanup()
    except OSError as e:
        raise BadOutput(f"cannot write into {name}: {_why(e)}") from None
    return path


@contextmanager
def replacing(name: str) -> Iterator[Path]:
    """A fresh folder to fill, which replaces ``name`` as a whole when the block ends well
    (left as it was otherwise).  A second run into ``name`` meanwhile is refused: the lock
    is a hidden file beside it, ``.NAME.lock``."""
    path = check_dir(name)
    lock_path = path.parent / f".{path.name}.lock"
    try:
        lock = open(lock_path, "w")
    except OSError as e:
        raise BadOutput(f"cannot write into {name}: {_why(e)}") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BadOutput(f"another fsmodel run is writing {name}") from None
        fresh = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.new."))
        try:
            yield fresh
            _swap(fresh, path)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)


@contextmanager
def replacing_all(names: list[str | None]) -> Iterator[list[Path | None]]:
    """``replacing`` for several folders at once (None: not asked for), a folder inside
    another one filled inside that one's fresh copy: the fresh folder of each, in order."""
    wanted = [None if n is None else Path(n).resolve() for n in names]
    roots = [w for w in wanted if w is not None
             and not any(o != w and o in w.parents for o in wanted if o is not None)]
    with ExitStack() as stack:
        fresh = {r: stack.enter_context(replacing(str(r))) for r in dict.fromkeys(roots)}
        out: list[Path | None] = []
        for w in wanted:
            root = None if w is None else next(r for r in fresh if r == w or r in w.parents)
            out.append(None if w is None else fresh[root] / w.relative_to(root))
        yield out


def _swap(fresh: Path, path: Path) -> None:
    """``fresh`` becomes ``path``; the old contents go only once the new are in place."""
    try:
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
            os.replace(path, old / "previous")
            os.replace(fresh, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(fresh, path)
    except OSError as e:
        raise BadOutput(f"cannot write into {path}: {_why(e)}") from None
