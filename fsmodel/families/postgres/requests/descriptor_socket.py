"""The request path of the descriptor-passing proposals (never committed): each backend sends
the descriptor it wrote through to the checkpointer over a Unix socket (SCM_RIGHTS, #35 #44
#53), and the checkpointer keeps one per segment: the first received (v1/v2), or the one
opened first by a shared counter stamped at every open (#61 0014, #63 v4).

The socket holds at most ``queue`` messages, each a file, a description in flight and whether
it is ahead of the checkpoint's marker; a full socket blocks the sender (no self-fsync).
"""
from __future__ import annotations

from typing import Any

from ....lang.expr import Expr, Or
from ....lang.spec import Bool, Int, Ref, Update
from ...descriptors import Group
from ..phases import ABSORB, SYNC
from .base import RequestPath


class DescriptorSocket(RequestPath):
    """What both keep rules share: ``sending[b]`` (``1 + f * P + p`` names page p of file f,
    0 nothing) is the buffer a backend has written and not yet sent; the socket's messages."""

    def holders(self) -> list[Group]:
        """The descriptions in flight, each counted for the file its message names."""
        return [Group("sock_desc", (self.m.Q,), named_by="sock_file")]

    def declare(self) -> None:
        """The sending slot per backend, then the socket's messages and length."""
        m, spec, F, P, Q = self.m, self.m.spec, self.m.F, self.m.P, self.m.Q
        self.sending = spec.var("sending", Int(0, F * P), 0, (m.B,))
        self.sock_f = spec.var("sock_file", Int(0, F - 1), 0, (Q,))
        self.sock_s = m.fds.declare("sock_desc")
        self.sock_ahead = spec.var("sock_ahead", Bool(), False, (Q,))   # see mark_socket
        self.sock_n = spec.var("sock_len", Int(0, Q), 0)

    def page(self, f: int, p: int) -> int:
        """The value of ``sending`` that names page p of file f."""
        return 1 + f * self.m.P + p

    def backend_record(self, b: int) -> list[Any]:
        """A backend's sending slot moves with the backend."""
        return [self.sending[b]]

    def page_refs(self, f: int) -> list[Ref]:
        """Permuting the pages of f renames the page a backend is sending."""
        return [Ref(self.sending[b].slot, self.page(f, 0)) for b in range(self.m.B)]

    def file_refs(self) -> list[Ref]:
        """``sending`` names a file by strides of P pages; ``sock_file[i]`` names one while
        i < sock_len."""
        refs = [Ref(self.sending[b].slot, 1, self.m.P) for b in range(self.m.B)]
        return refs + [Ref(self.sock_f[i].slot, 0, 1, (self.sock_n.slot, i))
                       for i in range(self.m.Q)]

    def flushing(self, f: int, p: int) -> Expr:
        """FlushBuffer holds the buffer's content lock and BM_IO_IN_PROGRESS across smgrwrite,
        so nobody changes or flushes the buffer meanwhile (bufmgr.c)."""
        return Or(self.sending[b] == self.page(f, p) for b in range(self.m.B))

    def may_write(self, u: Update, b: int) -> None:
        """One buffer at a time: the send follows the write in the same code path."""
        u.require(self.sending[b] == 0)

    def may_close(self, u: Update, b: int, f: int) -> None:
        """The descriptor is not closed between its write and its send."""
        u.require(self.sending[b] == 0)   # the send follows the write in the same code path

    def request(self, u: Update, b: int, f: int, p: int, fate: str) -> None:
        """The request goes out in a later step, send_fd (#53)."""
        u[self.sending[b]] = self.page(f, p)   # the request goes out in a later step (#53)

    def declare_send(self) -> None:
        """sendmsg is a step of its own, so other processes can run between write and send."""
        m = self.m

        @m.spec.action("send_fd", actor="backend{b}", b=range(m.B), f=range(m.F),
                       p=range(m.P))
        def _(u: Update, b: int, f: int, p: int) -> None:
            """sendmsg(SCM_RIGHTS) the descriptor with the request, then clear the buffer's
            dirty bit (requests go out before the bit is cleared); a full socket blocks the
            sender (#53, #57, #63)."""
            u.require(self.sending[b] == self.page(f, p), self.sock_n < m.Q, ~m.panicking)
            self.send_fd(u, b, f)
            u[m.bdirty[f][p]] = False
            u[self.sending[b]] = 0

    def send_fd(self, u: Update, b: int, f: int) -> None:
        """The description travels to the checkpointer, one more reference in flight."""
        n, desc = self.sock_n, self.m.bfd[b][f]
        self.m.k.dup(u, f, desc)
        u.store(self.sock_f, n, f)
        u.store(self.sock_s, n, desc)
        u.store(self.sock_ahead, n, False)
        self.stamp_message(u, n, b, f)
        u[self.sock_n] = n + 1

    def stamp_message(self, u: Update, n: Expr, b: int, f: int) -> None:
        """What a keep rule sends with the descriptor besides the file."""

    def declare_absorb(self, can_run: Expr) -> None:
        """One message per step, then the end of absorbing for the checkpoint."""
        m, k = self.m, self.m.k

        @m.spec.action("absorb_fd", actor="checkpointer", fate=k.sync_fates)
        def _(u: Update, fate: str) -> None:
            """recvmsg one request with its descriptor; keep the first received (v1/v2) or the
            one with the smallest open_seq (#61 0014, #63 v4), close the other (#53).  Not
            while syncing: mdsync_in_progress makes AbsorbFsyncRequests return at once (v1
            to v4)."""
            u.require(can_run, self.sock_n > 0, m.phase != SYNC)
            self.absorb_guard(u)
            for f in range(m.F):
                with u.when(self.sock_f[0] == f):
                    self.receive(u, f, fate)
            self.absorbed(u)
            self._pop_socket(u)

        @m.spec.action("absorb_done", actor="checkpointer")
        def _(u: Update) -> None:
            """Absorbing for the checkpoint ends: the socket is drained (recvmsg would block,
            #63), or (keep-first) the checkpointer's own token comes back (#35, #44)."""
            u.require(can_run, m.phase == ABSORB, self.absorb_ends())
            u[m.phase] = SYNC

    def receive(self, u: Update, f: int, fate: str) -> None:
        """The first message names file f: keep its description or the one held, close the
        other; the file is now pending."""
        m, k, got = self.m, self.m.k, self.sock_s[0]
        held = m.cfd[f]
        keep = u.let(self.keeps_new(f, held))
        with u.when(keep & (held != k.NONE)):
            k.close(u, f, held, fate)
        with u.when(~keep):
            k.close(u, f, got, fate)
        with u.when(keep):
            u[held] = got
            self.kept(u, f)
        u[m.pending[f]] = True

    def absorb_guard(self, u: Update) -> None:
        """The keep rule's guard to absorb, besides a message waiting and not syncing."""

    def keeps_new(self, f: int, held: Expr) -> Expr:
        """Whether the received description replaces the one held of file f."""
        return held == self.m.k.NONE

    def kept(self, u: Update, f: int) -> None:
        """The received description of f is now the checkpointer's."""

    def absorbed(self, u: Update) -> None:
        """One message absorbed, before it leaves the socket."""

    def absorb_ends(self) -> Expr:
        """When absorbing for the checkpoint may end."""
        return self.sock_n == 0

    def mark_socket(self, u: Update) -> None:
        """The messages in the socket now are ahead of the checkpoint's marker: stamped with
        an older ckpt_started (#57), or queued before the checkpointer's token (#35; the model
        lets the token in even when the socket is full, where v1 deadlocked, #50 #51)."""
        for i in range(self.m.Q):
            u[self.sock_ahead[i]] = i < self.sock_n

    def _pop_socket(self, u: Update) -> None:
        """The first message leaves; the others move up one place."""
        Q = self.m.Q
        for arr, blank in self.socket_fields():
            for i in range(Q):
                u[arr[i]] = arr[i + 1] if i + 1 < Q else blank
        u[self.sock_n] = self.sock_n - 1

    def socket_fields(self) -> list[tuple[Any, Any]]:
        """The socket's per-message arrays with the value of an empty place."""
        return [(self.sock_f, 0), (self.sock_s, self.m.k.NONE), (self.sock_ahead, False)]

    def synced(self, u: Update, f: int, fate: str) -> None:
        """The received descriptor is closed once synced (it is not a cache)."""
        k, cfd = self.m.k, self.m.cfd
        k.close(u, f, cfd[f], fate)   # the received descriptor is closed once synced
        u[cfd[f]] = k.NONE

    def forget(self, u: Update) -> None:
        """No backend is sending and the socket is empty (its descriptors are forgotten with
        every other holder's)."""
        for b in range(self.m.B):
            u[self.sending[b]] = 0
        for arr, blank in self.socket_fields():
            if arr is not self.sock_s:
                for i in range(self.m.Q):
                    u[arr[i]] = blank
        u[self.sock_n] = 0


