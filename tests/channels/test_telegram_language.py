"""In Telegram, the language a person chose beats their app's; what they write still tells."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import Portal
from bot.channels.telegram.front import TelegramFront
from bot.context import Context
from bot.envelope import Inbound
from bot.people import registry
from store.db import transaction
from store.inbox import InboxItem

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stored", "text", "app", "language"),
    [
        ("fr", "/list", "en", "fr"),  # chosen (or learned) beats the app's
        ("fr", "Hello, please show our records", "en", "en"),  # the message tells
        (None, "/list", "es", "es"),  # nothing stored: the app's
        (None, "/list", None, "en"),
    ],
)
def test_the_language_of_a_telegram_answer(
    portal: Portal, stored: str | None, text: str, app: str | None, language: str
) -> None:
    with transaction(portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="LAO", email="vong@nra.example", language=stored, telegram_id=77
        )
    inbound = Inbound(channel="telegram", sender="77", subject="", text=text, language=app)
    with transaction(portal.sessions) as session:
        ctx = Context(session, portal.settings, inbound, None, now=NOW)
        assert TelegramFront().admit(ctx, InboxItem(id=1)) is None
        assert ctx.person is not None and ctx.language == language
