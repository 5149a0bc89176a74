"""A matrix: many cells (spec by policy), run in a pool of worker processes, each telling
its caller how far it is.  ``validate`` runs its baseline and patch cells through it too."""
from __future__ import annotations

import multiprocessing
import os
import queue
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from ..engines.result import Progress
from . import registry
from .cells import Cell, cell_opts, check_request, run_cell, split_column


Job = tuple[str, str]                          # (spec, policy): one cell of a matrix
_LIVE: Any = None                              # in a worker: the queue it reports to


class Watch:
    """What a matrix tells its caller while it runs (the command line prints it): each cell
    as it finishes, and about once a second the cells running with how far each is
    (``None`` until its first report)."""

    def done(self, job: Job, cell: dict[str, Any], running: dict[Job, Progress | None]) -> None:
        """A cell has finished."""

    def tick(self, running: dict[Job, Progress | None]) -> None:
        """A second has passed."""


def threads_per_cell(threads: int, jobs: int) -> int:
    """Threads per cell when ``jobs`` cells run at once: as asked, else the cores shared."""
    return threads or max(1, (os.cpu_count() or 1) // jobs)


def run_matrix(specs: list[str], policies: list[str], opts: dict[str, Any], jobs: int,
               watch: Watch = Watch()) -> tuple[dict[Job, Cell], float]:
    """Every cell, ``jobs`` at a time, by (spec id, column), and the time.  A spec is an id
    or a spec file; a column is a policy, or a Linux policy and a file system
    (``linux-5.8/btrfs``); a bound, behaviour or option applies to the specs whose family
    has it (one of them at least must)."""
    entries = {s: registry.find(s) for s in specs}
    check_request(entries.values(), opts)
    start = time.monotonic()
    tasks = {(e.id, p): (s, split_column(p)[0], cell_opts(opts, p))
             for s, e in entries.items() for p in policies}
    return run_all(tasks, jobs, watch), time.monotonic() - start


def run_all(tasks: dict[Any, tuple[Any, str, dict[str, Any]]], jobs: int,
            watch: Watch = Watch()) -> dict[Any, Cell]:
    """Run each task's cell in a pool of ``jobs`` processes; the cells in the tasks' order.
    On an interrupt or a cell's error no worker is left running."""
    live = multiprocessing.get_context().Queue()
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker, initargs=(live,))
    cells: dict[Any, dict[str, Any]] = {}
    running: dict[Any, Progress | None] = {}
    try:
        futures = {pool.submit(_task, key, *task): key for key, task in tasks.items()}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            _drain(live, running, cells)
            for f in finished:           # as they finish, not in grid order
                key = futures[f]
                cells[key] = f.result()
                running.pop(key, None)
                watch.done(key, cells[key], running)
            watch.tick(running)
    except BaseException:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()          # the executor has no public handle on its workers
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return {key: cells[key] for key in tasks}


def _worker(live: Any) -> None:
    global _LIVE
    _LIVE = live


def _task(key: Any, spec: Any, os_id: str, opts: dict[str, Any]) -> dict[str, Any]:
    """One cell in a worker, telling the parent it started and how far it is."""
    _LIVE.put((key, None))
    return run_cell(spec, os_id, opts, None, lambda p: _LIVE.put((key, p)), strict=False)


def _drain(live: Any, running: dict[Any, Progress | None], cells: dict[Any, Any]) -> None:
    """The workers' reports so far, into ``running`` (a finished cell's late ones dropped)."""
    while True:
        try:
            key, p = live.get_nowait()
        except queue.Empty:
            return
        if key not in cells:
            running[key] = p


