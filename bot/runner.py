"""`portal run`: start every service on one event loop and stop them cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

from bot.app import Portal

log = logging.getLogger(__name__)

Service = Callable[[Portal, asyncio.Event], Coroutine[Any, Any, None]]


async def run_services(portal: Portal, services: list[Service], stop: asyncio.Event) -> None:
    """Run services until `stop` is set or one of them fails; then stop them all."""
    tasks = [
        asyncio.create_task(service(portal, stop), name=service.__name__) for service in services
    ]
    waiter = asyncio.create_task(stop.wait(), name="stop")
    done, _ = await asyncio.wait([*tasks, waiter], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    for task in done:
        if task is not waiter and task.exception() is not None:
            log.error("service %s failed", task.get_name(), exc_info=task.exception())
    results = await asyncio.gather(*tasks, return_exceptions=True)
    waiter.cancel()
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, Exception) and task not in done:
            log.error("service %s failed while stopping", task.get_name(), exc_info=result)


def services_for(portal: Portal) -> list[Service]:
    """The services `portal run` starts for these settings."""
    return []


def serve(portal: Portal) -> None:
    """Block until SIGINT or SIGTERM, running every service."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info(
            "portal running (database %s); stop with Ctrl-C", portal.settings.effective_database_url
        )
        await run_services(portal, services_for(portal), stop)
        log.info("portal stopped")

    asyncio.run(main())
