"""A power loss, as every family declares it: counted against the ``crashes`` bound, the
kernel left with what is on disk (Kernel.crash), every process's memory gone."""
from __future__ import annotations

from typing import Callable

from ..kernel.model import Kernel
from ..lang.expr import Expr, Var
from ..lang.spec import Spec, Update

Step = Callable[[Update], None]


def declare_power_loss(spec: Spec, k: Kernel, room: Expr, crashes: Var, doc: str,
                       before: Step | None = None, after: Step | None = None) -> None:
    """The ``os_crash`` action; ``before`` reads the state the power loss ends (a family's
    ghost of what was on disk), ``after`` forgets the family's processes."""
    def os_crash(u: Update) -> None:
        u.require(room)
        u[crashes] = crashes + 1
        if before is not None:
            before(u)
        k.crash(u)
        if after is not None:
            after(u)
    os_crash.__doc__ = doc
    spec.action("os_crash", actor="disk")(os_crash)
