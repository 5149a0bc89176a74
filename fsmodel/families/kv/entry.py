"""What a key-value engine's spec file declares, and the family every engine's shares.

An engine's knobs (its settings and the variants of its code a patch proposes) are data: the
engine's model declares each with its values (``Engine.knobs``), a spec file sets them, and
``variant`` makes a patch of a spec by changing some."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from ...config import BadConfig, Config, check_bounds
from ...lang.spec import Spec
from ..base import Choice, Family, Known, Range
from .outcomes import ENVIRONMENT, OUTCOMES

GROUP = "kv"     # fsmodel matrix --family kv: every engine built on this package
# ATC'20's file systems on one recent Linux, the BSDs' policies and the strict reading.
COLUMNS = tuple(f"linux-5.8/{fs}" for fs in ("ext4", "ext4-journal", "xfs", "btrfs",
                                             "btrfs-6.12")) + (
    "freebsd", "netbsd", "openbsd", "posix-strict")


def engine_family(name: str, summary: str, bounds: dict[str, Range] | None = None,
                  options: dict[str, Choice] | None = None,
                  known: tuple[Known, ...] = ()) -> Family:
    """An engine's family: the client's bound ``keys``, ``app-crash``, the outcome classes,
    and what the engine adds."""
    return Family(name, summary,
                  bounds={"keys": Range(2, 1, 3, "keys the client writes")} | (bounds or {}),
                  environment=dict(ENVIRONMENT), options=options or {},
                  properties=dict(OUTCOMES), known=known, group=GROUP, columns=COLUMNS)


@dataclass(frozen=True)
class EngineSpec:
    """A spec of an engine: an id, a summary, its sources, bounds and knobs; for a patch, its
    baseline, the options of its scenario and what it is claimed to do."""
    family: ClassVar[Family]
    model: ClassVar[type]
    id: str
    summary: str
    sources: tuple[str, ...] = ()
    bounds: dict[str, int] = field(default_factory=dict)
    knobs: dict[str, Any] = field(default_factory=dict)
    baseline: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Bounds and knobs are checked when the spec file loads."""
        check_bounds(self.bounds, self.family, f"{self.id}: bound")
        declared: dict[str, tuple[Any, ...]] = self.model.knobs
        for name, value in self.knobs.items():
            if name not in declared:
                raise BadConfig(f"{self.id}: unknown knob '{name}' (choose from "
                                f"{', '.join(declared) or 'none'})")
            if value not in declared[name]:
                raise BadConfig(f"{self.id}: knob {name} = {value!r}: takes "
                                f"{' or '.join(map(repr, declared[name]))}")

    def knob(self, name: str) -> Any:
        """The knob's value (the first of its values by default)."""
        return self.knobs.get(name, self.model.knobs[name][0])

    def build(self, cfg: Config) -> Spec:
        return self.model(self, cfg).spec

    def variant(self, **changes: Any) -> "EngineSpec":
        """This spec with some fields changed (``knobs`` are merged into its own)."""
        if "knobs" in changes:
            changes["knobs"] = {**self.knobs, **changes["knobs"]}
        return replace(self, **changes)
