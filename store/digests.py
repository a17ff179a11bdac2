"""The digest ledger: one row per recipient and period, so each digest is sent exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    func,
    insert,
    select,
    update,
)
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


def add_entries(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ledger rows given as their columns' values, in one statement; their ids, in
    order. A row already in the ledger (same channel, address and period) fails them all."""
    if not rows:
        return []
    table = cast(Table, DigestEntry.__table__)
    # Matched to the rows by their key, not by the order of RETURNING, which SQLite does not
    # promise (asking SQLAlchemy for that order would make it one statement a row).
    added = session.execute(
        insert(table).returning(table.c.channel, table.c.address, table.c.id), rows
    )
    ids = {(channel, address): id_ for channel, address, id_ in added}
    return [ids[(row["channel"], row["address"])] for row in rows]


def link(session: Session, items: list[tuple[int, int]]) -> None:
    """Point each ledger row (id, outbox item id) at the digest written with it."""
    if not items:
        return
    table = cast(Table, DigestEntry.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("entry"))
        .values(outbox_item_id=bindparam("item")),
        [{"entry": entry, "item": item} for entry, item in items],
    )


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
