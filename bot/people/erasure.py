"""Forgetting a person: what they left is deleted or made anonymous; records stay with actors."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, delete, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.errors import NotFound
from bot.people.holder import (
    Holder,
    held_audit_rows,
    held_calls,
    held_inbox_items,
    held_link_codes,
    held_outbox_items,
    held_requests,
    held_subscriptions,
)
from store.audit import AuditEntry
from store.inbox import DONE
from store.outbox import FAILED, SENT
from store.people import normalise_address
from store.telegram import Conversation, LinkCode

log = logging.getLogger(__name__)

ERASED = "erased person"


@dataclass
class Erased:
    email: str
    people: int = 0
    addresses: int = 0
    subscriptions: int = 0
    link_codes: int = 0
    audit: int = 0
    requests: int = 0
    inbox: int = 0
    outbox: int = 0

    def __str__(self) -> str:
        return (
            f"erased {self.email}: {self.people} person, {self.addresses} address(es), "
            f"{self.subscriptions} subscription(s), {self.link_codes} link code(s); "
            f"{self.audit} audit row(s), {self.requests} registration request(s), "
            f"{self.inbox} inbox and {self.outbox} outbox item(s) made anonymous; "
            "records stay with their actors"
        )


def erase(session: Session, email: str, *, by: str = "cli", now: datetime) -> Erased:
    """Forget the person with this address (or, unregistered, what this address left).

    Deleted: the person, their addresses, subscriptions, link codes and Telegram form.
    Made anonymous: audit rows they acted in (`who` becomes "erased person"), their
    registration requests, processed mail from them, mail to them. Records stay with the
    actor; their revisions lose the person's id (the foreign keys set it to NULL).
    """
    who = Holder.of(session, email)
    done = Erased(normalise_address(email))
    done.subscriptions = len(held_subscriptions(session, who))
    for sub in held_subscriptions(session, who):
        session.delete(sub)
    done.audit = _anonymise_audit(session, who)
    for request in held_requests(session, who):
        request.email, request.name, request.message = ERASED, "", ""
        done.requests += 1
    for item in held_inbox_items(session, who):
        if item.status == DONE:  # waiting or failed items may still be processed
            item.raw, item.sender = b"", ERASED
            item.meta = {**(item.meta or {}), "erased": now.date().isoformat()}
            done.inbox += 1
    for out in held_outbox_items(session, who):
        if out.status not in (SENT, FAILED):
            out.status, out.last_error = FAILED, "recipient erased"
        out.recipient, out.subject, out.body, out.html, out.headers = ERASED, "", "", None, {}
        done.outbox += 1
    for recipient in held_calls(session, who):
        recipient.address = ERASED
    person = who.person
    if person is None and not any(
        (done.subscriptions, done.audit, done.requests, done.inbox, done.outbox)
    ):
        raise NotFound(f"nothing is held about {done.email}")
    if person is not None:
        done.link_codes = len(held_link_codes(session, who))
        session.execute(delete(LinkCode).where(LinkCode.person_id == person.id))
        if person.telegram_id is not None:
            session.execute(delete(Conversation).where(Conversation.user_id == person.telegram_id))
        done.addresses = len(person.emails)
        person.actors = []
        session.delete(person)
        done.people = 1
    session.flush()
    session.add(AuditEntry(who=by, channel="cli", action="person_erased", at=now))
    log.info("personal data erased: %d person, %d address(es)", done.people, done.addresses)
    return done


def _anonymise_audit(session: Session, who: Holder) -> int:
    """`who` becomes "erased person"; the addresses go from before/after and notes too."""
    rows = {row.id: row for row in held_audit_rows(session, who)}
    for row in session.scalars(select(AuditEntry).where(_mentions(who))):
        rows.setdefault(row.id, row)
    own_id = who.person.id if who.person is not None else None
    for row in rows.values():
        if (own_id is not None and row.person_id == own_id) or any(
            address in row.who for address in who.addresses
        ):
            row.who = ERASED
            row.person_id = None
        row.before = _scrubbed(row.before, who.addresses)
        row.after = _scrubbed(row.after, who.addresses)
        if row.note:
            row.note = _scrub_text(row.note, who.addresses)
    return len(rows)


def _mentions(who: Holder) -> ColumnElement[bool]:
    """Rows whose before/after or note name one of the addresses (the JSON read as text)."""
    conditions: list[ColumnElement[bool]] = []
    for address in who.addresses:
        conditions.append(cast(AuditEntry.before, String).contains(address, autoescape=True))
        conditions.append(cast(AuditEntry.after, String).contains(address, autoescape=True))
        conditions.append(AuditEntry.note.contains(address, autoescape=True))
    return or_(*conditions)


def _scrub_text(text: str, addresses: list[str]) -> str:
    for address in addresses:
        text = text.replace(address, ERASED)
    return text


def _scrubbed(value: Any, addresses: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _scrubbed(v, addresses) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, addresses) for v in value]
    if isinstance(value, str):
        return _scrub_text(value, addresses)
    return value


# ---- raw mail retention --------------------------------------------------------------------
