"""The outbox: every reply and digest we owe, delivered with retries and never dropped."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, ... capped at 6 hours: about two days of tries before giving up."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


class OutboxItem(Base):
    __tablename__ = "outbox_items"
    __table_args__ = (
        Index("ix_outbox_items_status_due", "status", "next_attempt_at"),
        Index("ix_outbox_items_status_claimed_by", "status", "claimed_by"),
    )

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
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # "host:delivery-1", last claim
    claimed_at: Mapped[datetime | None]
    handed_off_at: Mapped[datetime | None]  # when its channel was last given it


Index(
    "ix_outbox_items_error_key", OutboxItem.recipient, OutboxItem.error_key, OutboxItem.created_at
)


def add_all(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert items given as their columns' values, in one statement; their ids, in order.
    Many at once (a period's digests): building an ORM object each costs more than the row."""
    if not rows:
        return []
    table = cast(Table, OutboxItem.__table__)
    # Matched to the rows by Message-ID, not by the order of RETURNING, which SQLite does not
    # promise (asking SQLAlchemy for that order would make it one statement a row).
    added = session.execute(insert(table).returning(table.c.message_id, table.c.id), rows)
    ids = {message_id: id_ for message_id, id_ in added}
    return [ids[row["message_id"]] for row in rows]


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


LEASE = timedelta(minutes=10)  # a worker that holds a claim longer is taken to be gone
BATCH = 5
"""Items one claim takes. Few, because a claim is a promise to deliver them now: a worker killed
mid-batch leaves at most BATCH items `sending` (released when it starts again), other workers on
PostgreSQL take the rest meanwhile, and even at the relay's 30 s timeout (5 x 30 s) a batch ends
well inside its LEASE. More would save almost nothing: each item commits its own outcome."""

IN_DOUBT = "its worker stopped while handing it over; sent again with the same Message-ID"


def claim_due(session: Session, worker: str, limit: int = BATCH) -> list[OutboxItem]:
    """Claim up to `limit` items due now for `worker` (a stable identity such as
    "host:delivery-1"): each becomes `sending`, records `claimed_by` and `claimed_at`, and is
    leased for LEASE. An item whose lease ran out (its worker never came back) is due again.
    On PostgreSQL, rows other workers are claiming are skipped, not waited for."""
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
        if item.status == SENDING:
            log.warning(
                "outbox item %d: %s's lease ran out; %s takes it", item.id, item.claimed_by, worker
            )
            if item.handed_off_at and item.claimed_at and item.handed_off_at >= item.claimed_at:
                item.last_error = IN_DOUBT
        item.status = SENDING
        item.attempts += 1
        item.next_attempt_at = now + LEASE
        item.claimed_by = worker
        item.claimed_at = now
    return items


def release_claims(
    session: Session, *, worker: str | None = None, before: datetime | None = None
) -> int:
    """Put items left `sending` back to `pending`, due now; returns how many.

    `worker`: only its claims (a worker starting again releases what it held when it stopped);
    `before`: only claims made before then (on SQLite, what was claimed before the portal
    started, whoever claimed it; an item claimed before claims were recorded counts too). Both
    given: both must hold. One of them is required. Attempts are kept. An item whose hand-off
    had begun (`handed_off_at` since its claim) may have been delivered: it says so in
    `last_error`, and is sent again as it was, with the same Message-ID.
    """
    if worker is None and before is None:
        raise ValueError("release_claims needs a worker, a time, or both")
    claims = [OutboxItem.status == SENDING]
    if worker is not None:
        claims.append(OutboxItem.claimed_by == worker)
    if before is not None:
        claims.append(or_(OutboxItem.claimed_at < before, OutboxItem.claimed_at.is_(None)))
    now = utcnow()
    handed_off = OutboxItem.handed_off_at >= OutboxItem.claimed_at
    in_doubt = _updated(
        session,
        update(OutboxItem)
        .where(*claims, handed_off)
        .values(status=PENDING, next_attempt_at=now, last_error=IN_DOUBT),
    )
    released = in_doubt + _updated(
        session, update(OutboxItem).where(*claims).values(status=PENDING, next_attempt_at=now)
    )
    if released:
        log.warning(
            "released %d outbox claim(s) (worker %s, before %s); %d in doubt: %s",
            released,
            worker or "any",
            before.isoformat() if before else "now",
            in_doubt,
            IN_DOUBT,
        )
    return released


def _updated(session: Session, statement: Any) -> int:
    result = session.execute(statement, execution_options={"synchronize_session": False})
    return cast(CursorResult[Any], result).rowcount


def mark_handing_off(item: OutboxItem) -> None:
    """Its channel is about to be given it: after a crash it is known to be in doubt."""
    item.handed_off_at = utcnow()


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
