"""A proposed change to the toy protocol: fsync the directory after the rename, claimed to
keep every acknowledged record (``fsmodel validate tests/toylog/toylog_dirsync.py``)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from toylog import SPEC as BASE  # noqa: E402

SPEC = BASE.variant(
    id="toylog-dirsync",
    summary="fsync the directory after installing the manifest",
    baseline="toylog",
    dir_sync=True,
    expect={"holds": ("posix-strict",)},
)
