"""Doorbells: one process tells another that work waits, across the processes of `portal run`.

A doorbell is a pair of connected Unix datagram sockets made by the supervisor before it starts
its parts: any part may ring it (a one-byte datagram, never blocking: a full bell is already
ringing), and the part it belongs to waits on it. The supervisor keeps both ends open, so a part
that is restarted gets the same bell back. A missed ring costs at most one poll interval: every
waiter also wakes up on its own every few seconds and looks for work.

In one process (the tests' harness) an `asyncio.Event` plays the same part; both have `set()`,
`wait()` and `clear()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket


class Doorbell:
    """Ring with `set()`; `await wait()` returns once it has rung; `clear()` forgets old rings."""

    def __init__(self, ringer: socket.socket, listener: socket.socket) -> None:
        self.ringer = ringer
        self.listener = listener
        for end in (ringer, listener):
            end.setblocking(False)

    @classmethod
    def make(cls) -> Doorbell:
        listener, ringer = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        for end in (listener, ringer):
            end.set_inheritable(True)
        return cls(ringer, listener)

    @classmethod
    def from_fds(cls, ringer: int, listener: int) -> Doorbell:
        """The bell handed down by the supervisor as two inherited file descriptors."""
        return cls(
            socket.socket(fileno=ringer),
            socket.socket(fileno=listener),
        )

    def fds(self) -> tuple[int, int]:
        return self.ringer.fileno(), self.listener.fileno()

    def set(self) -> None:
        with contextlib.suppress(BlockingIOError, InterruptedError):
            self.ringer.send(b"!")

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.sock_recv(self.listener, 1)

    def clear(self) -> None:
        """Forget the rings that are waiting: whoever wakes up now sees all the work anyway."""
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while self.listener.recv(1):
                pass

    def close(self) -> None:
        self.ringer.close()
        self.listener.close()
