"""Personal data: all we hold about a person (export), forgetting them (erase), old raw mail.

A person is found by one of their addresses; what is held under their other addresses and
their Telegram id counts too. Records are never a person's: they stay with their actor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, delete, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from bot.config import Settings
from bot.errors import ConfigError, NotFound
from store.audit import AuditEntry
from store.calls import CallRecipient
from store.db import transaction
from store.inbox import DONE, InboxItem, prune_raw
from store.outbox import FAILED, SENT, OutboxItem
from store.people import Person, normalise_address, person_by_email
from store.registrations import RegistrationRequest
from store.subscriptions import Subscription
from store.telegram import Conversation, LinkCode

log = logging.getLogger(__name__)

ERASED = "erased person"


@dataclass
class Holder:
    """Whom we look for: the person (if registered), their addresses and Telegram id."""

    person: Person | None
    addresses: list[str]
    telegram_id: int | None = None
    handles: list[str] = field(default_factory=list)  # inbox senders / outbox recipients

    @classmethod
    def of(cls, session: Session, email: str) -> Holder:
        address = normalise_address(email)
        person = person_by_email(session, address)
        if person is None:
            return cls(None, [address], None, [address])
        addresses = [e.address for e in person.emails]
        handles = addresses + ([str(person.telegram_id)] if person.telegram_id else [])
        return cls(person, addresses, person.telegram_id, handles)


# ---- export ------------------------------------------------------------------------------


def export(session: Session, email: str) -> dict[str, Any]:
    """Everything held about the person with this address, as JSON-ready values.

    Inbox items are given as metadata only (never the mail itself), outbox items likewise.
    """
    who = Holder.of(session, email)
    person = who.person
    data: dict[str, Any] = {
        "person": _person(person) if person else None,
        "addresses": who.addresses,
        "actors": [{"code": a.code, "name": a.name} for a in person.actors] if person else [],
        "telegram_id": who.telegram_id,
        "subscriptions": [_subscription(s) for s in _subscriptions(session, who)],
        "audit": [_audit(a) for a in _audit_rows(session, who)],
        "registration_requests": [_request(r) for r in _requests(session, who)],
        "inbox_items": [_inbox(i) for i in _inbox_items(session, who)],
        "outbox_items": [_outbox(o) for o in _outbox_items(session, who)],
        "link_codes": [_link_code(c) for c in _link_codes(session, who)],
        "calls": [_call(c) for c in _calls(session, who)],
    }
    data["counts"] = {k: len(v) for k, v in data.items() if isinstance(v, list)}
    return data


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _json(getattr(row, name)) for name in names}


def _person(person: Person) -> dict[str, Any]:
    names = ("id", "name", "language", "telegram_id", "telegram_active", "is_secretariat")
    return _fields(person, (*names, "created_at"))


def _subscription(sub: Subscription) -> dict[str, Any]:
    names = ("id", "channel", "address", "kind", "language", "filters", "status")
    return _fields(sub, (*names, "created_at", "confirmed_at", "unsubscribed_at"))


def _audit(entry: AuditEntry) -> dict[str, Any]:
    return _fields(entry, ("id", "at", "who", "channel", "action", "record_id", "note"))


def _request(request: RegistrationRequest) -> dict[str, Any]:
    names = ("id", "email", "name", "actor_text", "language", "message", "status")
    return _fields(request, (*names, "created_at", "decided_at", "reason"))


def _inbox(item: InboxItem) -> dict[str, Any]:
    names = ("id", "channel", "sender", "message_id", "status", "outcome")
    fields = _fields(item, (*names, "received_at", "processed_at"))
    return {**fields, "size": len(item.raw or b""), "pruned": (item.meta or {}).get("pruned")}


def _outbox(item: OutboxItem) -> dict[str, Any]:
    return _fields(item, ("id", "channel", "recipient", "kind", "status", "created_at", "sent_at"))


def _link_code(code: LinkCode) -> dict[str, Any]:
    return _fields(code, ("created_at", "expires_at", "used_at"))  # never the code itself


def _call(recipient: CallRecipient) -> dict[str, Any]:
    names = ("call_id", "address", "language", "sent_at", "reminded_at", "answered_at")
    return {**_fields(recipient, (*names, "answer")), "actor": recipient.actor.code}


# ---- what is held, by query ----------------------------------------------------------------


def _subscriptions(session: Session, who: Holder) -> list[Subscription]:
    conditions: list[ColumnElement[bool]] = [
        (Subscription.channel == "email") & Subscription.address.in_(who.addresses)
    ]
    if who.person is not None:
        conditions.append(Subscription.person_id == who.person.id)
    if who.telegram_id is not None:
        telegram = (Subscription.channel == "telegram") & (
            Subscription.address == str(who.telegram_id)
        )
        conditions.append(telegram)
    query = select(Subscription).where(or_(*conditions)).order_by(Subscription.id)
    return list(session.scalars(query))


def _audit_rows(session: Session, who: Holder) -> list[AuditEntry]:
    """Rows where they acted: by person id, or by an address of theirs in `who`."""
    conditions: list[ColumnElement[bool]] = [
        AuditEntry.who.contains(address, autoescape=True) for address in who.addresses
    ]
    if who.person is not None:
        conditions.append(AuditEntry.person_id == who.person.id)
    return list(session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.id)))


def _requests(session: Session, who: Holder) -> list[RegistrationRequest]:
    query = select(RegistrationRequest).where(RegistrationRequest.email.in_(who.addresses))
    return list(session.scalars(query.order_by(RegistrationRequest.id)))


def _inbox_items(session: Session, who: Holder) -> list[InboxItem]:
    query = select(InboxItem).where(InboxItem.sender.in_(who.handles)).order_by(InboxItem.id)
    return list(session.scalars(query))


def _outbox_items(session: Session, who: Holder) -> list[OutboxItem]:
    query = select(OutboxItem).where(OutboxItem.recipient.in_(who.handles))
    return list(session.scalars(query.order_by(OutboxItem.id)))


def _link_codes(session: Session, who: Holder) -> list[LinkCode]:
    if who.person is None:
        return []
    query = select(LinkCode).where(LinkCode.person_id == who.person.id)
    return list(session.scalars(query.order_by(LinkCode.created_at)))


def _calls(session: Session, who: Holder) -> list[CallRecipient]:
    conditions: list[ColumnElement[bool]] = [CallRecipient.address.in_(who.addresses)]
    if who.person is not None:
        conditions.append(CallRecipient.person_id == who.person.id)
    query = select(CallRecipient).where(or_(*conditions)).order_by(CallRecipient.id)
    return list(session.scalars(query))


# ---- erase -------------------------------------------------------------------------------


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
    done.subscriptions = len(_subscriptions(session, who))
    for sub in _subscriptions(session, who):
        session.delete(sub)
    done.audit = _anonymise_audit(session, who)
    for request in _requests(session, who):
        request.email, request.name, request.message = ERASED, "", ""
        done.requests += 1
    for item in _inbox_items(session, who):
        if item.status == DONE:  # waiting or failed items may still be processed
            item.raw, item.sender = b"", ERASED
            item.meta = {**(item.meta or {}), "erased": now.date().isoformat()}
            done.inbox += 1
    for out in _outbox_items(session, who):
        if out.status not in (SENT, FAILED):
            out.status, out.last_error = FAILED, "recipient erased"
        out.recipient, out.subject, out.body, out.html, out.headers = ERASED, "", "", None, {}
        done.outbox += 1
    for recipient in _calls(session, who):
        recipient.address = ERASED
    person = who.person
    if person is None and not any(
        (done.subscriptions, done.audit, done.requests, done.inbox, done.outbox)
    ):
        raise NotFound(f"nothing is held about {done.email}")
    if person is not None:
        done.link_codes = len(_link_codes(session, who))
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
    rows = {row.id: row for row in _audit_rows(session, who)}
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


def prune(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Empty the raw mail of processed inbox items older than PORTAL_RAW_RETENTION_DAYS.

    Meant to run daily; returns how many items were emptied.
    """
    try:
        days = int(settings.raw_retention_days)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"PORTAL_RAW_RETENTION_DAYS must be a number of days: {settings.raw_retention_days!r}"
        ) from exc
    if days < 1:
        raise ConfigError(f"PORTAL_RAW_RETENTION_DAYS must be at least 1, not {days}")
    with transaction(sessions) as session:
        count = prune_raw(session, now, days)
    log.info("raw mail of %d processed inbox item(s) older than %d days emptied", count, days)
    return count
