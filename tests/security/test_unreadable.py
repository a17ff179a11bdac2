"""A message past the reading limits is quarantined at its first try, and its sender told once
why, in their language; an automatic one is never answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import Portal
from bot.pipeline.processor import Processor
from store import inbox
from store.outbox import OutboxItem
from tests.factories import keep_in_inbox
from tests.security import pathological
from tests.security.pathological import NEED, SENDER

WIDE = pathological.wide_mime(5_000)
PARTS = "unreadable: it has more than 200 parts (attachments and alternatives)"


def keep(portal: Portal, raw: bytes, sender: str = SENDER, message_id: str = "<p@x>") -> int:
    item_id, created = keep_in_inbox(portal, raw, sender=sender, message_id=message_id)
    assert created
    return item_id


def state(portal: Portal, item_id: int) -> tuple[str, int, str | None]:
    with portal.sessions() as session:
        item = session.get_one(inbox.InboxItem, item_id)
        return item.status, item.attempts, item.error


def outbox(portal: Portal) -> list[OutboxItem]:
    with portal.sessions() as session:
        return list(session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


@pytest.mark.parametrize(
    ("raw", "error", "said"),
    [
        pytest.param(WIDE, PARTS, "because it has more than 200 parts", id="parts"),
        pytest.param(
            pathological.deep_mime(100),
            "unreadable: its parts are nested more than 25 levels deep",
            "because its parts are nested more than 25 levels deep",
            id="depth",
        ),
        pytest.param(
            pathological.folded_header(200_000),
            "unreadable: one of its header lines is longer than 64 KB",
            "because one of its header lines is longer than 64 KB",
            id="header-line",
        ),
    ],
)
def test_an_unreadable_message_is_quarantined_at_once_and_answered_once(
    portal: Portal, raw: bytes, error: str, said: str
) -> None:
    item_id = keep(portal, raw)
    processor = Processor(portal.sessions, portal.settings)
    assert processor.process_next() == item_id
    assert state(portal, item_id) == ("quarantined", 1, error)
    assert processor.process_next() is None  # never tried again
    (reply,) = outbox(portal)
    assert (reply.recipient, reply.kind, reply.subject) == (
        SENDER,
        "unreadable",
        "We could not read your message",
    )
    assert said in reply.body
    assert "send the need or offer again as a new, plain-text message" in reply.body
    assert reply.error_key == "unreadable"


def test_the_next_message_is_handled_as_usual(people: Portal) -> None:
    portal = people  # Vong Saysana is a focal point of Lao PDR
    unreadable = keep(portal, WIDE)
    readable = keep(portal, pathological.email(NEED), message_id="<next@x>")
    assert Processor(portal.sessions, portal.settings).process_all() == 2
    assert state(portal, unreadable) == ("quarantined", 1, PARTS)
    assert state(portal, readable)[:2] == ("done", 1)
    assert [(o.recipient, o.kind) for o in outbox(portal)] == [
        (SENDER, "unreadable"),
        (SENDER, "receipt"),
        ("isu@ccm.example", "pending_for_secretariat"),
    ]


def test_the_reply_is_in_the_language_of_a_registered_sender(people: Portal) -> None:
    keep(people, WIDE, sender="rana@lmac.example")  # a focal point of Lebanon, in French
    Processor(people.sessions, people.settings).process_all()
    (reply,) = outbox(people)
    assert reply.recipient == "rana@lmac.example"
    assert reply.subject == "Nous n'avons pas pu lire votre message"
    assert "car il compte plus de 200 parties" in reply.body


@pytest.mark.parametrize(
    ("raw", "sender"),
    [
        pytest.param(
            pathological.wide_mime(5_000).replace(
                b"MIME-Version", b"Auto-Submitted: auto-replied\r\nMIME-Version"
            ),
            SENDER,
            id="auto-submitted",
        ),
        pytest.param(
            pathological.wide_mime(5_000).replace(b"Subject: NEED", b"Subject: Out of office"),
            SENDER,
            id="out-of-office",
        ),
        pytest.param(WIDE, "", id="null-sender"),
    ],
)
def test_an_automatic_unreadable_message_is_quarantined_without_a_reply(
    portal: Portal, raw: bytes, sender: str
) -> None:
    item_id = keep(portal, raw, sender=sender)
    assert Processor(portal.sessions, portal.settings).process_next() == item_id
    assert state(portal, item_id) == ("quarantined", 1, PARTS)
    assert outbox(portal) == []


def test_a_flood_of_unreadable_messages_is_answered_once_a_day(portal: Portal) -> None:
    ids = [keep(portal, WIDE, message_id=f"<p{n}@x>") for n in range(3)]
    assert Processor(portal.sessions, portal.settings).process_all() == 3
    assert [state(portal, i) for i in ids] == [("quarantined", 1, PARTS)] * 3
    assert [o.kind for o in outbox(portal)] == ["unreadable"]
