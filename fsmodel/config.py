"""What one check is run with: policy, file system, bounds, environment behaviours, options.

The kernel's bounds and behaviours are declared here; a family adds its own (its ``Family``,
fsmodel/families/base.py), and a configuration is validated against both.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from .families.base import Family, Range
from .lang.expr import Bound
from .kernel.policy import (FILESYSTEMS, FileSystem, Policy, check_kernel_patch, effective,
                            lookup_fs, lookup_policy)

# Behaviours of the kernel and the machine, each on by default (--disable).
ENVIRONMENT = {
    "eviction": "memory pressure evicts clean pages and unreferenced inodes",
    "third-party": "another process opens the data files, fsyncs them and closes them",
    "os-crash": "power loss or OS crash: page cache, descriptions and error state are lost",
    "faults": "the device fails writes to a file: transient, persistent, or gone (ENODEV)",
}

# The kernel's bounds.  The defaults admit every interleaving class: two of each thing that
# interacts (files, faults, crashes), so that no default hides a trace that needs a second one
# (a second fault while the first is pending, a crash during recovery).
BOUNDS = {
    "files": Range(2, 1, 3, "data files (inodes)"),
    "pages": Range(1, 1, 3, "pages per file"),
    "writes": Range(2, 1, 6, "changes written (committed) in all"),
    "crashes": Range(2, 0, 3, "crashes (of the application or the OS)"),
    "faults": Range(2, 0, 3, "device faults that start"),
    "errseq-wrap": Range(4, 2, 8, "errseq_t counter modulus (the kernel's wraps at 2^20)"),
}

NO_FAMILY = Family("kernel", "the kernel alone")


class BadConfig(ValueError):
    """A user asked for a bound, behaviour or option that does not exist."""


@dataclass(frozen=True)
class Config:
    policy: Policy
    fs: FileSystem
    bounds: dict[str, int]
    environment: frozenset[str]
    options: dict[str, Any] = field(default_factory=dict)
    # Model-level reductions that keep every verdict and shortest length (tests check it):
    # no persistent fault kind, no dead redo pointer.  Off: the model as first written.
    reduce: bool = True
    family: Family = NO_FAMILY

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

    def option(self, name: str) -> Any:
        return self.options[name]

    def describe(self) -> dict:
        declared = list(ENVIRONMENT) + list(self.family.environment)
        out = {"os": self.policy.id, "fs": self.fs.id, "bounds": dict(self.bounds),
               "disabled": sorted(set(declared) - self.environment)}
        for name, choice in self.family.options.items():
            out[choice.shown_as or name] = self.options[name]
        return out


def ranges(family: Family = NO_FAMILY) -> dict[str, Range]:
    """Every bound a spec of the family reads: the kernel's, then the family's."""
    return BOUNDS | family.bounds


def behaviours(family: Family = NO_FAMILY) -> dict[str, str]:
    return ENVIRONMENT | family.environment


def check_bounds(bounds: dict, family: Family = NO_FAMILY, what: str = "bound") -> None:
    """Known names, integer values in range (a spec's own bounds as much as the user's)."""
    known = ranges(family)
    for k, v in bounds.items():
        if k not in known:
            raise BadConfig(f"unknown {what} '{k}' (choose from {', '.join(known)})")
        r = known[k]
        if type(v) is not int or not r.lo <= v <= r.hi:
            raise BadConfig(f"{what} --{k} {v!r} is out of range ({r.lo} to {r.hi})")


def check_choices(family: Family, options: dict[str, Any], owner: str = "option") -> None:
    """Each option the family's, with one of its values."""
    for name, value in options.items():
        if name not in family.options:
            raise BadConfig(f"{owner}: unknown option '{name}' (choose from "
                            f"{', '.join(family.options) or 'none'})")
        choice = family.options[name]
        if not any(type(value) is type(c) and value == c for c in choice.values):
            raise BadConfig(f"{owner}: option {name} = {value!r}: takes "
                            f"{' or '.join(map(repr, choice.values))}")


def check_disable(family: Family, disable: Iterable[str], owner: str = "") -> None:
    known = behaviours(family)
    for d in disable:
        if d not in known:
            raise BadConfig(f"{owner}unknown environment behaviour '{d}' "
                            f"(choose from {', '.join(known)})")


def check_options(owner: str, options: dict, family: Family = NO_FAMILY) -> None:
    """A patch's scenario: fs a file system, disable behaviours that exist, and the family's
    options."""
    if not isinstance(options, dict):
        raise BadConfig(f"{owner}: options = {options!r}: takes a dict of fs, disable and "
                        "the family's options")
    if "fs" in options and options["fs"] not in FILESYSTEMS:
        raise BadConfig(f"{owner}: options fs = {options['fs']!r}: takes one of "
                        f"{', '.join(FILESYSTEMS)}")
    disable = options.get("disable", ())
    if not isinstance(disable, (tuple, list)) or any(d not in behaviours(family)
                                                     for d in disable):
        raise BadConfig(f"{owner}: options disable = {disable!r}: takes a tuple of "
                        f"{', '.join(behaviours(family))}")
    check_choices(family, {k: v for k, v in options.items() if k not in ("fs", "disable")},
                  f"{owner}: options")


def default_bounds(own: dict[str, int] | None = None,
                   family: Family = NO_FAMILY) -> dict[str, int]:
    """Every bound at its default, under a spec's ``own`` defaults."""
    return {k: r.default for k, r in ranges(family).items()} | (own or {})


def make_config(os: str, fs: str = "ext4", disable: Iterable[str] = (),
                bounds: dict[str, int] | None = None, *, defaults: dict[str, int] | None = None,
                options: dict[str, Any] | None = None, family: Family = NO_FAMILY,
                reduce: bool = True) -> Config:
    """Validate user choices; ``defaults`` are the spec's own bounds, ``bounds`` the user's,
    ``options`` the family's options (the rest at their defaults)."""
    policy = lookup_policy(os)
    filesystem = lookup_fs(fs, policy)
    disable = list(disable)
    check_disable(family, disable)
    check_bounds(defaults or {}, family, "the spec's bound")
    check_bounds(bounds or {}, family, "bound")
    check_choices(family, options or {})
    merged = default_bounds(defaults, family) | (bounds or {})
    chosen = {k: c.default for k, c in family.options.items()} | (options or {})
    return Config(policy, filesystem, merged, frozenset(behaviours(family)) - set(disable),
                  chosen, reduce, family)
