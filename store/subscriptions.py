"""Subscriptions to the weekly digest: filtered ones (double opt-in) and focal points' own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, select, update
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


def active(session: Session) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription).where(Subscription.status == ACTIVE).order_by(Subscription.id)
        )
    )


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
