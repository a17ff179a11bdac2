"""The Telegram channel: the real python-telegram-bot against our fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import select
from telegram import Bot, Update

from bot.app import Portal
from bot.channels.telegram.polling import ALLOWED_UPDATES, TelegramPoller, make_bot
from bot.channels.telegram.sending import RecipientGone, TelegramSender, set_commands
from bot.config import Settings
from bot.errors import ConfigError, DeliveryError
from bot.pipeline.delivery import Delivery
from bot.pipeline.intake import keeper
from store import outbox
from store.db import transaction
from store.inbox import InboxItem
from tests.fake_telegram import Call, FakeTelegram

CHAT = 4242
# PTB itself warns when it builds a RetryAfter (its int-to-timedelta migration), not our code.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
WAIT = 5.0  # seconds a condition may take before the test fails


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


def settings_for(telegram: FakeTelegram) -> Settings:
    return Settings(telegram_token=telegram.token, telegram_api=telegram.base_url)


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(settings_for(telegram)) as bot:
        yield bot


async def eventually(condition: Callable[[], bool], task: asyncio.Task[None]) -> None:
    """Wait until `condition` holds; fail if it does not within WAIT or the task dies."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while not condition():
        if task.done():
            task.result()
            raise AssertionError("the poller stopped early")
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def poll_until(poller: TelegramPoller, condition: Callable[[], bool]) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    try:
        await eventually(condition, task)
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)  # a long poll in progress ends at once


def inbox(portal: Portal) -> list[tuple[str, list[str], str | None, dict[str, object]]]:
    with portal.sessions() as session:
        items = session.scalars(select(InboxItem).order_by(InboxItem.id)).all()
        return [(i.sender, i.recipients, i.message_id, json.loads(i.raw)) for i in items]


def as_kept(update: dict[str, object]) -> dict[str, object]:
    """An update as the poller keeps it: PTB's to_dict() of what Telegram sent."""
    return Update.de_json(update, None).to_dict()


