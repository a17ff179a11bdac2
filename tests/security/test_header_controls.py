"""NUL and control characters in the header values the portal keeps or quotes are removed:
such a message is answered normally, on PostgreSQL (whose text columns cannot hold NUL) too."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import Portal
from bot.pipeline.processor import Processor
from store import inbox
from store.base import utcnow
from store.db import transaction
from store.outbox import OutboxItem
from store.records import Record
from tests.security.pathological import NEED, SENDER, TITLE, email

CONTROLS = b"\x00\x01\x08\x0e\x1b\x7f"
NEED_ID = f"N-{utcnow().year}-0001"


def handled(portal: Portal, raw: bytes) -> tuple[str, str | None, list[OutboxItem]]:
    """Keep the message as intake does, let the processor handle it; (status, outcome, mail)."""
    with transaction(portal.sessions) as session:
        item, _ = inbox.store_message(
            session,
            channel="email",
            sender=SENDER,
            recipients=["submit@portal.test"],
            message_id="<controls@nra.example>",
            raw=raw,
        )
        item_id = item.id
    assert Processor(portal.sessions, portal.settings).process_next() == item_id
    with portal.sessions() as session:
        item = session.get_one(inbox.InboxItem, item_id)
        mail = list(session.scalars(select(OutboxItem).order_by(OutboxItem.id)))
        return item.status, item.outcome, mail


def test_a_need_whose_subject_holds_a_nul_is_answered_normally(people: Portal) -> None:
    status, outcome, mail = handled(people, email(NEED, b"NEED \x00survey"))
    assert_created(people, status, outcome, mail)
    assert [(m.headers.get("In-Reply-To"), m.body.count("\x00")) for m in mail] == [
        ("<pathological@nra.example>", 0),
        (None, 0),
    ]


def test_a_nul_in_the_message_id_and_references_is_removed(people: Portal) -> None:
    """They are threaded into the receipt's headers, which PostgreSQL keeps as JSON."""
    raw = email(NEED, b"NEED", b"References: <a\x00b@nra.example>").replace(
        b"<pathological@nra.example>", b"<nul\x00@nra.example>"
    )
    status, outcome, mail = handled(people, raw)
    assert_created(people, status, outcome, mail)
    assert (mail[0].headers["In-Reply-To"], mail[0].headers["References"]) == (
        "<nul@nra.example>",
        "<ab@nra.example> <nul@nra.example>",
    )


def assert_created(
    portal: Portal, status: str, outcome: str | None, mail: list[OutboxItem]
) -> None:
    assert (status, outcome) == ("done", f"need {NEED_ID} created")
    assert [(m.recipient, m.kind, m.subject) for m in mail] == [
        (SENDER, "receipt", f"Received: {NEED_ID} {TITLE}"),
        ("isu@ccm.example", "pending_for_secretariat", f"New need to check: {NEED_ID} {TITLE}"),
    ]
    with portal.sessions() as session:
        (record,) = session.scalars(select(Record))
        assert (record.public_id, record.title) == (NEED_ID, TITLE)


def test_control_characters_in_the_subject_and_names_are_removed_where_quoted(
    people: Portal,
) -> None:
    """A need with a problem: the reply quotes the subject, cleaned."""
    raw = email(
        NEED.replace("Amount: 250k USD", "Amount: lots"),
        b"NEED" + CONTROLS + b" survey\x00",
        b"X-Mailer: x\x00y",
    ).replace(b"From: Vong Saysana", b"From: Vong\x00 Saysana\x1b")
    status, outcome, mail = handled(people, raw)
    assert (status, outcome) == ("done", "1 problem(s) reported")
    ((recipient, kind, body),) = [(m.recipient, m.kind, m.body) for m in mail]
    assert (recipient, kind) == (SENDER, "parse_error")
    assert 'Thank you for your message "NEED survey".' in body
    assert "\x00" not in body and "\x1b" not in body


def test_a_nul_in_the_body_is_removed(people: Portal) -> None:
    status, outcome, mail = handled(people, email(NEED.replace("complete.", "com\x00plete.")))
    assert (status, outcome) == ("done", f"need {NEED_ID} created")
    with people.sessions() as session:
        (record,) = session.scalars(select(Record))
        assert record.content()["description"].startswith(
            "Village-level non-technical survey is complete.\n"
        )
    assert [m.kind for m in mail] == ["receipt", "pending_for_secretariat"]
