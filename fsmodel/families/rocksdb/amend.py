"""Declaring an engine as another engine's protocol with some of its steps amended.

LevelDB's model (fsmodel/families/leveldb/model.py) declares its actions in groups (``_put``
declares ``put`` and ``sync_log``), so a subclass cannot replace one step by overriding a
method.  While ``amending`` is open, an action declared under an amended name runs its own
body, then the amendment's (with the same parameters, seeing the state the body left), and
its docstring is the base's followed by the amendment's: the amendment states only what the
other engine's code does differently (or, with an empty body, where it does the same).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator

from ...lang.spec import Spec, Update

Step = Callable[..., None]


def _then(body: Step, extra: Step) -> Step:
    """The base's body followed by the amendment's, documented by both."""
    def both(u: Update, **params: Any) -> None:
        body(u, **params)
        extra(u, **params)
    both.__doc__ = f"{body.__doc__ or ''} {extra.__doc__ or ''}"
    return both


@contextmanager
def amending(spec: Spec, amendments: dict[str, Step]) -> Iterator[None]:
    """Actions declared on ``spec`` inside the block are amended by name; every amendment
    must be used (a misspelt name would silently amend nothing)."""
    declare = spec.action
    used: set[str] = set()

    def action(name: str, actor: str = "", **params: Any) -> Callable[[Step], Step]:
        deco = declare(name, actor, **params)
        if name not in amendments:
            return deco

        def amended(body: Step) -> Step:
            used.add(name)
            deco(_then(body, amendments[name]))
            return body
        return amended

    spec.action = action  # type: ignore[method-assign]
    try:
        yield
    finally:
        del spec.action   # the class's method again
    missing = set(amendments) - used
    if missing:
        raise ValueError(f"amended actions never declared: {', '.join(sorted(missing))}")
