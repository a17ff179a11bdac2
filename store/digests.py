"""The digest ledger: one row per recipient and period, so each digest is sent exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow


class DigestEntry(Base):
    """A recipient's digest of one period: written with its outbox item, or marked empty."""

    __tablename__ = "digest_ledger"
    __table_args__ = (UniqueConstraint("channel", "address", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(320))
    period: Mapped[str] = mapped_column(String(10), index=True)  # ISO week, "2026-W48"
    items: Mapped[int] = mapped_column(default=0)  # 0: nothing new, no mail sent
    outbox_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_items.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestRun(Base):
    """A run of a period's digests; finished_at is set once every recipient has a ledger row."""

    __tablename__ = "digest_runs"

    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


def entry(session: Session, channel: str, address: str, period: str) -> DigestEntry | None:
    return session.scalars(
        select(DigestEntry).where(
            DigestEntry.channel == channel,
            DigestEntry.address == address,
            DigestEntry.period == period,
        )
    ).first()


def last_sent(session: Session, channel: str, address: str, before: str) -> datetime | None:
    """When the recipient's previous digest (of an earlier period) was written."""
    return session.scalars(
        select(DigestEntry.created_at)
        .where(
            DigestEntry.channel == channel,
            DigestEntry.address == address,
            DigestEntry.period < before,
        )
        .order_by(DigestEntry.period.desc())
        .limit(1)
    ).first()
