"""Read a stored Telegram update into an Inbound; say which updates must never act."""

from __future__ import annotations

import json
from typing import Any

from bot.envelope import Inbound
from bot.parsing.language import detect_language
from bot.parsing.parser import clean_text


def read_update(raw: bytes) -> Inbound:
    """The update as an Inbound; NUL and control characters, which JSON may carry and a text
    column cannot keep, are removed from every value kept (newlines stay in the text)."""
    update: dict[str, Any] = json.loads(raw, object_hook=_cleaned)
    update_id = update.get("update_id")
    if "callback_query" in update:
        query = update["callback_query"]
        user = query.get("from") or {}
        message = query.get("message") or {}
        chat = (message.get("chat") or {}).get("id", user.get("id"))
        return Inbound(
            channel="telegram",
            sender=str(user.get("id", "")),
            subject="",
            text="",
            message_id=f"telegram-update:{update_id}",
            recipients=(str(chat),),
            automatic=_not_a_person(user),
            language=_language(user),
            chat=str(chat),
            callback_id=str(query.get("id", "")),
            callback_data=query.get("data") or "",
            callback_message_id=message.get("message_id"),
        )
    key = next((k for k in _KINDS if k in update), None)
    if key is None:
        return Inbound(
            channel="telegram",
            sender="",
            subject="",
            text="",
            message_id=f"telegram-update:{update_id}",
            automatic="not a message",
        )
    message, reason = update[key], _KINDS[key]
    user = message.get("from") or {}
    chat = message.get("chat") or {}
    text = message.get("text") or message.get("caption") or ""
    return Inbound(
        channel="telegram",
        sender=str(user.get("id", "")),
        subject="",
        text=text,
        message_id=f"telegram-update:{update_id}",
        recipients=(str(chat.get("id", "")),),
        automatic=reason or _not_a_person(user) or _not_private(message),
        language=detect_language("", text) or _language(user),
        chat=str(chat.get("id", "")),
    )


_KINDS = {  # what each kind of update is, when it must never act (None: a message that may)
    "message": None,
    "edited_message": "edited message",
    "channel_post": "channel post",
    "edited_channel_post": "channel post",
}


def _cleaned(values: dict[str, Any]) -> dict[str, Any]:
    return {k: clean_text(v) if isinstance(v, str) else v for k, v in values.items()}


def _not_a_person(user: dict[str, Any]) -> str | None:
    if not user.get("id"):
        return "no sender"
    if user.get("is_bot"):
        return "a bot"
    return None


def _not_private(message: dict[str, Any]) -> str | None:
    if message.get("sender_chat"):
        return "anonymous admin or channel"
    if (message.get("chat") or {}).get("type") != "private":
        return "not a private chat"
    return None


def _language(user: dict[str, Any]) -> str | None:
    code = (user.get("language_code") or "")[:2]
    return code if code in ("en", "fr", "es") else None
