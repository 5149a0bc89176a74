"""A variant of PostgreSQL's protocol: the knobs a shipped spec or patch file sets."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from ...config import BadConfig, Config, check_bounds, check_options
from ..base import Family
from .family import POSTGRES
from ...kernel.policy import UnknownChoice, check_kernel_patch, policy_names
from ...lang.spec import Spec
from .choices import FORGET, INIT_SYNC, PANIC, RETRY
from .model import PgModel
from .requests import REQUEST_PATHS

FLAGS = ("check_close", "hold_fds", "syncfs_backstop", "error_hook", "forged_start",
         "start_sync")


def one_of(choices: tuple[Any, ...]) -> str:
    """The choices as an error message lists them: 'a, b or c'."""
    return ", ".join(map(str, choices[:-1])) + f" or {choices[-1]}"


@dataclass(frozen=True)
class Protocol:
    """A variant of the protocol: what the shipped spec files declare."""
    family: ClassVar[Family] = POSTGRES
    id: str
    summary: str
    sources: tuple[str, ...]
    on_fsync_error: str                      # FORGET, RETRY or PANIC
    fd_passing: str | None = None            # None (fd.c's cache), FIRST or OLDEST
    check_close: bool = False                # close() failure of a data file is PANIC
    init_sync: str = "fsync"                 # recovery_init_sync_method, one of INIT_SYNC
    hold_fds: bool = False                   # no descriptor closed between write and fsync
    syncfs_backstop: bool = False            # syncfs before the checkpoint record (5.8+)
    error_hook: bool = False                 # fs error counter checked before the record
    forged_start: bool = False               # R3/R4: starts from a checkpoint not on disk
    start_sync: bool = False                 # sync the data directory at a clean start too
    bounds: dict[str, int] = field(default_factory=dict)
    # A patch: the spec it changes, the kernel-side change (policy fields, on any policy),
    # default options (fs, fpw), and the verdicts its authors claimed ({"holds": policies}).
    baseline: str = ""
    kernel: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Every field among its choices, checked when a spec file is loaded (BadConfig
        naming the field)."""
        need = self._need
        need(isinstance(self.id, str) and bool(self.id), "id", "a non-empty string")
        errors = (FORGET, RETRY, PANIC)
        need(self.on_fsync_error in errors, "on_fsync_error", one_of(errors))
        paths = tuple(REQUEST_PATHS)
        need(self.fd_passing in paths, "fd_passing", one_of(paths))
        need(self.init_sync in INIT_SYNC, "init_sync", ", ".join(INIT_SYNC))
        for flag in FLAGS:
            need(type(getattr(self, flag)) is bool, flag, "True or False")
        # the proposal keeps fd.c's cache open; a passed descriptor is the checkpointer's
        need(not (self.hold_fds and self.fd_passing), "hold_fds",
             "True only with fd_passing None")
        need(isinstance(self.bounds, dict), "bounds", "a dict of bounds")
        check_bounds(self.bounds, POSTGRES, f"{self.id}: bound")
        need(isinstance(self.kernel, dict), "kernel", "a dict of policy fields")
        try:
            check_kernel_patch(self.kernel)
        except UnknownChoice as e:
            raise BadConfig(f"{self.id}: {e}") from None
        check_options(self.id, self.options, POSTGRES)
        need(isinstance(self.expect, dict) and set(self.expect) <= {"holds", "violated"}
             and all(isinstance(v, tuple) and set(v) <= set(policy_names())
                     for v in self.expect.values()), "expect",
             "{'holds' or 'violated': a tuple of policy ids}")

    def _need(self, ok: bool, name: str, choices: str) -> None:
        """BadConfig naming the field, its value and its choices, unless ``ok``."""
        if not ok:
            raise BadConfig(f"{self.id}: {name} = {getattr(self, name)!r}: takes {choices}")

    def build(self, cfg: Config) -> Spec:
        """The model of this variant, with its kernel-side change applied to the policy."""
        return PgModel(self, cfg.patched(self.kernel)).spec

    def variant(self, **changes: Any) -> "Protocol":
        """This protocol with only what a variant changes (a new id, a knob, bounds)."""
        return replace(self, **changes)
