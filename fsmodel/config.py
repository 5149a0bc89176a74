"""What one check is run with: policy, file system, bounds, environment behaviours."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .lang.expr import Bound
from .kernel.policy import (FILESYSTEMS, FileSystem, Policy, check_kernel_patch, effective,
                            lookup_fs, lookup_policy)

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
        check_kernel_patch(kernel)
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


def check_bounds(bounds: dict, what: str = "bound") -> None:
    """Known names, integer values in range (a spec's own bounds as much as the user's)."""
    for k, v in bounds.items():
        if k not in BOUNDS:
            raise BadConfig(f"unknown {what} '{k}' (choose from {', '.join(BOUNDS)})")
        lo, hi = BOUNDS[k][1], BOUNDS[k][2]
        if type(v) is not int or not lo <= v <= hi:
            raise BadConfig(f"{what} --{k} {v!r} is out of range ({lo} to {hi})")


def check_options(owner: str, options: dict) -> None:
    """A patch's scenario: fs a file system, fpw a bool, disable behaviours that exist."""
    if not isinstance(options, dict) or not set(options) <= {"fs", "fpw", "disable"}:
        raise BadConfig(f"{owner}: options = {options!r}: takes a dict of fs, fpw, disable")
    if "fs" in options and options["fs"] not in FILESYSTEMS:
        raise BadConfig(f"{owner}: options fs = {options['fs']!r}: takes one of "
                        f"{', '.join(FILESYSTEMS)}")
    if "fpw" in options and type(options["fpw"]) is not bool:
        raise BadConfig(f"{owner}: options fpw = {options['fpw']!r}: takes True or False")
    bad = [d for d in options.get("disable", ()) if d not in ENVIRONMENT]
    if bad or not isinstance(options.get("disable", ()), (tuple, list)):
        raise BadConfig(f"{owner}: options disable = {options.get('disable')!r}: takes a "
                        f"tuple of {', '.join(ENVIRONMENT)}")


def default_bounds(own: dict[str, int] | None = None) -> dict[str, int]:
    """Every bound at its default, under a spec's ``own`` defaults."""
    return {k: v[0] for k, v in BOUNDS.items()} | (own or {})


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
    check_bounds(defaults or {}, "the spec's bound")
    check_bounds(bounds or {}, "bound")
    merged = default_bounds(defaults) | (bounds or {})
    return Config(policy, filesystem, merged, frozenset(ENVIRONMENT) - set(disable), fpw, reduce)
