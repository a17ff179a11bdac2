"""Bounces: each delivery failure reported for one of our mails, as it was read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow

PERMANENT, TEMPORARY, DELAYED, POLICY = "permanent", "temporary", "delayed", "policy"


class BounceEvent(Base):
    """One failure of one address: read from a bounce, or said by the relay at hand-off."""

    __tablename__ = "bounce_events"
    __table_args__ = (Index("ix_bounce_events_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(320))  # lower case
    kind: Mapped[str] = mapped_column(String(12))  # permanent / temporary / delayed / policy
    status: Mapped[str] = mapped_column(String(16), default="")  # 5.1.1, 4.2.2, ...
    reason: Mapped[str] = mapped_column(Text, default="")  # the diagnostic, one line
    weight: Mapped[float] = mapped_column(default=0.0)  # what it added to the score
    outbox_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_items.id", ondelete="SET NULL"), index=True
    )
    inbox_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="SET NULL")
    )
    source: Mapped[str] = mapped_column(String(12), default="bounce")  # bounce / relay
    at: Mapped[datetime] = mapped_column(default=utcnow)


def weight_counted_since(session: Session, address: str, since: datetime) -> float:
    """What failures of `address` added to its score since `since` (0 when none)."""
    found = session.scalar(
        select(func.sum(BounceEvent.weight)).where(
            BounceEvent.address == address, BounceEvent.at >= since
        )
    )
    return float(found or 0.0)


def permanent_failure_of(session: Session, outbox_item_id: int) -> BounceEvent | None:
    """A failure for good of this very mail (permanent, or refused by policy), if any."""
    return session.scalars(
        select(BounceEvent)
        .where(
            BounceEvent.outbox_item_id == outbox_item_id,
            BounceEvent.kind.in_((PERMANENT, POLICY)),
        )
        .order_by(BounceEvent.id)
    ).first()


def events_of(session: Session, address: str) -> list[BounceEvent]:
    return list(
        session.scalars(
            select(BounceEvent).where(BounceEvent.address == address).order_by(BounceEvent.id)
        )
    )
