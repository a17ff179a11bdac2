"""Start an SMTP server as a child process (`portal run` or the bare baseline), time until it
greets a client, and stop it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.databases import Scratch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    started_in: float  # seconds from spawning to the first 220 greeting


def portal_command() -> list[str]:
    script = Path(sys.executable).with_name("portal")
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-c", "from bot.cli import main; main()", "run"]


def bare_command(port: int) -> list[str]:
    return [sys.executable, "-m", "bench.bare_smtp", str(port)]


def _greeted(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(3) == b"220"
    except OSError:
        return False


@contextmanager
def running(command: list[str], port: int, env: dict[str, str] | None = None,
            log: Path | None = None, timeout: float = 60.0) -> Iterator[Server]:  # fmt: skip
    """The server started by `command`, once it greets on `port`; stopped with SIGTERM."""
    environment = {**os.environ, **(env or {})}
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment, stdout=output, stderr=output)
    try:
        while not _greeted(port):
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode} (log: {log})")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{command[0]} did not greet on port {port} in {timeout}s")
            time.sleep(0.005)
        yield Server(process, port, time.perf_counter() - started)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if log:
            output.close()  # type: ignore[union-attr]


def portal_env(place: Scratch, port: int) -> dict[str, str]:
    return {**place.environment(), "PORTAL_SMTP_LISTEN": f"127.0.0.1:{port}"}
