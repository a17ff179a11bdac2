"""The processor: a message that keeps failing is quarantined and its sender told once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Portal
from bot.pipeline import processor as processor_module
from bot.pipeline.processor import Processor
from store import inbox
from store.base import utcnow
from store.db import transaction
from store.outbox import OutboxItem

RAW = (
    b"From: vong@nra.example\r\nTo: submit@portal.test\r\nSubject: NEED\r\n"
    b"Message-ID: <p1@nra.example>\r\n\r\nTitle: x\r\n"
)


def test_three_failures_quarantine_and_one_reply(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(session, settings, item, **_):  # type: ignore[no-untyped-def]
        raise KeyError("bug")

    monkeypatch.setattr(processor_module, "handle", broken)
    with transaction(portal.sessions) as session:
        item, _ = inbox.store_message(
            session,
            channel="email",
            sender="vong@nra.example",
            recipients=["submit@portal.test"],
            message_id="<p1@nra.example>",
            raw=RAW,
        )
        item_id = item.id
    processor = Processor(portal.sessions, portal.settings)
    statuses = []
    for _ in range(3):
        with transaction(portal.sessions) as session:
            session.get_one(inbox.InboxItem, item_id).retry_at = utcnow() - timedelta(seconds=1)
        assert processor.process_next() == item_id
        with portal.sessions() as session:
            statuses.append(session.get_one(inbox.InboxItem, item_id).status)
    assert statuses == ["failed", "failed", "quarantined"]
    assert processor.process_next() is None
    with portal.sessions() as session:
        (reply,) = session.query(OutboxItem).all()
        assert (reply.recipient, reply.kind) == ("vong@nra.example", "processing_failed")
        assert reply.subject == "We could not process your message: NEED"
        assert reply.headers["In-Reply-To"] == "<p1@nra.example>"
        assert session.get_one(inbox.InboxItem, item_id).error == "KeyError: 'bug'"
