"""The outbox: every reply and digest we owe, delivered with retries and never dropped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, ... capped at 6 hours: about two days of tries before giving up."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


class OutboxItem(Base):
    __tablename__ = "outbox_items"
    __table_args__ = (Index("ix_outbox_items_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # "email" | "telegram"
    recipient: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(40))  # receipt, parse_error, published, ...
    subject: Mapped[str] = mapped_column(String(998), default="")
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)  # an HTML alternative (digests)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    inbox_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    error_key: Mapped[str | None] = mapped_column(String(200))  # at most one a day per key


Index(
    "ix_outbox_items_error_key", OutboxItem.recipient, OutboxItem.error_key, OutboxItem.created_at
)


def error_reply_sent_since(
    session: Session, recipient: str, error_key: str, since: datetime
) -> bool:
    """Whether this kind of error reply already went to this address since `since`."""
    return (
        session.scalars(
            select(OutboxItem.id)
            .where(
                OutboxItem.recipient == recipient,
                OutboxItem.error_key == error_key,
                OutboxItem.created_at >= since,
            )
            .limit(1)
        ).first()
        is not None
    )


LEASE = timedelta(minutes=10)


def claim_due(session: Session, limit: int = 20) -> list[OutboxItem]:
    """Items due now, including any a crashed sender held for longer than its lease."""
    now = utcnow()
    query = (
        select(OutboxItem)
        .where(OutboxItem.status.in_((PENDING, SENDING)), OutboxItem.next_attempt_at <= now)
        .order_by(OutboxItem.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    items = list(session.scalars(query))
    for item in items:
        item.status = SENDING
        item.attempts += 1
        item.next_attempt_at = now + LEASE
    return items


def mark_sent(item: OutboxItem) -> None:
    item.status = SENT
    item.sent_at = utcnow()
    item.last_error = None


def mark_failed_attempt(item: OutboxItem, reason: str) -> None:
    """Schedule the next try; after MAX_ATTEMPTS the item stays visible as failed."""
    item.last_error = reason
    if item.attempts >= MAX_ATTEMPTS:
        item.status = FAILED
    else:
        item.status = PENDING
        item.next_attempt_at = utcnow() + backoff(item.attempts)


def mark_undeliverable(item: OutboxItem, reason: str) -> None:
    """Failed for good (the recipient is gone): no more tries, still visible."""
    item.status = FAILED
    item.last_error = reason


def list_items(
    session: Session, *, status: str | None = None, limit: int = 100
) -> list[OutboxItem]:
    query = select(OutboxItem).order_by(OutboxItem.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxItem.status == status)
    return list(session.scalars(query))


def retry(session: Session, item_id: int) -> OutboxItem | None:
    item = session.get(OutboxItem, item_id)
    if item is not None and item.status == FAILED:
        item.status = PENDING
        item.attempts = 0
        item.next_attempt_at = utcnow()
    return item
