"""Fewer states, same answers: every reduction (pages, files, backends and description slots
interchangeable; a persistent fault is a transient one that never heals; the redo pointer
of a finished checkpoint is dead) keeps every verdict and every shortest length, on every
cell, against the unreduced model explored by the Python engine (a storage engine on one
policy per error mechanism: unreduced, etcd on adversarial is 345 M states even at these
small bounds)."""
from concurrent.futures import ProcessPoolExecutor

import pytest

from fsmodel.run import registry
from fsmodel.engines import native, pybfs
from fsmodel.kernel.policy import POLICIES

from helpers import ENGINE_POLICIES, build, is_engine, small

# Two files, so that files are interchangeable; one of everything else keeps the unreduced
# model small enough for the Python engine on all 220 cells.
SMALL = {"files": 2, "pages": 1, "backends": 1, "writes": 1, "checkpoints": 1, "crashes": 1,
         "faults": 1, "queue": 1}


def lengths(res):
    return {p: (res.traces[p].length if p in res.traces else None) for p in res.verdicts}


def scenario(spec_id, os, **bounds):
    """A spec or patch in its own scenario (file system, full_page_writes, behaviours)."""
    entry = registry.find(spec_id)
    o = getattr(entry, "options", {})
    fs = o.get("fs", "ext4") if POLICIES[os].linux else "ext4"
    return dict(fs=fs, fpw=o.get("fpw"), disable=list(o.get("disable", ())),
                **bounds | {k.replace("-", "_"): v for k, v in entry.bounds.items()
                            if k not in bounds})


def both(cell):
    """(unreduced lengths, reduced lengths, unreduced states, reduced states) of one cell."""
    spec_id, os = cell
    kw = scenario(spec_id, os, **small(spec_id, SMALL))
    full = pybfs.check(build(spec_id, os, reduce=False, **kw), progress=None, symmetry=False)
    reduced = pybfs.check(build(spec_id, os, **kw), progress=None)
    assert full.complete or len(full.traces) == len(full.verdicts)
    return lengths(full), lengths(reduced), full.distinct, reduced.distinct


# The patches are variants of pg-panic: under four policies that differ in every kernel
# mechanism (flag, errseq with either sample rule, failed pages redirtied, until-close).
PATCH_POLICIES = ("linux-4.12", "linux-4.13", "linux-5.8", "freebsd", "openbsd")


@pytest.mark.crosscheck
def test_every_cell_keeps_its_verdicts_and_lengths():
    cells = [(s, p) for s in registry.shipped() for p in POLICIES
             if not is_engine(s) or p in ENGINE_POLICIES]
    cells += [(s, p) for s in registry.patches() for p in PATCH_POLICIES]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = dict(zip(cells, pool.map(both, cells)))
    wrong = {cell: r[:2] for cell, r in results.items() if r[0] != r[1]}
    assert not wrong
    full = sum(r[2] for r in results.values())
    assert sum(r[3] for r in results.values()) * 3 < full   # and the reductions reduce


@pytest.mark.parametrize("spec_id,os,files", [("pg-fdpass", "linux-4.13", 1),
                                              ("pg-fdpass-first", "openbsd", 1),
                                              ("pg-retry", "linux-4.16", 1),
                                              ("pg-2018", "netbsd", 2)])
def test_pages_and_backends_reduce_soundly(spec_id, os, files):
    """Two pages and two backends writing, where the page and backend symmetries work: the
    native engine reduced against itself unreduced (too many states for the Python engine;
    test_native checks that the two engines agree on the unreduced model)."""
    kw = scenario(spec_id, os, **SMALL | {"files": files, "pages": 2, "backends": 2,
                                          "writes": 2, "faults": 2 - files})
    full = native.check(build(spec_id, os, reduce=False, **kw), progress=None, symmetry=False)
    reduced = native.check(build(spec_id, os, **kw), progress=None)
    assert full.complete or len(full.traces) == len(full.verdicts)
    assert lengths(reduced) == lengths(full)
    assert reduced.distinct * 4 < full.distinct
