"""Verdicts: holds, violated, unknown, and how a cell's properties combine into one."""
from __future__ import annotations

from typing import Iterable


def overall(verdicts: Iterable[str]) -> str:
    """violated if any property is, else unknown if any is, else holds."""
    vs = set(verdicts)
    return "violated" if "violated" in vs else "unknown" if "unknown" in vs else "holds"
