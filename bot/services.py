"""What the services of `portal run` share: the bells between them, their pause, how they run."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:  # the supervisor names the parts' services without importing SQLAlchemy
    from bot.app import Portal

log = logging.getLogger(__name__)
T = TypeVar("T")

POLL_SECONDS = 2.0


class Bell(Protocol):
    """An `asyncio.Event` in one process, a `bot.doorbell.Doorbell` across processes."""

    def set(self) -> None: ...
    async def wait(self) -> Any: ...
    def clear(self) -> None: ...


@dataclass
class Shared:
    """What the services of one process share: the bells that let one service nudge the next
    instead of waiting for its poll, and what the supervisor hands down to a part."""

    inbox: Bell = field(default_factory=asyncio.Event)
    outbox: Bell = field(default_factory=asyncio.Event)
    sockets: dict[str, socket.socket] = field(default_factory=dict)  # "smtp", "http": listening
    watch: Callable[[int | None], None] | None = None  # told which inbox item is being handled
    verdicts: list[tuple[int, str]] = field(default_factory=list)  # items to give up at start
    worker: str = ""  # who claims items here ("host:home:processor-1"); empty: the default
    listening: Callable[[], None] | None = None  # told when the SMTP listener greets (intake)


Service = Callable[["Portal", asyncio.Event, Shared], Coroutine[Any, Any, None]]


async def nap(event: Bell, stop: asyncio.Event) -> None:
    """Wait until `event` (or `stop`) is set, or POLL_SECONDS pass; then clear `event`."""
    waiters = [asyncio.ensure_future(event.wait()), asyncio.ensure_future(stop.wait())]
    await asyncio.wait(waiters, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()
    event.clear()


async def outliving_the_database(what: str, work: Awaitable[T]) -> T | None:
    """Do `work`; if the database is down or refuses, say so and return None (tried later)."""
    from sqlalchemy.exc import DBAPIError

    try:
        return await work
    except DBAPIError as exc:
        log.warning("%s put off: the database cannot be used (%s)", what, exc.orig)
        return None


async def run_services(
    portal: Portal, services: list[Service], stop: asyncio.Event, shared: Shared | None = None
) -> None:
    """Run services until `stop` is set or one of them fails; then stop them all."""
    wake = shared or Shared()
    tasks = [
        asyncio.create_task(service(portal, stop, wake), name=service.__name__)
        for service in services
    ]
    waiter = asyncio.create_task(stop.wait(), name="stop")
    done, _ = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    waiter.cancel()
    failed = False
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, Exception):
            failed = True
            log.error("service %s failed", task.get_name(), exc_info=result)
    if failed:
        raise SystemExit(1)