class KeepFirst(DescriptorSocket):
    """v1 / v2 (#35, #44): the first descriptor received is kept.  Absorbing for a checkpoint
    ends at the checkpointer's own token, which mdsync enqueues after writing the buffers."""

    def absorb_guard(self, u: Update) -> None:
        """Absorbing for a checkpoint ends at the token."""
        m = self.m   # absorbing for a checkpoint ends at the token
        u.require((m.phase != ABSORB) | self.sock_ahead[0])

    def absorb_ends(self) -> Expr:
        """Also at the checkpointer's own token (#35, #44)."""
        return super().absorb_ends() | ~self.sock_ahead[0]

    def at_buffers_written(self, u: Update) -> None:
        """mdsync enqueues the checkpointer's token (#35)."""
        self.mark_socket(u)   # mdsync enqueues the checkpointer's token (#35)


class KeepOldest(DescriptorSocket):
    """#61 0014, #63 v4: a shared counter ``open_seq`` is stamped at every open and reopen
    before the first write; the checkpointer keeps the descriptor with the smallest stamp, so
    its cursor predates every write it covers.  Requests already in the socket when a
    checkpoint starts were stamped with the previous ckpt_started (#57)."""

    def declare(self) -> None:
        """The counter, each backend's and the checkpointer's stamps, each message's."""
        super().declare()
        m, spec, b = self.m, self.m.spec, self.m.cfg.bound
        cap = b("writes") + b("checkpoints") * m.F + 1
        self.open_seq = spec.var("open_seq", Int(0, cap, grows=True), 0)
        self.bseq = spec.var("backend_seq", Int(0, cap, grows=True), 0, (m.B, m.F))
        self.sock_q = spec.var("sock_seq", Int(0, cap, grows=True), 0, (m.Q,))
        self.cseq = spec.var("ckpt_seq", Int(0, cap, grows=True), 0, (m.F,))

    def file_record(self, f: int) -> list[Any]:
        """The checkpointer's stamp of f and the backends' stamps of f move with f."""
        return [self.cseq[f]] + [self.bseq[b][f] for b in range(self.m.B)]

    def backend_record(self, b: int) -> list[Any]:
        """A backend's stamps move with the backend."""
        return super().backend_record(b) + [self.bseq[b]]

    def stamp(self, u: Update, opening: Expr, seq: Any) -> None:
        """#61 0014: open_seq taken at every open, before the write."""
        with u.when(opening):
            u[seq] = self.open_seq
            u[self.open_seq] = self.open_seq + 1

    def backend_opened(self, u: Update, opening: Expr, b: int, f: int) -> None:
        """A backend's open takes a stamp."""
        self.stamp(u, opening, self.bseq[b][f])

    def ckpt_opened(self, u: Update, opening: Expr, f: int) -> None:
        """The checkpointer's own opens take a stamp too."""
        self.stamp(u, opening, self.cseq[f])

    def stamp_message(self, u: Update, n: Expr, b: int, f: int) -> None:
        """The message carries the stamp of the descriptor it passes."""
        u.store(self.sock_q, n, self.bseq[b][f])

    def socket_fields(self) -> list[tuple[Any, Any]]:
        """The stamp is a field of every message."""
        return super().socket_fields() + [(self.sock_q, 0)]

    def keeps_new(self, f: int, held: Expr) -> Expr:
        """Also when the received one was opened earlier than the one held."""
        return super().keeps_new(f, held) | (self.sock_q[0] < self.cseq[f])

    def kept(self, u: Update, f: int) -> None:
        """The stamp of the kept descriptor is the one compared next."""
        u[self.cseq[f]] = self.sock_q[0]

    def absorbed(self, u: Update) -> None:
        """AbsorbAllFsyncRequests remembers a message stamped with the current ckpt_started,
        then stops (#57 0002; #63 v4 AbsorbFsyncRequest)."""
        m = self.m
        with u.when((m.phase == ABSORB) & ~self.sock_ahead[0]):
            u[m.phase] = SYNC

    def at_ckpt_start(self, u: Update) -> None:
        """The marker is the checkpoint's start (ckpt_started, #57)."""
        self.mark_socket(u)   # the socket's requests carry the previous ckpt_started (#57)
