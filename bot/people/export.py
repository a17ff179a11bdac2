"""Everything held about a person, for them to see (data subject access)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

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
from store.calls import CallRecipient
from store.inbox import InboxItem
from store.outbox import OutboxItem
from store.people import Person
from store.registrations import RegistrationRequest
from store.subscriptions import Subscription
from store.telegram import LinkCode


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
        "subscriptions": [_subscription(s) for s in held_subscriptions(session, who)],
        "audit": [_audit(a) for a in held_audit_rows(session, who)],
        "registration_requests": [_request(r) for r in held_requests(session, who)],
        "inbox_items": [_inbox(i) for i in held_inbox_items(session, who)],
        "outbox_items": [_outbox(o) for o in held_outbox_items(session, who)],
        "link_codes": [_link_code(c) for c in held_link_codes(session, who)],
        "calls": [_call(c) for c in held_calls(session, who)],
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
