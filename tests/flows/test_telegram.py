"""The portal in Telegram, through the real python-telegram-bot and our fake Bot API server."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.app import Portal
from bot.config import Settings
from bot.people import registry
from bot.records.views import vocabulary
from digests.period import period_of
from digests.send import ensure_period
from store.base import utcnow
from store.db import transaction
from store.people import person_by_email
from store.records import list_records
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.flows.test_conversation import new_mail
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email, free_port

VONG, ISU, SUBSCRIBER = 7001, 7002, 7003


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def telegram_settings(settings: Settings, fake: FakeTelegram) -> Settings:
    return settings.with_changes(
        telegram_token=TOKEN, telegram_api=fake.base_url, smtp_listen=f"127.0.0.1:{free_port()}"
    )


def start(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> RunningPortal:
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    monkeypatch.setattr("bot.channels.telegram.polling.POLL_TIMEOUT", 1)
    return RunningPortal(Portal.open(settings)).start()


@pytest.fixture
def chat(
    telegram_settings: Settings, portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningPortal]:
    """The portal with Telegram on; Lao PDR's focal point and the secretariat both linked."""
    with transaction(portal.sessions) as session:
        registry.add_focal_point(
            session,
            actor_name="LAO",
            email="vong@nra.example",
            name="Vong Saysana",
            telegram_id=VONG,
        )
        registry.add_secretariat(session, email="isu@ccm.example", name="ISU desk", telegram_id=ISU)
    running = start(telegram_settings, monkeypatch)
    yield running
    running.stop()
    running.portal.close()


