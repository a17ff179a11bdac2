"""The digest ledger: one row per recipient and period, so each digest is sent exactly once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, select
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


def written(session: Session, period: str) -> set[tuple[str, str]]:
    """The (channel, address) of every ledger row of `period`: their digest is done."""
    rows = session.execute(
        select(DigestEntry.channel, DigestEntry.address).where(DigestEntry.period == period)
    )
    return {(channel, address) for channel, address in rows}


def last_sent(session: Session, before: str) -> dict[tuple[str, str], datetime]:
    """When each (channel, address)'s latest digest of a period before `before` was written."""
    latest = (
        select(
            DigestEntry.channel,
            DigestEntry.address,
            func.max(DigestEntry.period).label("period"),
        )
        .where(DigestEntry.period < before)
        .group_by(DigestEntry.channel, DigestEntry.address)
        .subquery()
    )
    rows = session.execute(
        select(DigestEntry.channel, DigestEntry.address, DigestEntry.created_at).join(
            latest,
            (DigestEntry.channel == latest.c.channel)
            & (DigestEntry.address == latest.c.address)
            & (DigestEntry.period == latest.c.period),
        )
    )
    return {(channel, address): at for channel, address, at in rows}
