"""The SMTP listener alone, started as bot.runner starts it, with the arguments a test chooses."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from bot.app import Portal
from bot.channels.email.smtp import SubmissionHandler, start_server
from bot.pipeline.intake import GroupCommit


class Listener:
    """bot.channels.email.smtp.start_server on loopback, its loop in a thread; messages go to the
    portal's inbox through GroupCommit, as in `portal run`. stop() closes it."""

    def __init__(self, portal: Portal, **options: Any) -> None:
        self.intake = GroupCommit(portal.sessions, "email")
        settings = portal.settings
        handler = SubmissionHandler(settings.domain, self.intake.submit, settings.max_message_size)
        self._loop = asyncio.new_event_loop()
        self._server = self._loop.run_until_complete(
            start_server(handler, "127.0.0.1", 0, settings.max_message_size, **options)
        )
        self.host, self.port = self._server.sockets[0].getsockname()[:2]
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        async def close() -> None:
            self._server.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self.intake.close()
