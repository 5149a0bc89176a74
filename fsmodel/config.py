"""What one check is run with: policy, file system, bounds, environment behaviours."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

from .lang.expr import Bound
from .kernel.policy import FileSystem, Policy, effective, lookup_fs, lookup_policy

ENVIRONMENT = {
    "eviction": "memory pressure evicts clean pages and unreferenced inodes",
    "third-party": "another process opens the data files, fsyncs them and closes them",
    "os-crash": "power loss or OS crash: page cache, descriptions and error state are lost",
    "pg-crash": "PostgreSQL is killed (besides PANIC): kernel state survives",
    "faults": "the device fails writes to a file: transient, persistent, or gone (ENODEV)",
}

# name: (default, lowest, highest, meaning).  The defaults admit every interleaving class: two
# of each thing that interacts (files, backends, faults, crashes), so that no default hides a
# trace that needs a second one (a descriptor passed for another file, a second fault while
# the first is pending, a crash during recovery).
BOUNDS = {
    "files": (2, 1, 3, "data files (segments)"),
    "pages": (1, 1, 3, "pages per file"),
    "backends": (2, 1, 3, "backends that write buffers"),
    "writes": (2, 1, 6, "changes committed in all"),
    "checkpoints": (2, 1, 6, "checkpoints started, end-of-recovery ones included"),
    "crashes": (2, 0, 3, "crashes (PostgreSQL or OS) besides PANIC"),
    "faults": (2, 0, 3, "device faults that start"),
    "queue": (1, 1, 3, "fsync request queue / descriptor socket capacity"),
    "errseq-wrap": (4, 2, 8, "errseq_t counter modulus (the kernel's wraps at 2^20)"),
}


class BadConfig(ValueError):
    """A user asked for a bound, behaviour or option that does not exist."""


@dataclass(frozen=True)
class Config:
    policy: Policy
    fs: FileSystem
    bounds: dict[str, int]
    environment: frozenset[str]
    fpw: bool = True
    # Model-level reductions that keep every verdict and shortest length (tests check it):
    # no persistent fault kind, no dead redo pointer.  Off: the model as first written.
    reduce: bool = True

    @property
    def kernel_policy(self) -> Policy:
        return effective(self.policy, self.fs)

    def patched(self, kernel: dict) -> "Config":
        """This configuration with a kernel-side patch: policy fields set to new values."""
        if not kernel:
            return self
        unknown = set(kernel) - {f.name for f in fields(Policy)}
        if unknown:
            raise BadConfig(f"unknown kernel policy field(s) {', '.join(sorted(unknown))}")
        return replace(self, policy=replace(self.policy, **kernel))

    def bound(self, name: str) -> int:
        return self.bounds[name]

    def limit(self, name: str) -> Bound:
        """The bound in a guard (``writes < limit``): a proof for every value leaves it free."""
        return Bound(self.bounds[name], name)

    def on(self, behaviour: str) -> bool:
        return behaviour in self.environment

    def describe(self) -> dict:
        return {"os": self.policy.id, "fs": self.fs.id, "bounds": dict(self.bounds),
                "disabled": sorted(set(ENVIRONMENT) - self.environment),
                "full_page_writes": self.fpw}


def make_config(os: str, fs: str = "ext4", disable: list[str] | None = None,
                fpw: bool = True, bounds: dict[str, int] | None = None,
                defaults: dict[str, int] | None = None, reduce: bool = True) -> Config:
    """Validate user choices; ``defaults`` are the spec's own bounds, ``bounds`` the user's."""
    policy = lookup_policy(os)
    filesystem = lookup_fs(fs, policy)
    disable = disable or []
    for d in disable:
        if d not in ENVIRONMENT:
            raise BadConfig(f"unknown environment behaviour '{d}' "
                            f"(choose from {', '.join(ENVIRONMENT)})")
    merged = {k: v[0] for k, v in BOUNDS.items()} | (defaults or {})
    for k, v in (bounds or {}).items():
        if k not in BOUNDS:
            raise BadConfig(f"unknown bound '{k}' (choose from {', '.join(BOUNDS)})")
        lo, hi = BOUNDS[k][1], BOUNDS[k][2]
        if not lo <= v <= hi:
            raise BadConfig(f"bound --{k} {v} is out of range ({lo} to {hi})")
        merged[k] = v
    return Config(policy, filesystem, merged, frozenset(ENVIRONMENT) - set(disable), fpw, reduce)
