"""The slots of `portal run`: one process each, what it is handling, and the sockets they share."""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field


@dataclass
class Slot:
    """One process of `portal run`: its part's name ("processor-2"), and its process if any."""

    name: str
    process: subprocess.Popen[bytes] | None = None
    status: int | None = None  # read end of the pipe on which the part says what it handles
    pending: bytes = b""
    handling: tuple[int, float] | None = None  # inbox item id, since (monotonic)
    started: float = 0.0
    quick_deaths: int = 0
    start_at: float = 0.0
    verdicts: list[tuple[int, str]] = field(default_factory=list)  # for its next process
    listening: bool = False  # intake said its SMTP listener greets

    @property
    def kind(self) -> str:
        return self.name.split("-")[0]

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def heard(self, chunk: bytes) -> None:
        """What the part said on its status pipe: "begin ID", "end ID" and "listening", a
        line each."""
        self.pending += chunk
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            word, _, value = line.decode("ascii", "replace").partition(" ")
            if word == "begin" and value.isdigit():
                self.handling = (int(value), time.monotonic())
            elif word == "end":
                self.handling = None
            elif word == "listening":
                self.listening = True


def listening_socket(address: str) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free one), kept across part restarts."""
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, int(port)), family=family, backlog=128)
    sock.set_inheritable(True)
    return sock
