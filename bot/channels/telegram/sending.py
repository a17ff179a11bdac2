"""Telegram out: outbox items become messages, edits or callback answers; commands are set.

An outbox item for Telegram has channel "telegram", recipient the chat id, and is sent as plain
text (without parse_mode). Written in the neutral form (bot.envelope.PARTS in its headers), its
subject and body are joined into one text, its buttons become an inline keyboard and the message
it replaces is edited (editMessageText instead of sendMessage). Written before that form, its body
is the whole text and its `headers` hold the Telegram shapes themselves, delivered as they are:

    {"reply_markup": {"inline_keyboard": [[{"text": ..., "callback_data": ...}]]}}
    {"edit_message_id": 42}

(reply_markup may go with edit_message_id.) In either form, {"callback_query_id": "...",
"alert": true} in `headers` makes it an answerCallbackQuery, the body as its text.
Errors, as bot.pipeline.delivery sees them:

    DeliveryError        flood control beyond one short wait, network errors, refusals
    └── RecipientGone    403: the user blocked the bot or is gone; retrying will not help
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from telegram import Bot, BotCommand, InlineKeyboardMarkup
from telegram.constants import CallbackQueryLimit, MessageLimit
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram.polling import retry_after_seconds
from bot.envelope import Buttons, neutral_parts
from bot.errors import DeliveryError, RecipientGone
from store.outbox import OutboxItem

log = logging.getLogger(__name__)

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096
MAX_ANSWER = int(CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH)  # 200
NOT_SENT = (httpx.ConnectTimeout, httpx.PoolTimeout)  # timeouts before the request left
SETTLED = ("message is not modified", "query is too old")  # nothing left to do: not an error


class TelegramSender:
    """Delivers outbox items of channel "telegram" with the Bot API."""

    def __init__(self, bot: Bot, *, max_retry_after: float = 60.0) -> None:
        self.bot = bot
        self.max_retry_after = max_retry_after

    async def deliver(self, item: OutboxItem) -> None:
        headers = item.headers or {}
        if headers.get("callback_query_id"):
            await self._call(
                item,
                self.bot.answer_callback_query,
                callback_query_id=str(headers["callback_query_id"]),
                text=shorten(item.body.strip(), MAX_ANSWER) or None,
                show_alert=bool(headers.get("alert", False)),
            )
            log.info("outbox item %d delivered (callback answer)", item.id)
            return
        text, markup, edit = telegram_form(item)
        parts = split_text(text)
        if not parts:
            raise DeliveryError("the text is empty; Telegram sends no empty message")
        chat_id = _chat_id(item.recipient)
        for number, part in enumerate(parts):
            extra: dict[str, Any] = {}
            if markup is not None and number == len(parts) - 1:
                extra["reply_markup"] = markup
            if number == 0 and edit is not None:
                await self._call(
                    item,
                    self.bot.edit_message_text,
                    chat_id=chat_id,
                    message_id=edit,
                    text=part,
                    **extra,
                )
            else:
                await self._call(item, self.bot.send_message, chat_id=chat_id, text=part, **extra)
        log.info("outbox item %d delivered (%s, %d message(s))", item.id, item.kind, len(parts))

    async def _call(
        self, item: OutboxItem, method: Callable[..., Awaitable[Any]], **params: Any
    ) -> None:
        for attempt in (1, 2):
            try:
                await method(**params)
                return
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt == 2 or wait > self.max_retry_after:
                    raise DeliveryError(
                        f"Telegram flood control: retry after {wait:.0f} s"
                    ) from exc
                log.info("outbox item %d: Telegram flood control, waiting %.0f s", item.id, wait)
                await asyncio.sleep(wait)
            except Forbidden as exc:
                raise RecipientGone(exc.message) from exc
            except TimedOut as exc:
                if isinstance(exc.__cause__, NOT_SENT):
                    raise DeliveryError(f"Telegram not reached: {exc.message}") from exc
                log.warning(
                    "outbox item %d: no answer from Telegram in time; it may have arrived, "
                    "so it counts as delivered and is not sent again",
                    item.id,
                )
                return
            except BadRequest as exc:
                if any(reason in exc.message.lower() for reason in SETTLED):
                    log.info("outbox item %d: nothing to do (%s)", item.id, exc.message)
                    return
                raise DeliveryError(exc.message) from exc
            except TelegramError as exc:
                raise DeliveryError(exc.message) from exc


async def set_commands(bot: Bot, commands_by_language: dict[str, list[tuple[str, str]]]) -> None:
    """The command menu, once per language code ("" is the default for other languages)."""
    for language, commands in commands_by_language.items():
        await bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            language_code=language or None,
        )


def telegram_form(item: OutboxItem) -> tuple[str, InlineKeyboardMarkup | None, int | None]:
    """The text, the keyboard and the message to edit (if any) an item is sent as."""
    headers = item.headers or {}
    neutral = neutral_parts(headers)
    if neutral is None:  # written before the neutral form: already in Telegram's own
        edit = headers.get("edit_message_id")
        return item.body, _markup(headers.get("reply_markup")), None if edit is None else int(edit)
    buttons, replaces = neutral
    text = f"{item.subject}\n\n{item.body}"  # a chat message has no subject line of its own
    return text, _markup(keyboard(buttons)) if buttons else None, replaces


def keyboard(buttons: Buttons) -> dict[str, Any]:
    """An inline keyboard: rows of (label, callback data)."""
    return {
        "inline_keyboard": [
            [{"text": text, "callback_data": data} for text, data in row] for row in buttons
        ]
    }


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """The text in messages of at most `limit` UTF-16 units, cut at line ends where possible.

    Telegram counts UTF-16 code units, so an emoji outside the BMP takes two.
    """
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True):
        while _units(line) > limit:  # a line longer than a message: cut it at a space
            if current:
                parts.append("".join(current))
                current, size = [], 0
            cut = _cut(line, limit)
            parts.append(line[:cut])
            line = line[cut:]
        if size + _units(line) > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += _units(line)
    parts.append("".join(current))
    return [part.rstrip() for part in parts if part.strip()]


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(line: str, limit: int) -> int:
    """Where to cut a too long line: after the last space that fits, else at the limit."""
    units = 0
    for index, char in enumerate(line):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            space = line.rfind(" ", 0, index)
            return space + 1 if space > 0 else index
    return len(line)


def _chat_id(recipient: str) -> int | str:
    """A chat id is a number; a public channel may also be given as @name."""
    try:
        return int(recipient)
    except ValueError:
        return recipient


def _markup(value: Any) -> InlineKeyboardMarkup | None:
    if not value:
        return None
    if not isinstance(value, dict) or "inline_keyboard" not in value:
        raise DeliveryError(f"unsupported reply_markup (only inline keyboards): {value!r}")
    return InlineKeyboardMarkup.de_json(value, None)
