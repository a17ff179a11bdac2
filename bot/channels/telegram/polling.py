"""Telegram in: long polling that keeps each update in the inbox before confirming it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.config import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30  # seconds one getUpdates call may wait for an update
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "channel_post")

# Keep(sender, recipients, message_id, raw) -> inbox item id; the email keeper's signature.
Keep = Callable[[str, list[str], str | None, bytes], int]
T = TypeVar("T")


def make_bot(settings: Settings, *, timeout: float = 20.0) -> Bot:
    """A Bot for settings.telegram_token at settings.telegram_api (PTB appends the token).

    `timeout` bounds reading an answer; a long poll waits that long beyond its own timeout.
    """
    if not settings.telegram_token:
        raise ConfigError("PORTAL_TELEGRAM_TOKEN is not set")

    def request(pool_size: int) -> HTTPXRequest:
        return HTTPXRequest(
            connection_pool_size=pool_size,
            connect_timeout=10.0,
            read_timeout=timeout,
            write_timeout=timeout,
            pool_timeout=10.0,
        )

    return Bot(
        token=settings.telegram_token,
        base_url=settings.telegram_api,
        request=request(8),
        get_updates_request=request(1),
    )


def update_message_id(update: Update) -> str:
    return f"telegram-update:{update.update_id}"


def describe(update: Update) -> tuple[str, list[str], str, bytes]:
    """(sender, recipients, message_id, raw) of an update, as the inbox keeps it."""
    user, chat = update.effective_user, update.effective_chat
    return (
        str(user.id) if user else "",
        [str(chat.id)] if chat else [],
        update_message_id(update),
        json.dumps(update.to_dict()).encode(),
    )


class TelegramPoller:
    """Fetches updates by long polling; an update is confirmed only once it is in the inbox.

    Telegram confirms updates when getUpdates is called with a higher offset, so the offset
    moves past an update only after `keep` returned for it. A crash before that loses nothing:
    Telegram sends the update again and the inbox keeps it once (by its update id).
    """

    def __init__(
        self,
        bot: Bot,
        keep: Keep,
        *,
        on_stored: Callable[[int], None] | None = None,
        poll_timeout: int = POLL_TIMEOUT,
        retry_delay: float = 1.0,
        max_retry_delay: float = 60.0,
        on_polled: Callable[[str | None], None] | None = None,
    ) -> None:
        self.bot = bot
        self.keep = keep
        self.on_stored = on_stored
        self.poll_timeout = poll_timeout
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.on_polled = on_polled  # told after each poll: None, or what went wrong
        self.next_offset: int | None = None  # None: from the oldest unconfirmed update
        self._ready = False

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set. Raises ConfigError when the token is rejected."""
        failures = 0
        while not stop.is_set():
            try:
                fetched = await _unless_stopped(self._fetch(), stop)
                if fetched is None:
                    break
                await self._keep_all(fetched)
            except InvalidToken:  # its message holds the token: not logged, not chained
                raise ConfigError("the Bot API rejected PORTAL_TELEGRAM_TOKEN") from None
            except RetryAfter as exc:
                failures += 1
                delay = retry_after_seconds(exc)
                log.warning("Telegram flood control: polling again in %.0f s", delay)
                self._polled("flood control")
            except TelegramError as exc:
                failures += 1
                delay = self._backoff(failures)
                log.warning("polling Telegram failed (%s); again in %.1f s", exc.message, delay)
                self._polled(exc.message)
            except _NotKept:
                failures += 1
                delay = self._backoff(failures)
                self._polled("an update could not be kept in the inbox")
            except Exception as exc:  # e.g. an update PTB cannot read: log it, keep the portal up
                failures += 1
                delay = self._backoff(failures)
                log.exception("polling Telegram failed unexpectedly; again in %.1f s", delay)
                self._polled(type(exc).__name__)
            else:
                failures = 0
                self._polled(None)
                continue
            await _pause(delay, stop)

    async def _fetch(self) -> tuple[Update, ...]:
        if not self._ready:  # getMe checks the token; polling needs no webhook set
            await self.bot.initialize()
            await self.bot.delete_webhook()
            self._ready = True
        return await self.bot.get_updates(
            offset=self.next_offset,
            timeout=self.poll_timeout,
            allowed_updates=list(ALLOWED_UPDATES),
        )

    async def _keep_all(self, updates: tuple[Update, ...]) -> None:
        """Keep each update in order; the offset passes only the ones kept."""
        for update in updates:
            try:
                sender, recipients, message_id, raw = describe(update)
                item_id = await asyncio.to_thread(self.keep, sender, recipients, message_id, raw)
            except Exception as exc:
                log.exception("could not keep Telegram update %d; not confirmed", update.update_id)
                raise _NotKept from exc
            self.next_offset = update.update_id + 1
            log.info("inbox item %d kept (Telegram update %d)", item_id, update.update_id)
            if self.on_stored is not None:
                self.on_stored(item_id)

    def _polled(self, error: str | None) -> None:
        if self.on_polled is not None:
            self.on_polled(error)

    def _backoff(self, failures: int) -> float:
        return float(min(self.retry_delay * 2 ** (failures - 1), self.max_retry_delay))


class _NotKept(Exception):
    """An update could not be kept; it stays unconfirmed and is fetched again."""


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after in seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def _unless_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> T | None:
    """The result of `work`, or None if `stop` is set first (then `work` is cancelled)."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return task.result() if not task.cancelled() else None


async def _pause(seconds: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
