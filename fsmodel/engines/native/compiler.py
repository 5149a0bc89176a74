"""Build the generated C with the system compiler and load it with cffi (ABI mode).

Libraries are cached by the hash of their source, the runtime, the flags and the compiler's
version, under ``$FSMODEL_CACHE`` (default ``~/.cache/fsmodel``): a spec checked twice is
compiled once.  A library is written under a temporary name and renamed into place, so two
checks compiling the same spec at once never load a half-written file.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import cffi

HERE = Path(__file__).resolve().parent
FLAGS = ("-O1", "-shared", "-fPIC", "-pthread", "-fno-strict-aliasing")

CDEF = """
typedef struct {
  int64_t max_states; double max_seconds; int64_t max_bytes;
  int threads; int symmetry;
  void (*report)(int64_t, int64_t, int64_t, int, double);
} fsm_opts;
typedef struct {
  int64_t generated, distinct, queue;
  int depth, complete, limit, threads;
  double seconds;
  int64_t bytes, peak_bytes;
  int found_depth[64];
  int64_t found_index[64];
  int error, err_action, err_slot, err_value;
  int nw, bits;
} fsm_result;
void *fsm_search(const fsm_opts *o, fsm_result *r);
int fsm_path(void *handle, int p, int32_t *actions);
void fsm_release(void *handle);
int fsm_successors_of(const int32_t *S, int symmetry, int32_t *states, int32_t *acts, int max);
int fsm_canon_of(int32_t *S);
int fsm_layout(int *nw);
"""

ffi = cffi.FFI()
ffi.cdef(CDEF)


class NoCompiler(RuntimeError):
    """No C compiler on this machine: the caller falls back to the Python engine."""


class CompileError(RuntimeError):
    """The compiler rejected generated code: a bug in the generator, never the user's."""


@dataclass
class Library:
    lib: Any
    path: Path
    seconds: float        # compiling (0 when the cached library was used)
    cached: bool


def compiler() -> str:
    cc = os.environ.get("CC", "cc")
    path = shutil.which(cc) or shutil.which("gcc")
    if path is None:
        raise NoCompiler(f"no C compiler ({cc}) on PATH")
    return path


@lru_cache(maxsize=None)
def _version(cc: str) -> str:
    out = subprocess.run([cc, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.splitlines()[0] if out.stdout else cc


def cache_dir() -> Path:
    root = os.environ.get("FSMODEL_CACHE") or Path.home() / ".cache" / "fsmodel"
    return Path(root) / "native"


def build(source: str) -> Library:
    """The loaded library for ``source``, compiled unless an identical one is cached."""
    cc = compiler()
    runtime = (HERE / "runtime.h").read_bytes() + (HERE / "runtime.c").read_bytes()
    key = hashlib.sha256(source.encode() + runtime + " ".join(FLAGS).encode()
                         + _version(cc).encode()).hexdigest()[:24]
    target = cache_dir() / f"fsm-{key}.so"
    start, cached = time.monotonic(), target.exists()
    if not cached:
        _compile(cc, source, target)
    return Library(ffi.dlopen(str(target)), target, 0.0 if cached else time.monotonic() - start,
                   cached)


def _compile(cc: str, source: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        src, out = Path(tmp) / "model.c", Path(tmp) / "model.so"
        src.write_text(source)
        run = subprocess.run([cc, *FLAGS, "-I", str(HERE), str(src), "-o", str(out)],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise CompileError(f"{cc} failed on the generated code: "
                               f"{(run.stderr or run.stdout).strip()[:2000]}")
        os.replace(out, target)
