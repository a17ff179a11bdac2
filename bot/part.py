"""One part of `portal run` in its own process, as started by the supervisor (bot.supervisor).

    python -m bot.part NAME --parent PID --status FD [--worker ID]
                            [--bell NAME=RINGER:LISTENER ...] [--socket NAME=FD ...]
                            [--give-up ITEM:REASON ...]

NAME is a part of bot.runner.PARTS with an optional slot ("processor-2"). The part runs that
part's services until SIGTERM, and says on its status pipe which inbox item it is handling
("begin ID", "end ID") so the supervisor can stop it when one item takes too long. It dies with
the supervisor, even when the supervisor is killed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.doorbell import Doorbell
from bot.logs import configure
from bot.runner import PARTS, parts_for
from bot.services import Service, Shared, run_services

if TYPE_CHECKING:  # imported by main(): the supervisor imports this module for EX_CONFIG alone
    from bot.app import Portal

log = logging.getLogger(__name__)

EX_CONFIG = 78  # sysexits.h: the supervisor does not restart a part that exits with it
# The parts that nobody waits on run this much nicer than intake: on a busy machine the kernel
# gives intake, whose senders wait for a 250, about nine tenths of a contended core.
BACKGROUND_NICE = 10
PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """Be killed when the supervisor dies (Linux), and leave now if it is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # elsewhere: the watch below still notices
        pass
    if os.getppid() != parent:
        os._exit(0)


def watch_parent(parent: int, stop: Callable[[], object]) -> None:
    """Where the kernel cannot kill us with the parent, notice it is gone within a second."""

    def look() -> None:
        while os.getppid() == parent:
            threading.Event().wait(1.0)
        stop()

    threading.Thread(target=look, name="parent-watch", daemon=True).start()


def status_writer(fd: int) -> Callable[[int | None], None]:
    """The processor's watch: one line per item begun and ended, atomic on a pipe."""
    current: list[int] = []

    def tell(item_id: int | None) -> None:
        if item_id is not None:
            current[:] = [item_id]
            line = f"begin {item_id}\n"
        else:
            line = f"end {current[0] if current else 0}\n"
        with contextlib.suppress(OSError):  # the supervisor is gone: we are about to stop
            os.write(fd, line.encode("ascii"))

    return tell


def listening_writer(fd: int) -> Callable[[], None]:
    """Intake's word to the supervisor that it takes mail (SMTP greets, its database is open):
    the other parts may start."""

    def tell() -> None:
        with contextlib.suppress(OSError):
            os.write(fd, b"listening\n")

    return tell


def pairs(values: list[str]) -> dict[str, str]:
    return dict(value.split("=", 1) for value in values)


def options(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.part")
    parser.add_argument("name")
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--status", type=int, required=True)
    parser.add_argument("--bell", action="append", default=[])
    parser.add_argument("--socket", action="append", default=[])
    parser.add_argument("--give-up", action="append", default=[])
    parser.add_argument("--worker", default="")
    return parser.parse_args(argv)


def shared_from(args: argparse.Namespace) -> Shared:
    bells: dict[str, Doorbell] = {}
    for name, fds in pairs(args.bell).items():
        ringer, listener = fds.split(":")
        bells[name] = Doorbell.from_fds(int(ringer), int(listener))
    sockets = {name: socket.socket(fileno=int(fd)) for name, fd in pairs(args.socket).items()}
    verdicts = []
    for verdict in args.give_up:
        item_id, reason = verdict.split(":", 1)
        verdicts.append((int(item_id), reason))
    return Shared(
        inbox=bells["inbox"],
        outbox=bells["outbox"],
        sockets=sockets,
        watch=status_writer(args.status),
        listening=listening_writer(args.status),
        verdicts=verdicts,
        worker=args.worker,
    )


def main(argv: list[str] | None = None) -> int:
    args = options(sys.argv[1:] if argv is None else argv)
    die_with(args.parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor decides when we stop
    kind = args.name.split("-")[0]
    settings = Settings.load()
    configure(settings.log_level, part=args.name, secrets=settings.secrets())
    if kind not in PARTS:
        log.error("no part is called %s", args.name)
        return EX_CONFIG
    if kind != "intake":
        with contextlib.suppress(OSError):  # raising one's own niceness is always allowed
            os.nice(BACKGROUND_NICE)
    from bot.app import Portal

    portal = Portal.open(settings)
    try:
        services = parts_for(portal.settings)[kind]
        asyncio.run(serve(portal, services, shared_from(args), args.parent))
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        portal.close()
    return 0


async def serve(portal: Portal, services: list[Service], shared: Shared, parent: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    watch_parent(parent, lambda: loop.call_soon_threadsafe(stop.set))
    await run_services(portal, services, stop, shared)


if __name__ == "__main__":
    sys.exit(main())
