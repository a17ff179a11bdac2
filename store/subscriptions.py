"""Subscriptions to the weekly digest: filtered ones (double opt-in) and focal points' own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Row, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow

PENDING, ACTIVE, UNSUBSCRIBED = "pending", "active", "unsubscribed"
FILTERED, OWN = "filtered", "own"  # what a subscription asks for


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_address", "channel", "address", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="email")
    address: Mapped[str] = mapped_column(String(320))  # email address or telegram chat id
    kind: Mapped[str] = mapped_column(String(12), default=FILTERED)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(5), default="en")
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)  # areas, assistance, places, kind
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]


Active = Row[tuple[str, str, str, int | None, str, dict[str, Any], datetime, datetime | None]]


def active(session: Session) -> Sequence[Active]:
    """What a digest run reads of every active subscription, in the order they were made: their
    columns, not whole objects (there can be tens of thousands)."""
    return session.execute(
        select(
            Subscription.channel,
            Subscription.address,
            Subscription.kind,
            Subscription.person_id,
            Subscription.language,
            Subscription.filters,
            Subscription.created_at,
            Subscription.confirmed_at,
        )
        .where(Subscription.status == ACTIVE)
        .order_by(Subscription.id)
    ).all()


def of_address(
    session: Session, channel: str, address: str, statuses: tuple[str, ...] = (PENDING, ACTIVE)
) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .where(
                Subscription.channel == channel,
                Subscription.address == address.lower(),
                Subscription.status.in_(statuses),
            )
            .order_by(Subscription.id)
        )
    )


def unsubscribe_address(session: Session, channel: str, address: str, now: datetime) -> int:
    """End every subscription of an address; returns how many were active or pending."""
    result = session.execute(
        update(Subscription)
        .where(
            Subscription.channel == channel,
            Subscription.address == address.lower(),
            Subscription.status.in_((PENDING, ACTIVE)),
        )
        .values(status=UNSUBSCRIBED, unsubscribed_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
