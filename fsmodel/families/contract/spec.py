"""What an os-contract spec file declares."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ...config import Config, check_bounds
from ...lang.spec import Spec
from ..base import Family
from .family import CONTRACT
from .writer import Writer


@dataclass(frozen=True)
class ContractSpec:
    """The kernel alone with a trivial writer: an id, a summary, sources and own bounds."""
    family: ClassVar[Family] = CONTRACT
    id: str
    summary: str
    sources: tuple[str, ...]
    bounds: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """The bounds are checked when the spec file loads."""
        check_bounds(self.bounds, CONTRACT, f"{self.id}: bound")

    def build(self, cfg: Config) -> Spec:
        """The model for one configuration."""
        return Writer(self, cfg).spec