# ---- in -----------------------------------------------------------------------------------------
async def test_each_update_is_kept_once_before_it_is_confirmed(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    answer = await bot.send_message(CHAT, "Pending: N-2026-0001")
    message = telegram.push_message(CHAT, "/help", username="vong")
    edited = telegram.push_edited_message(CHAT, message["message"]["message_id"], "/list")
    pressed = telegram.push_callback(CHAT, "confirm:N-2026-0001", answer.message_id)
    post = telegram.push_channel_post(-1001234, "news")
    stored: list[int] = []
    poller = TelegramPoller(bot, keeper(portal.sessions, "telegram"), on_stored=stored.append)

    await poll_until(poller, lambda: telegram.confirmed_offset == post["update_id"] + 1)

    assert inbox(portal) == [
        (str(CHAT), [str(CHAT)], f"telegram-update:{message['update_id']}", as_kept(message)),
        (str(CHAT), [str(CHAT)], f"telegram-update:{edited['update_id']}", as_kept(edited)),
        (str(CHAT), [str(CHAT)], f"telegram-update:{pressed['update_id']}", as_kept(pressed)),
        ("", ["-1001234"], f"telegram-update:{post['update_id']}", as_kept(post)),
    ]
    assert inbox(portal)[0][3]["message"]["text"] == "/help"  # type: ignore[index]
    assert len(stored) == 4
    ids = [message["update_id"], edited["update_id"], pressed["update_id"], post["update_id"]]
    assert [batch for batch in telegram.deliveries if batch] == [ids]
    first_poll = telegram.calls_of("getUpdates")[0].params
    assert first_poll == {"timeout": 30, "allowed_updates": list(ALLOWED_UPDATES)}
    assert [call.method for call in telegram.sent] == ["sendMessage", "deleteWebhook"]


async def test_an_update_that_could_not_be_kept_is_fetched_again_and_kept_once(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    update = telegram.push_message(CHAT, "/help")
    keep = keeper(portal.sessions, "telegram")
    confirmed_while_keeping: list[int | None] = []

    def flaky_keep(sender: str, recipients: list[str], message_id: str | None, raw: bytes) -> int:
        confirmed_while_keeping.append(telegram.confirmed_offset)
        if len(confirmed_while_keeping) == 1:
            raise RuntimeError("database is locked")
        return keep(sender, recipients, message_id, raw)

    poller = TelegramPoller(bot, flaky_keep, retry_delay=0.01)
    await poll_until(poller, lambda: telegram.confirmed_offset == update["update_id"] + 1)

    assert confirmed_while_keeping == [None, None]  # nothing was confirmed before it was kept
    assert [batch for batch in telegram.deliveries if batch] == [[update["update_id"]]] * 2
    assert [row[2] for row in inbox(portal)] == [f"telegram-update:{update['update_id']}"]


async def test_an_update_delivered_twice_is_kept_once(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    first = telegram.push_message(CHAT, "/help", update_id=700)
    again = telegram.push_message(CHAT, "/help", update_id=700)
    stored: list[int] = []
    poller = TelegramPoller(bot, keeper(portal.sessions, "telegram"), on_stored=stored.append)

    await poll_until(poller, lambda: telegram.confirmed_offset == 701)

    assert first["update_id"] == again["update_id"] == 700
    assert telegram.deliveries[0] == [700, 700]
    assert len(stored) == 2 and stored[0] == stored[1]
    assert [row[2] for row in inbox(portal)] == ["telegram-update:700"]


async def test_a_restart_before_confirming_keeps_the_update_once(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    telegram.push_message(CHAT, "/help")
    keep = keeper(portal.sessions, "telegram")
    crash = asyncio.Event()
    stored: list[int] = []

    def stored_then_crash(item_id: int) -> None:  # stops it between keeping and confirming
        stored.append(item_id)
        crash.set()

    await TelegramPoller(bot, keep, on_stored=stored_then_crash).run(crash)
    assert telegram.confirmed_offset is None

    restarted = TelegramPoller(bot, keep, on_stored=stored.append)
    await poll_until(restarted, lambda: telegram.confirmed_offset == 2)

    assert len(stored) == 2 and stored[0] == stored[1]
    assert [row[2] for row in inbox(portal)] == ["telegram-update:1"]


async def test_polling_survives_a_bad_gateway(
    portal: Portal, telegram: FakeTelegram, bot: Bot
) -> None:
    telegram.fail_next("getUpdates", 502)
    telegram.push_message(CHAT, "/help")
    poller = TelegramPoller(bot, keeper(portal.sessions, "telegram"), retry_delay=0.01)

    await poll_until(poller, lambda: telegram.confirmed_offset == 2)

    assert [call.status for call in telegram.calls_of("getUpdates")][:2] == [502, 200]
    assert [row[2] for row in inbox(portal)] == ["telegram-update:1"]


async def test_a_rejected_token_stops_the_poller_without_showing_it(
    portal: Portal, telegram: FakeTelegram
) -> None:
    wrong = Settings(telegram_token="999:WRONG-secret", telegram_api=telegram.base_url)
    poller = TelegramPoller(make_bot(wrong), keeper(portal.sessions, "telegram"))

    with pytest.raises(ConfigError) as raised:
        await asyncio.wait_for(poller.run(asyncio.Event()), WAIT)

    assert str(raised.value) == "the Bot API rejected PORTAL_TELEGRAM_TOKEN"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert [(call.method, call.status) for call in telegram.calls] == [("getMe", 401)]


def test_the_fake_serves_sync_tests_from_its_own_thread() -> None:
    with FakeTelegram() as telegram:

        async def long_poll() -> tuple[Update, ...]:
            async with make_bot(settings_for(telegram)) as bot:
                threading.Timer(0.05, telegram.push_message, args=(CHAT, "/help")).start()
                return await asyncio.wait_for(bot.get_updates(timeout=30), WAIT)

        (update,) = asyncio.run(long_poll())

    assert update.message is not None and update.message.text == "/help"
    assert telegram.deliveries == [[1]]


# ---- out ----------------------------------------------------------------------------------------
def reply(body: str, recipient: int = CHAT, **headers: object) -> outbox.OutboxItem:
    return outbox.OutboxItem(
        id=1,
        channel="telegram",
        recipient=str(recipient),
        kind="receipt",
        body=body,
        headers=headers,
        message_id="<r1@portal.test>",
    )


async def test_a_reply_is_sent_as_plain_text(telegram: FakeTelegram, bot: Bot) -> None:
    await TelegramSender(bot).deliver(reply("Received: N-2026-0001 *Survey* <Laos>\n"))

    assert telegram.texts_to(CHAT) == ["Received: N-2026-0001 *Survey* <Laos>"]
    assert telegram.sent == [
        Call("sendMessage", {"chat_id": CHAT, "text": "Received: N-2026-0001 *Survey* <Laos>"})
    ]


async def test_a_long_reply_is_split_at_line_ends_in_order(
    telegram: FakeTelegram, bot: Bot
) -> None:
    lines = [f"{number:04d} " + "x" * 84 for number in range(100)]  # 100 lines of 90 characters
    text = "\n".join(lines) + "\n"
    assert len(text) == 9000

    await TelegramSender(bot).deliver(reply(text))

    assert telegram.texts_to(CHAT) == [
        "\n".join(lines[0:45]),
        "\n".join(lines[45:90]),
        "\n".join(lines[90:100]),
    ]


async def test_a_keyboard_goes_with_the_last_message(telegram: FakeTelegram, bot: Bot) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Confirm", "callback_data": "confirm:N-1"}]]}
    text = "a" * 4090 + "\n" + "b" * 10

    await TelegramSender(bot).deliver(reply(text, reply_markup=keyboard))

    first, last = telegram.messages_to(CHAT)
    assert (first["text"], "reply_markup" in first) == ("a" * 4090, False)
    assert (last["text"], last["reply_markup"]) == ("b" * 10, keyboard)


async def test_an_edit_changes_the_message(telegram: FakeTelegram, bot: Bot) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Confirm", "callback_data": "confirm:N-1"}]]}
    sent = await bot.send_message(CHAT, "N-2026-0001 is pending", reply_markup=None)

    await TelegramSender(bot).deliver(
        reply("N-2026-0001 is published", edit_message_id=sent.message_id, reply_markup=keyboard)
    )

    (message,) = telegram.messages_to(CHAT)
    assert (message["text"], message["reply_markup"]) == ("N-2026-0001 is published", keyboard)
    assert telegram.sent[-1] == Call(
        "editMessageText",
        {
            "chat_id": CHAT,
            "message_id": sent.message_id,
            "text": "N-2026-0001 is published",
            "reply_markup": keyboard,
        },
    )


async def test_a_button_press_is_answered(telegram: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "N-2026-0001 is pending")
    pressed = telegram.push_callback(CHAT, "confirm:N-2026-0001", sent.message_id)
    query_id = pressed["callback_query"]["id"]

    await TelegramSender(bot).deliver(reply("é" * 250, callback_query_id=query_id, alert=True))

    assert telegram.sent[-1] == Call(
        "answerCallbackQuery",
        {"callback_query_id": query_id, "text": "é" * 199 + "…", "show_alert": True},
    )


async def test_flood_control_is_waited_out_once(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.fail_next("sendMessage", 429, retry_after=1)

    await TelegramSender(bot).deliver(reply("Received."))

    assert [call.status for call in telegram.calls_of("sendMessage")] == [429, 200]
    assert telegram.texts_to(CHAT) == ["Received."]


async def test_a_long_flood_wait_is_left_to_the_outbox(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.fail_next("sendMessage", 429, retry_after=300)

    with pytest.raises(DeliveryError, match="retry after 300 s") as raised:
        await TelegramSender(bot).deliver(reply("Received."))

    assert not isinstance(raised.value, RecipientGone)
    assert telegram.texts_to(CHAT) == []


async def test_a_user_who_blocked_the_bot_is_gone(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")

    with pytest.raises(RecipientGone, match="^Forbidden: bot was blocked by the user$"):
        await TelegramSender(bot).deliver(reply("Received."))

    assert telegram.texts_to(CHAT) == []


async def test_a_refused_message_is_a_delivery_error(telegram: FakeTelegram, bot: Bot) -> None:
    telegram.fail_next("sendMessage", 400, "Bad Request: chat not found")

    with pytest.raises(DeliveryError, match="^Chat not found$"):
        await TelegramSender(bot).deliver(reply("Received."))


async def test_a_timed_out_message_is_not_sent_again(
    portal: Portal, telegram: FakeTelegram
) -> None:
    with transaction(portal.sessions) as session:
        item = reply("Received.")
        item.id = None  # type: ignore[assignment]
        session.add(item)
        session.flush()
        item_id = item.id
    telegram.slow_next("sendMessage", 30)
    async with make_bot(settings_for(telegram), timeout=0.3) as impatient:
        delivery = Delivery(portal.sessions, {"telegram": TelegramSender(impatient)})
        assert await delivery.deliver_due() == 1
        assert await delivery.deliver_due() == 0

    assert telegram.texts_to(CHAT) == ["Received."]
    assert len(telegram.calls_of("sendMessage")) == 1
    with portal.sessions() as session:
        assert session.get_one(outbox.OutboxItem, item_id).status == outbox.SENT


async def test_commands_are_set_per_language(telegram: FakeTelegram, bot: Bot) -> None:
    await set_commands(
        bot,
        {
            "": [("help", "How to use the portal"), ("need", "Publish a need")],
            "fr": [("help", "Mode d'emploi du portail")],
            "es": [("help", "Cómo usar el portal")],
        },
    )

    assert telegram.commands == {
        "": [
            {"command": "help", "description": "How to use the portal"},
            {"command": "need", "description": "Publish a need"},
        ],
        "fr": [{"command": "help", "description": "Mode d'emploi du portail"}],
        "es": [{"command": "help", "description": "Cómo usar el portal"}],
    }
    assert [call.params.get("language_code") for call in telegram.sent] == [None, "fr", "es"]
