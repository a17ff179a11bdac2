"""A message in prose in the Telegram chat gets a draft; "OK" sent next makes the record."""

from __future__ import annotations

from datetime import date

from store.records import list_records
from tests.fake_telegram import FakeTelegram
from tests.flows.test_telegram import VONG, chat, fake, telegram_settings, wait_for
from tests.harness import RunningPortal

__all__ = ["chat", "fake", "telegram_settings"]  # the fixtures of the Telegram flows

PROSE = "We need two technical survey teams in Attapeu next year, about USD 180,000."


def test_a_prose_message_in_telegram_gets_a_draft_and_ok_makes_the_record(
    chat: RunningPortal, fake: FakeTelegram
) -> None:
    fake.push_message(VONG, PROSE)
    (draft,) = wait_for(fake, VONG, 1)
    assert draft["text"].startswith("Please check this draft (need): We need two technical survey")
    assert "Amount: 180,000 USD" in draft["text"].splitlines()
    with chat.portal.sessions() as session:
        assert list_records(session) == []

    fake.push_message(VONG, "ok")
    receipt = wait_for(fake, VONG, 2)[1]
    assert receipt["text"].startswith("Received: N-2026-0001 ")
    fake.push_message(VONG, "ok")  # the same draft, again: nothing new
    again = wait_for(fake, VONG, 3)[2]
    assert again["text"].startswith("Already submitted: N-2026-0001 ")
    with chat.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.kind, record.countries, record.areas) == (
            "need",
            ["LAO"],
            ["art4.survey.technical"],
        )
        assert record.period_start == date(date.today().year + 1, 1, 1)
