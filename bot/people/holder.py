"""Whom personal data is about: a person found by one address, with all their others."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from store.audit import AuditEntry
from store.calls import CallRecipient
from store.inbox import InboxItem
from store.outbox import OutboxItem
from store.people import Person, normalise_address, person_by_email
from store.registrations import RegistrationRequest
from store.subscriptions import Subscription
from store.telegram import LinkCode


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


# ---- what is held under them ------------------------------------------------------------


def held_subscriptions(session: Session, who: Holder) -> list[Subscription]:
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


def held_audit_rows(session: Session, who: Holder) -> list[AuditEntry]:
    """Rows where they acted: by person id, or by an address of theirs in `who`."""
    conditions: list[ColumnElement[bool]] = [
        AuditEntry.who.contains(address, autoescape=True) for address in who.addresses
    ]
    if who.person is not None:
        conditions.append(AuditEntry.person_id == who.person.id)
    return list(session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.id)))


def held_requests(session: Session, who: Holder) -> list[RegistrationRequest]:
    query = select(RegistrationRequest).where(RegistrationRequest.email.in_(who.addresses))
    return list(session.scalars(query.order_by(RegistrationRequest.id)))


def held_inbox_items(session: Session, who: Holder) -> list[InboxItem]:
    query = select(InboxItem).where(InboxItem.sender.in_(who.handles)).order_by(InboxItem.id)
    return list(session.scalars(query))


def held_outbox_items(session: Session, who: Holder) -> list[OutboxItem]:
    query = select(OutboxItem).where(OutboxItem.recipient.in_(who.handles))
    return list(session.scalars(query.order_by(OutboxItem.id)))


def held_link_codes(session: Session, who: Holder) -> list[LinkCode]:
    if who.person is None:
        return []
    query = select(LinkCode).where(LinkCode.person_id == who.person.id)
    return list(session.scalars(query.order_by(LinkCode.created_at)))


def held_calls(session: Session, who: Holder) -> list[CallRecipient]:
    conditions: list[ColumnElement[bool]] = [CallRecipient.address.in_(who.addresses)]
    if who.person is not None:
        conditions.append(CallRecipient.person_id == who.person.id)
    query = select(CallRecipient).where(or_(*conditions)).order_by(CallRecipient.id)
    return list(session.scalars(query))
