"""Mutation testing (`make mutants`): each mutant is one meaningful fault in the kernel model,
a policy, errseq_t, the PostgreSQL model, a property, an engine or a renderer.  Each is
applied to a copy of the tree and the fast tests (`make test`'s) are run against it, stopping
at the first failure (the test that the list itself applies is left out: it fails on any
mutated tree); a mutant is killed when a test fails, and survives when every test
passes.  A mutant whose run exceeds the time limit is counted as killed (the mutation made a
search run away: a test would hang), and reported as such.

    python tests/mutants.py [--jobs N] [--only ID,...] [--timeout S]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    id: str
    path: str          # relative to the repository
    old: str           # must occur exactly once in the file
    new: str
    what: str          # the fault, as a reader of the model would put it


MUTANTS = [
    # -- the kernel model --------------------------------------------------------------
    Mutant("K1", "fsmodel/kernel/errors.py",
           "            u[self.err[f]] = errseq.set_error(self.err[f], self.wrap)\n",
           "            u[self.err[f]] = self.err[f]\n",
           "a failed write-back records no error in the file's errseq_t"),
    Mutant("K2", "fsmodel/kernel/errors.py",
           "            u[value] = errseq.mark_seen(value)\n            u.store(cursors, s, value)\n",
           "            u[value] = errseq.mark_seen(value)\n",
           "fsync reports an error without advancing the description's cursor"),
    Mutant("K3", "fsmodel/kernel/pagecache.py",
           "        u[self.inode[f]] = False\n        u[self.err[f]] = 0\n        for p in range(self.P):",
           "        u[self.inode[f]] = False\n        for p in range(self.P):",
           "an evicted inode keeps its error (the eviction hole of #71 closed)"),
    Mutant("K4", "fsmodel/kernel/pagecache.py",
           "out = self.inode[f] & ~self.referenced(f) & ~self.dirty(f)",
           "out = self.inode[f] & ~self.dirty(f)",
           "an inode with open descriptions can be evicted"),
    Mutant("K5", "fsmodel/kernel/environment.py",
           "                u[self.page[f][p]] = ABSENT\n                u[self.cache[f][p]] = 0\n"
           "            u[self.inode[f]] = False\n",
           "                pass\n            u[self.inode[f]] = False\n",
           "an OS crash keeps the page cache"),
    Mutant("K6", "fsmodel/kernel/pagecache.py",
           "        if fate == KEEP:                 # ext4: clean, content kept until evicted "
           "(#1, ATC20)\n            u[self.page[f][p]] = CLEAN\n",
           "        if fate == KEEP:                 # ext4: clean, content kept until evicted "
           "(#1, ATC20)\n            u[self.page[f][p]] = DIRTY\n",
           "ext4 keeps a failed page dirty (as PostgreSQL assumed)"),
    Mutant("K7", "fsmodel/kernel/pagecache.py",
           "        with u.when(ok):\n            u[self.disk[f][p]] = self.cache[f][p]\n",
           "        with u.when(ok):\n            u[self.disk[f][p]] = self.disk[f][p]\n",
           "a successful write-back does not reach the disk"),
    Mutant("K8", "fsmodel/kernel/journal.py",
           "            with u.when(w & ~ok):\n                u[k.jstate[f][p]] = FAILED\n",
           "            with u.when(w & ~ok):\n                self.forget_page(u, f, p)\n",
           "data=journal: a failed in-place write drops the journal's copy (a power loss "
           "would not replay it)"),
    Mutant("K9", "fsmodel/kernel/namespace.py",
           "        if self.pol.fsync_names:\n            self.commit_metadata(u)\n",
           "        if self.pol.fsync_names:\n            pass\n",
           "a file's fsync on Linux leaves a new name undurable"),
    Mutant("K10", "fsmodel/kernel/namespace.py",
           "        for n in range(len(self.names)):\n            u[self.dentry[n]] = "
           "self.dentry_disk[n]\n",
           "        for n in range(len(self.names)):\n            pass\n",
           "a power loss keeps the names of the directory as they were in memory"),
    # -- errseq_t ------------------------------------------------------------------------
    Mutant("E1", "fsmodel/kernel/errseq.py",
           "return ite(is_seen(v), ((counter(v) + 1) % wrap) * CTR_INC + 1, "
           "counter(v) * CTR_INC + 1)",
           "return counter(v) * CTR_INC + 1",
           "errseq_set never bumps the counter once the error was seen"),
    Mutant("E2", "fsmodel/kernel/errseq.py",
           "return ite(is_seen(v), v, 0)", "return lift(v)",
           "errseq_sample returns an unseen error (as if b4678df184b3 were reverted wrongly)"),
    Mutant("E3", "fsmodel/kernel/errseq.py",
           "return ite((v == 0) | is_seen(v), v, v + SEEN)", "return v",
           "reporting an error does not mark it SEEN"),
    # -- the policies ----------------------------------------------------------------------
    Mutant("P1", "fsmodel/kernel/policy.py",
           "record=SYNC_ONLY, bg_fates=(REDIRTY,), sync_fates=(REDIRTY,), gone_drops=True)",
           "record=SYNC_ONLY, bg_fates=(KEEP,), sync_fates=(KEEP,), gone_drops=True)",
           "FreeBSD marks a failed buffer clean, as ext4 does"),
    Mutant("P2", "fsmodel/kernel/policy.py",
           "           sample=(UNSEEN_ZERO,), **_LINUX_COMMON,\n",
           "           sample=(MARK_SEEN,), **_LINUX_COMMON,\n",
           "Linux 4.16 samples an unseen error as seen (4.13's rule)"),
    Mutant("P3", "fsmodel/kernel/policy.py",
           "           record=UNTIL_CLOSE, bg_fates=(KEEP, INVALIDATE, REDIRTY),",
           "           record=FLAG, bg_fates=(KEEP, INVALIDATE, REDIRTY),",
           "OpenBSD's error is cleared by the first fsync, not by the last close"),
    # -- the PostgreSQL model --------------------------------------------------------------
    Mutant("G1", "fsmodel/families/postgres/checkpointer.py",
           "            if self.proto.on_fsync_error == PANIC:",
           "            if False:",
           "a failed fsync under the PANIC fix only abandons the checkpoint"),
    Mutant("G2", "fsmodel/families/postgres/checkpointer.py",
           "u.require(can_run, self.phase == SYNC, ~Or(self.pending[f] for f in range(self.F)))",
           "u.require(can_run, self.phase == SYNC)",
           "a checkpoint completes with fsync requests still pending"),
    Mutant("G3", "fsmodel/families/postgres/checkpointer.py",
           "            u[self.ckpt[f][p]] = self.redo[f][p]\n",
           "            u[self.ckpt[f][p]] = 0\n",
           "the checkpoint record never moves the recovery start"),
    Mutant("G4", "fsmodel/families/postgres/recovery.py",
           "need = ite(in_wal, 0 if fpw else self.ckpt[f][p], self.ver[f][p])",
           "need = ite(in_wal, 0, self.ver[f][p])",
           "with full_page_writes=off replay restores a page it skipped (BLK_DONE)"),
    Mutant("G5", "fsmodel/families/postgres/checkpointer.py",
           "                if self.proto.on_fsync_error == FORGET:",
           "                if False:",
           "pg-2018 keeps the pending requests after a failed fsync"),
    Mutant("G6", "fsmodel/families/postgres/requests/shared_queue.py",
           "                u[m.pending[f]] = m.pending[f] | self.queued[f]\n",
           "                u[m.pending[f]] = m.pending[f]\n",
           "the checkpointer drops the requests it absorbs"),
    # -- the properties ----------------------------------------------------------------------
    Mutant("Q1", "fsmodel/families/postgres/properties.py",
           "sound = And(k.durable(f, p) >= self.ckpt[f][p] for f, p in pages)",
           "sound = And(k.durable(f, p) + 1 >= self.ckpt[f][p] for f, p in pages)",
           "checkpoint-soundness tolerates a page one version behind"),
    Mutant("Q2", "fsmodel/families/postgres/recovery.py",
           "u[self.lost] = self.lost | behind", "u[self.lost] = self.lost",
           "durability never sees a lost change"),
    # -- the engines ---------------------------------------------------------------------------
    Mutant("N1", "fsmodel/engines/native/cgen.py",
           '"ite": lambda e, c, a, b: f"({c} ? {a} : {b})"',
           '"ite": lambda e, c, a, b: f"({c} ? {b} : {a})"',
           "the C compiler swaps the branches of if-then-else"),
    Mutant("N2", "fsmodel/engines/native/runtime.c",
           "      limit = fsm_limit(run, start);\n", "",
           "the native search ignores --max-states, --max-seconds and --max-memory"),
    Mutant("N3", "fsmodel/engines/native/runtime.c",
           "    if (!run->next.n) run->nlevels--;          /* the last level found nothing new */\n",
           "",
           "the native search counts an empty last level in its depth"),
    Mutant("N4", "fsmodel/engines/pybfs.py",
           "                    if canon is not None:\n                        t = canon(t)\n", "",
           "the Python engine skips the symmetry reduction it reports"),
    Mutant("N5", "fsmodel/engines/pycompile.py",
           '"ite": lambda e, c, a, b: f"({a} if {c} else {b})"',
           '"ite": lambda e, c, a, b: f"({b} if {c} else {a})"',
           "the Python compiler swaps the branches of if-then-else"),
    Mutant("N6", "fsmodel/engines/smt.py",
           '"<": lambda a, b: a < b,', '"<": lambda a, b: a <= b,',
           "the z3 encoding reads < as <="),
    Mutant("N7", "fsmodel/engines/analysis.py",
           "return max(hi.bit_length(), (-lo - 1).bit_length()) + 1",
           "return max(hi.bit_length(), (-lo - 1).bit_length())",
           "the value analysis proves one bit too few (signed values wrap)"),
    Mutant("N8", "fsmodel/engines/promela.py",
           '_INFIX = {op: op for op in ("+", "-", "*", "%", "<", "<=", ">", ">=")} | {',
           '_INFIX = {op: op for op in ("+", "-", "*", "%", "<=", ">", ">=")} | {"<": "<=",',
           "the Promela export writes < as <="),
    # -- traces and renderers -----------------------------------------------------------------
    Mutant("R1", "fsmodel/render/lanes.py",
           "    if rows:\n        rows[-1].violation = True\n", "",
           "the diagram does not mark the step that breaks the property"),
    Mutant("R2", "fsmodel/render/lanes.py",
           'parts = ["EIO" if v % seen else "no error",',
           'parts = ["EIO" if v // seen else "no error",',
           "errseq values decoded with the wrong bit for the error"),
]


def check_applies(m: Mutant, root: Path = ROOT) -> str:
    """The mutated file's text; the mutant must match exactly one place and, in Python,
    still compile (a syntax error would be a kill that says nothing)."""
    text = (root / m.path).read_text()
    n = text.count(m.old)
    if n != 1:
        raise SystemExit(f"mutants: {m.id} matches {n} places in {m.path}: update the list")
    mutated = text.replace(m.old, m.new)
    if m.path.endswith(".py"):
        try:
            compile(mutated, m.path, "exec")
        except SyntaxError as e:
            raise SystemExit(f"mutants: {m.id} does not compile: {e}") from None
    return mutated


def _copy_tree(dest: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def run(m: Mutant, timeout: float, cache: Path) -> tuple[str, str, float]:
    """(outcome, the first failing test or why, seconds) for one mutant."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"fsmodel-mutant-{m.id}-") as tmp:
        tree = Path(tmp)
        _copy_tree(tree)
        (tree / m.path).write_text(check_applies(m))
        env = os.environ | {"PYTHONPATH": str(tree), "FSMODEL_CACHE": str(cache)}
        cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-m", "not crosscheck",
               "-p", "no:cacheprovider", "--ignore=tests/test_mutants_list.py", "tests"]
        try:
            out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True,
                                 timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", f"no verdict in {timeout:.0f} s", time.monotonic() - start
    seconds = time.monotonic() - start
    if out.returncode == 0:
        return "survived", "every fast test passes", seconds
    failed = re.search(r"^(?:FAILED|ERROR) (\S+)", out.stdout, re.M)
    return "killed", failed.group(1) if failed else out.stdout.strip().splitlines()[-1], seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--only", default="", help="comma-separated mutant ids")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per mutant")
    args = ap.parse_args(argv)
    ids = {m.id for m in MUTANTS}
    only = [x for x in args.only.split(",") if x]
    if bad := [x for x in only if x not in ids]:
        print(f"mutants: unknown mutant {bad[0]} (choose from {', '.join(sorted(ids))})",
              file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not only or m.id in only]
    for m in chosen:
        check_applies(m)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fsmodel-mutants-cache-") as cache, \
            ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(m, pool.submit(run, m, args.timeout, Path(cache))) for m in chosen]
        results = []
        for m, f in futures:
            outcome, why, secs = f.result()
            results.append((m, outcome))
            print(f"{m.id:<3} {outcome:<8} {secs:6.0f} s  {m.what}: {why}", flush=True)
    killed = sum(o in ("killed", "timeout") for _, o in results)
    print(f"mutants: {killed} of {len(results)} killed ({100 * killed / len(results):.0f}%), "
          f"{time.monotonic() - start:.0f} s; survivors: "
          + (", ".join(m.id for m, o in results if o == "survived") or "none"))
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
