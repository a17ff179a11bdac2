"""Registered people, and a way to hand one message straight to the handling layer."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from bot import addresses
from bot.app import Portal
from bot.channels.email.authentication import DnsLookup
from bot.channels.email.front import EmailFront
from bot.channels.email.reading import parse_bytes
from bot.config import Settings
from bot.pipeline.handle import handle
from store.db import transaction
from store.inbox import InboxItem, finish, store_message
from store.outbox import OutboxItem
from tests.factories import register_people
from tests.harness import email

SUBMIT = "submit@portal.test"


@dataclass
class Handled:
    """What one message led to: the inbox item's outcome and the mail it caused."""

    item_id: int
    outcome: str
    mail: list[OutboxItem]

    @property
    def recipients(self) -> list[str]:
        return [m.recipient for m in self.mail]


@pytest.fixture
def people(portal: Portal) -> Portal:
    return register_people(portal)


def message(
    sender: str, subject: str, body: str = "", to: str = SUBMIT, **headers: str
) -> EmailMessage:
    """A message as a mail client sends it (tests.harness.email, with an empty body allowed)."""
    return email(sender, subject, body, to=to, **headers)


def deliver(
    portal: Portal,
    mail: EmailMessage | bytes,
    *,
    envelope: str | None = None,
    recipients: list[str] | None = None,
    settings: Settings | None = None,
    dnsfunc: DnsLookup | None = None,
) -> Handled:
    """Keep the message in the inbox and handle it, in one transaction (no SMTP, no worker)."""
    raw = mail if isinstance(mail, bytes) else mail.as_bytes()
    parsed = parse_bytes(raw)
    if envelope is None:
        envelope = str(parsed["From"]).rpartition("<")[2].rstrip(">").strip()
    message_id = str(parsed["Message-ID"]) if parsed["Message-ID"] else None
    with transaction(portal.sessions) as session:
        item, created = store_message(
            session,
            channel="email",
            sender=envelope,
            recipients=recipients or [str(parsed["To"])],
            message_id=message_id,
            raw=raw,
        )
        assert created
        settings = settings or portal.settings
        front = EmailFront(dnsfunc=dnsfunc, portal=addresses.of(settings))
        outcome = handle(session, settings, item, front=front)
        finish(item, outcome)
        item_id = item.id
    with portal.sessions() as session:
        mail_caused = list(
            session.scalars(
                select(OutboxItem)
                .where(OutboxItem.inbox_item_id == item_id)
                .order_by(OutboxItem.id)
            )
        )
        stored = session.get_one(InboxItem, item_id)
        assert stored.outcome == outcome[:64]
    return Handled(item_id, outcome, mail_caused)
