"""A client of a key-value engine: it puts values one at a time and gets each acknowledgement
or error, and reads keys whenever the engine serves them.

Value v (1 .. writes) is the v-th put; ``put_key[v-1]`` is its key and ``put_answer[v-1]``
what the client was told (nothing yet, waiting, ok, failed).  A value is what the engine's
pages hold, so a read's result is classified by the client's own record, as ATC'20 did.
A put the engine never answered (it crashed first) is in doubt: reading it is no outcome.
"""
from __future__ import annotations

from typing import Any, Callable

from ...config import Config
from ...lang.expr import Expr, Or, ite, lift
from ...lang.spec import Bool, Enum, Int, Spec, Update
from .outcomes import (DURABILITY, FALSE_FAILURE, KEY_CORRUPTION, KEY_NOT_FOUND, OLD_VALUE,
                       OUTCOMES, VALUE_CORRUPTION)

ANSWER = Enum("none", "waiting", "ok", "failed")
# What a read returns besides a value (1 .. writes): 0 not found; ERROR an error (the engine
# found the key's page unreadable: SQLITE_CORRUPT, say), which finds no value either.
ERROR = -2
NONE, WAITING, OK, FAILED = range(4)
FLAGS = (OLD_VALUE, FALSE_FAILURE, KEY_CORRUPTION, VALUE_CORRUPTION, KEY_NOT_FOUND, DURABILITY)


class Client:
    """The client's state, its puts' bookkeeping for the engine, its reads and the outcome
    properties."""

    def __init__(self, spec: Spec, cfg: Config) -> None:
        self.spec, self.K, self.W = spec, cfg.bound("keys"), cfg.bound("writes")
        self.limit = cfg.limit("writes")
        self.key = spec.var("put_key", Int(0, self.K - 1), 0, (self.W,))
        self.answer = spec.var("put_answer", ANSWER, NONE, (self.W,))
        self.puts = spec.var("puts", Int(0, self.W, grows=True), 0)
        self.seen = {name: spec.var("seen_" + name.replace("-", "_"), Bool(), False)
                     for name in FLAGS}

    # -- the engine's side of a put --------------------------------------------------------
    def waiting(self) -> Expr:
        """A put is waiting for its answer (the client sends one at a time)."""
        return Or(*(a == WAITING for a in self.answer))

    def issue(self, u: Update, key: int) -> Expr:
        """The client sends the next value for ``key``; the engine takes it (the guard: no put
        waiting, writes left).  Returns the value."""
        u.require(~self.waiting(), self.puts < self.limit)
        v = u.let(self.puts + 1)
        u.store(self.key, self.puts, key)
        u.store(self.answer, self.puts, WAITING)
        u[self.puts] = v
        return v

    def answer_ok(self, u: Update, v: Expr) -> None:
        u.store(self.answer, lift(v) - 1, OK)

    def answer_failed(self, u: Update, v: Expr) -> None:
        u.store(self.answer, lift(v) - 1, FAILED)

    def interrupt(self, u: Update) -> None:
        """The engine is gone: a put waiting has no answer and stays in doubt."""
        for a in self.answer:
            with u.when(a == WAITING):
                u[a] = NONE

    def pending(self) -> Expr:
        """The value of the put waiting for its answer (0: none)."""
        out: Expr = lift(0)
        for i, a in enumerate(self.answer):
            out = ite(a == WAITING, i + 1, out)
        return out

    def key_of(self, v: Expr) -> Expr:
        """The key value v was put to (v >= 1)."""
        out: Expr = lift(self.key[0])
        for i in range(1, self.W):
            out = ite(v == i + 1, self.key[i], out)
        return out

    # -- reads and outcomes ----------------------------------------------------------------
    def newest_ok(self, key: int) -> Expr:
        """The newest acknowledged value of ``key`` (0: none)."""
        out: Expr = lift(0)
        for i in range(self.W):
            out = ite((self.key[i] == key) & (self.answer[i] == OK), i + 1, out)
        return out

    def issued(self, key: int) -> Expr:
        """A put to ``key`` was sent (acknowledged, failed or in doubt)."""
        return Or(*((self.puts > i) & (self.key[i] == key) for i in range(self.W)))

    def failed(self, v: Expr) -> Expr:
        return Or(*((v == i + 1) & (self.answer[i] == FAILED) for i in range(self.W)))

    def declare_read(self, serving: Expr, get: Callable[[int], Expr], engine: str) -> None:
        """The ``get`` action: the client reads a key while the engine (its lane: ``engine``)
        serves reads, and remembers each outcome class the result shows."""
        @self.spec.action("get", actor="client", key=range(self.K))
        def _(u: Update, key: int) -> None:
            """The client reads a key; the engine returns a value, 0 (not found) or ERROR (an
            error: no outcome class but durability's)."""
            u.require(serving)
            r = u.let(get(key))
            u.call("get", engine, result=r, key=key)
            acked = u.let(self.newest_ok(key))
            found = u.let(r > 0)
            mine = u.let(found & (self.key_of(r) == key))
            shows = {OLD_VALUE: mine & (r < acked),
                     FALSE_FAILURE: found & self.failed(r),
                     KEY_CORRUPTION: found & ~self.issued(key),
                     VALUE_CORRUPTION: found & self.issued(key) & ~mine,
                     KEY_NOT_FOUND: (acked != 0) & (r == 0),
                     DURABILITY: (acked != 0) & ~(mine & (r >= acked))}
            for name, cond in shows.items():
                u[self.seen[name]] = self.seen[name] | cond

    def declare_properties(self, serving: Expr, get: Callable[[int], Expr]) -> None:
        """The outcome classes, and beside each state what a read of each key would return
        (-1: the engine serves no reads; ERROR: the read fails), which explains a
        violation."""
        for key in range(self.K):
            self.spec.derive(f"reads[{key}]", ite(serving, get(key), -1))
        for name in FLAGS:
            self.spec.invariant(name, OUTCOMES[name], ~self.seen[name], self.explain)

    def explain(self, st: dict[str, Any]) -> str:
        """Each key's read against what the client was told."""
        def put(v: int) -> str:
            if v == ERROR:
                return "an error"
            return f"put {v} ({st[f'put_answer[{v - 1}]']})" if v else "not found"
        out = []
        for key in range(self.K):
            told = [v for v in range(1, self.W + 1) if st[f"put_key[{v - 1}]"] == key
                    and v <= st["puts"]]
            if told and st[f"reads[{key}]"] != -1:
                out.append(f"key {key} reads {put(st[f'reads[{key}]'])}; its puts: "
                           + ", ".join(put(v) for v in told))
        return "; ".join(out)

    def lanes(self) -> dict[str, str]:
        return {v: "client" for v in ["put_key", "put_answer", "puts"] +
                [x.name for x in self.seen.values()]}


LANE_DOC = ("puts values one at a time and is told ok or failed; reads keys and compares "
            "what it gets with what it was told")
