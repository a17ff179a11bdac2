"""One Outbound, each channel's form: Telegram joins and makes keyboards, email ignores buttons;
items written before the neutral form are still delivered as they were written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.app import Portal
from bot.channels.email.sending import EmailSender, MaildirSender
from bot.channels.telegram.polling import make_bot
from bot.channels.telegram.sending import TelegramSender
from bot.config import Settings
from bot.envelope import PARTS, Outbound, outbox_item
from bot.pipeline.delivery import Delivery
from store import outbox
from store.base import utcnow
from store.db import transaction
from tests.fake_telegram import Call, FakeTelegram
from tests.harness import read_maildir

CHAT = 4242
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
KEYBOARD = {
    "inline_keyboard": [
        [
            {"text": "Confirm", "callback_data": "confirm:N-2026-0001"},
            {"text": "Reject", "callback_data": "reject:N-2026-0001"},
        ]
    ]
}
BUTTONS = ((("Confirm", "confirm:N-2026-0001"), ("Reject", "reject:N-2026-0001")),)


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    settings = Settings(telegram_token=telegram.token, telegram_api=telegram.base_url)
    async with make_bot(settings) as bot:
        yield bot


def keep(portal: Portal, *items: outbox.OutboxItem) -> list[int]:
    with transaction(portal.sessions) as session:
        session.add_all(items)
        session.flush()
        return [item.id for item in items]


def neutral(**changes: object) -> outbox.OutboxItem:
    parts: dict[str, object] = {
        "channel": "telegram",
        "recipient": str(CHAT),
        "kind": "review_request",
        "subject": "Pending: N-2026-0001",
        "body": "Confirm it?",
        "buttons": BUTTONS,
    }
    parts.update(changes)
    message_id = f"<{parts['kind']}.{len(str(changes))}@portal.test>"
    return outbox_item(Outbound(**parts), message_id=message_id, created_at=utcnow())  # type: ignore[arg-type]


async def test_a_neutral_item_is_kept_apart_and_sent_joined_with_its_keyboard(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    (item_id,) = keep(portal, neutral())
    with portal.sessions() as session:
        kept = session.get_one(outbox.OutboxItem, item_id)
        assert (kept.subject, kept.body) == ("Pending: N-2026-0001", "Confirm it?")
        assert kept.headers == {
            PARTS: {
                "buttons": [[["Confirm", "confirm:N-2026-0001"], ["Reject", "reject:N-2026-0001"]]]
            }
        }

    assert await Delivery(portal.sessions, {"telegram": TelegramSender(bot)}).deliver_due() == 1

    assert telegram.sent == [
        Call(
            "sendMessage",
            {
                "chat_id": CHAT,
                "text": "Pending: N-2026-0001\n\nConfirm it?",
                "reply_markup": KEYBOARD,
            },
        )
    ]


async def test_a_neutral_item_that_replaces_a_message_edits_it(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_message(CHAT, "Pending: N-2026-0001", reply_markup=None)
    keep(portal, neutral(subject="Published", body="N-2026-0001", replaces=sent.message_id))

    assert await Delivery(portal.sessions, {"telegram": TelegramSender(bot)}).deliver_due() == 1

    assert telegram.sent[-1] == Call(
        "editMessageText",
        {
            "chat_id": CHAT,
            "message_id": sent.message_id,
            "text": "Published\n\nN-2026-0001",
            "reply_markup": KEYBOARD,
        },
    )


async def test_items_waiting_in_the_old_shape_are_delivered_as_before(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    """Written before the upgrade: the subject joined to the body, the keyboard as Telegram's."""
    sent = await bot.send_message(CHAT, "Pending: N-2026-0002", reply_markup=None)
    keep(
        portal,
        outbox.OutboxItem(
            channel="telegram",
            recipient=str(CHAT),
            kind="review_request",
            subject="Pending: N-2026-0001",
            body="Pending: N-2026-0001\n\nConfirm it?",
            headers={"reply_markup": KEYBOARD},
            message_id="<old.1@portal.test>",
        ),
        outbox.OutboxItem(
            channel="telegram",
            recipient=str(CHAT),
            kind="form",
            subject="Published",
            body="Published\n\nN-2026-0002",
            headers={"edit_message_id": sent.message_id},
            message_id="<old.2@portal.test>",
        ),
    )

    assert await Delivery(portal.sessions, {"telegram": TelegramSender(bot)}).deliver_due() == 2

    assert telegram.sent[1:] == [
        Call(
            "sendMessage",
            {
                "chat_id": CHAT,
                "text": "Pending: N-2026-0001\n\nConfirm it?",
                "reply_markup": KEYBOARD,
            },
        ),
        Call(
            "editMessageText",
            {"chat_id": CHAT, "message_id": sent.message_id, "text": "Published\n\nN-2026-0002"},
        ),
    ]
    with portal.sessions() as session:
        statuses = session.scalars(select(outbox.OutboxItem.status)).all()
        assert statuses == ["sent", "sent"]


async def test_an_email_gets_the_subject_and_body_and_no_buttons(
    portal: Portal, tmp_path: Path
) -> None:
    keep(portal, neutral(channel="email", recipient="vong@nra.example", replaces=7))
    sender = EmailSender(
        MaildirSender(tmp_path / "maildir"),
        from_name="Cooperation Portal",
        from_address="submit@portal.test",
    )

    assert await Delivery(portal.sessions, {"email": sender}).deliver_due() == 1

    (mail,) = read_maildir(tmp_path / "maildir")
    assert (mail["To"], mail["Subject"]) == ("vong@nra.example", "Pending: N-2026-0001")
    assert mail.get_content() == "Confirm it?\n"
    assert sorted(mail.keys()) == [  # noqa: SIM118 (the names, not membership)
        "Auto-Submitted",
        "Content-Transfer-Encoding",
        "Content-Type",
        "Date",
        "From",
        "MIME-Version",
        "Message-ID",
        "Reply-To",
        "Subject",
        "To",
    ]
