"""Telegram by webhook: an update is answered 200 only once it is in the inbox."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from aiohttp import web
from telegram import Update

from bot.channels.telegram.polling import Keep, describe

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_secret(key: bytes) -> str:
    """The secret Telegram sends back with each update (derived from the portal's key)."""
    return hmac.new(key, b"telegram-webhook", hashlib.sha256).hexdigest()[:64]


def add_route(
    app: web.Application, secret: str, keep: Keep, on_stored: Callable[[int], None] | None = None
) -> None:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), None)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        sender, recipients, message_id, raw = describe(update)
        try:
            item_id = await asyncio.to_thread(keep, sender, recipients, message_id, raw)
        except Exception:  # Telegram retries what is not answered 200
            log.exception("webhook update %s not kept", update.update_id)
            return web.Response(status=500)
        if on_stored is not None:
            on_stored(item_id)
        return web.Response(status=200)

    app.router.add_post(PATH, receive)