def wait_for(
    fake: FakeTelegram, chat_id: int, count: int, timeout: float = 15
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = fake.messages_to(chat_id)
        if len(messages) >= count:
            return messages
        time.sleep(0.05)
    raise AssertionError(f"chat {chat_id}: {fake.texts_to(chat_id)}")


def buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def test_link_a_focal_point_with_a_code_sent_by_email(
    telegram_settings: Settings,
    portal: Portal,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with transaction(portal.sessions) as session:
        registry.add_focal_point(session, actor_name="LAO", email="vong@nra.example")
    running = start(telegram_settings, monkeypatch)
    try:
        running.send(email("vong@nra.example", "LINK", ""))
        (mail,) = new_mail(running, 0, 1)
        code = re.search(r"/start ([A-Z0-9]{8})", mail.get_content()).group(1)  # type: ignore[union-attr]
        fake.push_message(VONG, f"/start {code}")
        (welcome,) = wait_for(fake, VONG, 1)
        assert welcome["text"].startswith("Linked: welcome")
        fake.push_message(VONG, f"/start {code}")  # a code works once
        assert wait_for(fake, VONG, 2)[1]["text"].startswith("Welcome back")
    finally:
        running.stop()
        running.portal.close()
    with portal.sessions() as session:
        person = person_by_email(session, "vong@nra.example")
        assert person is not None and person.telegram_id == VONG
    assert set(fake.commands) == {"", "fr", "es"}
    assert [c["command"] for c in fake.commands["fr"]][:3] == ["help", "need", "offer"]


def guided_need(fake: FakeTelegram) -> None:
    """Vong answers the /need questions up to the summary."""
    codes = vocabulary().area_codes
    fake.push_message(VONG, "/need")
    assert wait_for(fake, VONG, 1)[-1]["text"].startswith("New need: the title")
    fake.push_message(VONG, "Technical survey teams for Savannakhet")
    areas = wait_for(fake, VONG, 2)[-1]
    assert areas["text"].startswith("Which areas?")
    fake.push_callback(VONG, f"f:area:{codes.index('art4.survey.technical')}", areas["message_id"])
    fake.push_message(VONG, "clearance")  # typed instead of pressed
    edited = wait_for(fake, VONG, 3)
    fake.push_callback(VONG, "f:done", edited[-1]["message_id"])
    forms = wait_for(fake, VONG, 4)[-1]
    assert forms["text"].startswith("Which forms of assistance?")
    fake.push_callback(
        VONG,
        buttons(forms)[
            "Financial" if "Financial" in buttons(forms) else next(iter(buttons(forms)))
        ],
        forms["message_id"],
    )
    fake.push_callback(VONG, "f:done", forms["message_id"])
    assert wait_for(fake, VONG, 5)[-1]["text"].startswith("The amount (optional)")
    fake.push_message(VONG, "250000 USD")
    period = wait_for(fake, VONG, 6)[-1]
    fake.push_callback(VONG, "f:skip", period["message_id"])
    assert wait_for(fake, VONG, 7)[-1]["text"].startswith("The description")
    fake.push_message(VONG, "Six teams for eighteen months.")


def test_a_guided_need_confirmed_with_the_secretariat_button(
    chat: RunningPortal, fake: FakeTelegram
) -> None:
    guided_need(fake)
    summary = wait_for(fake, VONG, 8)[-1]
    assert summary["text"].startswith("Please check your need")
    assert "Areas: technical survey, clearance" in summary["text"]
    assert "Amount: 250,000 USD" in summary["text"]
    fake.push_callback(VONG, buttons(summary)["Submit"], summary["message_id"])
    receipt = wait_for(fake, VONG, 9)[-1]
    assert receipt["text"].startswith("Received: N-2026-0001 Technical survey teams")

    (notice,) = wait_for(fake, ISU, 1)
    assert notice["text"].startswith("New need to check: N-2026-0001")
    assert buttons(notice) == {"Confirm": "confirm:N-2026-0001", "Reject": "reject:N-2026-0001"}
    fake.push_callback(ISU, "confirm:N-2026-0001", notice["message_id"])
    fake.push_callback(ISU, "confirm:N-2026-0001", notice["message_id"])  # pressed twice
    told = wait_for(fake, VONG, 10)[-1]
    assert told["text"].startswith("Published: N-2026-0001")
    chat.settled()
    answers = [
        c.params.get("text")
        for c in fake.calls_of("answerCallbackQuery")
        if str(c.params.get("callback_query_id", "")).endswith(str(ISU))
    ]
    assert answers == [
        "N-2026-0001 is published; its focal points are told.",
        "N-2026-0001 was already decided by someone else.",
    ]
    with chat.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.status, record.amount, record.areas) == (
            "published",
            250000,
            ["art4.survey.technical", "art4.clearance"],
        )


def test_a_restart_in_the_middle_of_the_form_resumes_it(
    telegram_settings: Settings,
    chat: RunningPortal,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake.push_message(VONG, "/need")
    fake.push_message(VONG, "Survey teams")
    wait_for(fake, VONG, 2)
    chat.settled()
    chat.stop()
    again = start(telegram_settings, monkeypatch)
    try:
        fake.push_message(VONG, "risk education")
        message = wait_for(fake, VONG, 3)[-1]
        assert message["text"].startswith("Which areas?")
        assert "✓ risk education" in buttons(message)
    finally:
        again.stop()
        again.portal.close()


def test_an_update_delivered_twice_is_handled_once(chat: RunningPortal, fake: FakeTelegram) -> None:
    fake.push_message(VONG, "/list", update_id=900)
    fake.push_message(VONG, "/list", update_id=900)
    wait_for(fake, VONG, 1)
    chat.settled()
    assert len(fake.messages_to(VONG)) == 1


def test_edits_channel_posts_and_strangers_change_nothing(
    chat: RunningPortal, fake: FakeTelegram
) -> None:
    fake.push_edited_message(VONG, 1, "/need")
    fake.push_channel_post(-100123, "/need")
    fake.push_message(9999, "CONFIRM N-2026-0001")
    wait_for(fake, 9999, 1)
    chat.settled()
    assert fake.messages_to(VONG) == []
    assert fake.texts_to(9999)[0].startswith("How to use the Cooperation Portal")


def test_email_need_confirmed_in_telegram_reaches_a_telegram_subscriber(
    chat: RunningPortal, fake: FakeTelegram
) -> None:
    fake.push_message(SUBSCRIBER, "/subscribe")
    assert wait_for(fake, SUBSCRIBER, 1)[0]["text"].startswith("Subscribed")
    chat.send(email("vong@nra.example", "NEED", LAO_NEED))
    notice = wait_for(fake, ISU, 1)[0]
    fake.push_callback(ISU, "confirm:N-2026-0001", notice["message_id"])
    wait_for(fake, VONG, 1)  # Vong is linked: told in Telegram
    chat.settled()
    now = utcnow()
    ensure_period(chat.portal.sessions, chat.portal.settings, period_of(now, "UTC"), now)
    digest = wait_for(fake, SUBSCRIBER, 2)[1]["text"]
    assert digest.startswith(f"Your weekly digest ({period_of(now, 'UTC')})")
    assert "N-2026-0001 Technical survey teams for two districts of Savannakhet" in digest


def test_a_user_who_blocked_the_bot_is_written_to_by_email(
    chat: RunningPortal, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    chat.send(email("vong@nra.example", "NEED", LAO_NEED))
    chat.settled()
    assert fake.messages_to(ISU) == []
    with chat.portal.sessions() as session:
        isu = person_by_email(session, "isu@ccm.example")
        assert isu is not None and isu.telegram_active is False
    chat.send(email("vong@nra.example", "NEED", LAO_NEED.replace("two", "three")))
    chat.settled()
    to_isu = [m["Subject"] for m in chat.mail(3) if m["To"] == "isu@ccm.example"]
    assert to_isu == [
        "New need to check: N-2026-0002 Technical survey teams for three districts of Savannakhet"
    ]


def test_a_guided_offer_finds_countries_by_typing(chat: RunningPortal, fake: FakeTelegram) -> None:
    with transaction(chat.portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="NPA", email="kari@npaid.example", telegram_id=SUBSCRIBER
        )
    fake.push_message(SUBSCRIBER, "/offer")
    wait_for(fake, SUBSCRIBER, 1)
    fake.push_message(SUBSCRIBER, "Survey teams for the region")
    assert wait_for(fake, SUBSCRIBER, 2)[-1]["text"].startswith("Which countries or regions")
    fake.push_message(SUBSCRIBER, "south-eastern")
    choices = wait_for(fake, SUBSCRIBER, 3)[-1]
    assert buttons(choices)["South-eastern Asia"] == "f:place:region:035"
    fake.push_callback(SUBSCRIBER, "f:place:region:035", choices["message_id"])
    fake.push_message(SUBSCRIBER, "Liban")
    lebanon = wait_for(fake, SUBSCRIBER, 5)[-1]
    fake.push_callback(SUBSCRIBER, buttons(lebanon)["Lebanon"], lebanon["message_id"])
    fake.push_callback(SUBSCRIBER, "f:done", lebanon["message_id"])
    assert wait_for(fake, SUBSCRIBER, 7)[-1]["text"].startswith("Which areas?")
    fake.push_message(SUBSCRIBER, "technical survey")
    fake.push_callback(SUBSCRIBER, "f:done", wait_for(fake, SUBSCRIBER, 8)[-1]["message_id"])
    fake.push_message(SUBSCRIBER, "training")
    fake.push_callback(SUBSCRIBER, "f:done", wait_for(fake, SUBSCRIBER, 10)[-1]["message_id"])
    fake.push_callback(SUBSCRIBER, "f:skip", wait_for(fake, SUBSCRIBER, 11)[-1]["message_id"])
    fake.push_callback(SUBSCRIBER, "f:skip", wait_for(fake, SUBSCRIBER, 12)[-1]["message_id"])
    fake.push_message(SUBSCRIBER, "Accredited teams and training.")
    summary = wait_for(fake, SUBSCRIBER, 14)[-1]
    assert "Country: South-eastern Asia, Lebanon" in summary["text"]
    fake.push_callback(SUBSCRIBER, buttons(summary)["Submit"], summary["message_id"])
    assert wait_for(fake, SUBSCRIBER, 15)[-1]["text"].startswith("Received: O-2026-0001")
    with chat.portal.sessions() as session:
        (offer,) = list_records(session)
        assert offer.countries == ["region:035", "LBN"]


def test_the_secretariat_rejects_with_a_reason_in_the_chat(
    chat: RunningPortal, fake: FakeTelegram
) -> None:
    chat.send(email("vong@nra.example", "NEED", LAO_NEED))
    notice = wait_for(fake, ISU, 1)[0]
    fake.push_callback(ISU, "reject:N-2026-0001", notice["message_id"])
    assert wait_for(fake, ISU, 2)[-1]["text"].startswith("Why do you reject N-2026-0001?")
    fake.push_message(ISU, "The amount is for the whole country, please split it.")
    assert wait_for(fake, ISU, 3)[-1]["text"].startswith("Rejected: N-2026-0001")
    told = wait_for(fake, VONG, 1)[0]["text"]
    assert told.startswith("Not published: N-2026-0001")
    assert "The amount is for the whole country, please split it." in told


def test_a_form_left_for_a_day_is_dropped(chat: RunningPortal, fake: FakeTelegram) -> None:
    from datetime import timedelta

    from store.telegram import Conversation

    fake.push_message(VONG, "/need")
    wait_for(fake, VONG, 1)
    chat.settled()
    with transaction(chat.portal.sessions) as session:
        form = session.get_one(Conversation, VONG)
        form.updated_at = utcnow() - timedelta(days=1, minutes=1)
    fake.push_message(VONG, "A title too late")
    assert wait_for(fake, VONG, 2)[-1]["text"].startswith("Your form has expired")


def test_webhook_mode_checks_the_secret_and_answers_after_storing(
    telegram_settings: Settings,
    portal: Portal,
    fake: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json
    import urllib.error
    import urllib.request

    from bot.channels.telegram.webhook import SECRET_HEADER, webhook_secret
    from store.inbox import InboxItem

    http_port = free_port()
    url = f"http://127.0.0.1:{http_port}/telegram/webhook"
    running = start(
        telegram_settings.with_changes(
            telegram_webhook_url=url, http_listen=f"127.0.0.1:{http_port}"
        ),
        monkeypatch,
    )
    try:
        deadline = time.monotonic() + 10
        while fake.webhook_url != url and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.webhook_url == url
        update = {
            "update_id": 5000,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/help",
                "chat": {"id": VONG, "type": "private"},
                "from": {"id": VONG, "is_bot": False, "first_name": "Vong"},
            },
        }

        def post(secret: str) -> int:
            request = urllib.request.Request(
                url,
                data=json.dumps(update).encode(),
                method="POST",
                headers={SECRET_HEADER: secret, "Content-Type": "application/json"},
            )
            try:
                return urllib.request.urlopen(request, timeout=10).status
            except urllib.error.HTTPError as refused:
                return refused.code

        assert post("not the secret") == 403
        secret = webhook_secret(telegram_settings.secret_key.encode())
        assert post(secret) == 200
        assert post(secret) == 200  # Telegram sent it again: kept once
        assert wait_for(fake, VONG, 1)[0]["text"].startswith("How to use the Cooperation Portal")
        running.settled()
        with running.portal.sessions() as session:
            assert session.query(InboxItem).count() == 1
        assert fake.calls_of("getUpdates") == []
    finally:
        running.stop()
        running.portal.close()
