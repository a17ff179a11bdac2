"""The inbox: every message we accepted, raw and durable, and its processing state."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base, utcnow

log = logging.getLogger(__name__)

NEW, PROCESSING, DONE, FAILED, QUARANTINED = "new", "processing", "done", "failed", "quarantined"
MAX_ATTEMPTS = 3
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10))


class InboxItem(Base):
    __tablename__ = "inbox_items"
    __table_args__ = (
        Index("ix_inbox_items_status_id", "status", "id"),
        Index("ix_inbox_items_status_claimed_by", "status", "claimed_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # "email" | "telegram"
    sender: Mapped[str] = mapped_column(String(320))  # envelope sender / telegram user id
    recipients: Mapped[list[str]] = mapped_column(default=list)
    message_id: Mapped[str | None] = mapped_column(String(998))
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=NEW)
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # "host:processor-1", last claim
    retry_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(
        String(64)
    )  # e.g. "need created", "ignored: auto-reply"
    error: Mapped[str | None] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)


def dedup_key(channel: str, sender: str, message_id: str | None, raw: bytes) -> str:
    """Same sender and Message-ID (or, without one, the same bytes) is the same message.

    Defined for any str: a lone surrogate (a byte that was not UTF-8, decoded with
    surrogateescape) is encoded as its own three bytes ("surrogatepass"), which no valid
    UTF-8 holds, so it shares no key with text without one; every other key is as before.
    """
    identity = message_id.strip() if message_id else "sha256:" + hashlib.sha256(raw).hexdigest()
    key = f"{channel}\0{sender.lower()}\0{identity}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def store_messages(
    session: Session,
    channel: str,
    arrivals: Sequence[tuple[str, list[str], str | None, bytes, dict[str, Any] | None]],
) -> list[int]:
    """Keep a batch of messages (sender, recipients, Message-ID, raw, meta) in the session's
    transaction; returns each one's item id. A copy (same sender and Message-ID, already kept
    or earlier in the batch) gets the id of the first.

    Core statements on the session's connection: the ORM's bulk insert cost intake about a
    third of its CPU, for rows that need no objects. A copy is rare, so every row is inserted
    unless its key is already there, and only the keys that were not inserted are looked up."""
    keys = [
        dedup_key(channel, sender, message_id, raw) for sender, _, message_id, raw, _ in arrivals
    ]
    rows: dict[str, dict[str, object]] = {}
    for (sender, recipients, message_id, raw, meta), key in zip(arrivals, keys, strict=True):
        rows.setdefault(key, {"channel": channel, "sender": sender, "recipients": recipients,
                              "message_id": message_id, "dedup_key": key, "raw": raw,
                              "meta": meta or {}})  # fmt: skip
    connection = session.connection()
    table = _table()
    known = dict(
        connection.execute(_insert_new(connection.dialect.name), list(rows.values())).all()
    )
    copies = [key for key in rows if key not in known]
    if copies:
        known.update(
            connection.execute(
                select(table.c.dedup_key, table.c.id).where(table.c.dedup_key.in_(copies))
            ).all()
        )
    return [known[key] for key in keys]


def _table() -> Table:
    return cast(Table, InboxItem.__table__)


@cache  # made once per database kind: its cache key is not computed again for each batch
def _insert_new(dialect: str) -> Any:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key, id, in the database's
    own words (SQLite and PostgreSQL both have it)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql as words
    else:
        from sqlalchemy.dialects import sqlite as words  # type: ignore[no-redef]
    statement = words.insert(_table()).on_conflict_do_nothing(index_elements=["dedup_key"])
    return statement.returning(_table().c.dedup_key, _table().c.id)


def store_message(
    session: Session,
    *,
    channel: str,
    sender: str,
    recipients: list[str],
    message_id: str | None,
    raw: bytes,
    meta: dict[str, Any] | None = None,
) -> tuple[InboxItem, bool]:
    """Keep a message; returns (item, created). A duplicate returns the first copy."""
    key = dedup_key(channel, sender, message_id, raw)
    existing = session.scalars(select(InboxItem).where(InboxItem.dedup_key == key)).first()
    if existing is not None:
        return existing, False
    item = InboxItem(
        channel=channel,
        sender=sender,
        recipients=recipients,
        message_id=message_id,
        dedup_key=key,
        raw=raw,
        meta=meta or {},
    )
    try:
        with session.begin_nested():
            session.add(item)
            session.flush()
    except IntegrityError:  # a concurrent copy won the race
        existing = session.scalars(select(InboxItem).where(InboxItem.dedup_key == key)).one()
        return existing, False
    return item, True


STALE_AFTER = timedelta(minutes=10)  # a claim this old was abandoned by a worker never restarted


def claim_next(
    session: Session, worker: str, stale_after: timedelta = STALE_AFTER
) -> InboxItem | None:
    """Claim for `worker` (a stable identity such as "host:processor-1") the oldest item
    waiting, due for a retry, or claimed longer ago than `stale_after` (by a worker that never
    came back: one that does releases its own claims at start, see release_claims). It becomes
    `processing` with `claimed_by`, `claimed_at` and one more attempt. On PostgreSQL, rows
    other workers are claiming are skipped, not waited for."""
    now = utcnow()
    item = session.scalars(_CLAIMABLE, {"now": now, "stale_before": now - stale_after}).first()
    if item is None:
        return None
    item.status = PROCESSING
    item.claimed_at = now
    item.claimed_by = worker
    item.attempts += 1
    return item


# Built once: the processor asks it before every item.
_CLAIMABLE = (
    select(InboxItem)
    .where(
        (InboxItem.status == NEW)
        | ((InboxItem.status == FAILED) & (InboxItem.retry_at <= bindparam("now")))
        | ((InboxItem.status == PROCESSING) & (InboxItem.claimed_at < bindparam("stale_before")))
    )
    .order_by(InboxItem.id)
    .limit(1)
    .with_for_update(skip_locked=True)
)


def release_claims(
    session: Session, *, worker: str | None = None, before: datetime | None = None
) -> int:
    """Put items left `processing` back to `new`; returns how many.

    `worker`: only its claims (a worker starting again releases what it held when it stopped);
    `before`: only claims made before then (on SQLite, what was claimed before the portal
    started, whoever claimed it). Both given: both must hold. One of them is required.
    Attempts are kept, so an item that stops its worker at every try is still quarantined
    after MAX_ATTEMPTS (the processor does it unread when it claims it once more).
    """
    if worker is None and before is None:
        raise ValueError("release_claims needs a worker, a time, or both")
    statement = update(InboxItem).where(InboxItem.status == PROCESSING).values(status=NEW)
    if worker is not None:
        statement = statement.where(InboxItem.claimed_by == worker)
    if before is not None:
        statement = statement.where(InboxItem.claimed_at < before)
    result = session.execute(statement, execution_options={"synchronize_session": False})
    released = cast(CursorResult[Any], result).rowcount
    if released:
        log.warning(
            "released %d inbox claim(s) (worker %s, before %s)",
            released,
            worker or "any",
            before.isoformat() if before else "now",
        )
    return released


def finish(item: InboxItem, outcome: str) -> None:
    item.status = DONE
    item.retry_at = None
    item.outcome = outcome[:64]
    item.error = None
    item.processed_at = utcnow()


def fail(session: Session, item_id: int, reason: str) -> InboxItem:
    """Mark an item failed with its reason (in a fresh transaction, after a rollback).

    It is tried again later; after MAX_ATTEMPTS it is quarantined until someone retries it.
    """
    item = session.get_one(InboxItem, item_id)
    item.error = reason
    item.processed_at = utcnow()
    if item.attempts >= MAX_ATTEMPTS:
        item.status = QUARANTINED
        item.retry_at = None
    else:
        item.status = FAILED
        item.retry_at = utcnow() + RETRY_DELAYS[min(item.attempts, len(RETRY_DELAYS)) - 1]
    return item


def quarantine(session: Session, item_id: int, reason: str) -> InboxItem | None:
    """Set an item aside at once, with its reason, until someone retries it: trying it again
    would do again what went wrong (it stopped the worker that handled it). None when it was
    handled or set aside meanwhile."""
    item = session.get_one(InboxItem, item_id)
    if item.status in (DONE, QUARANTINED):
        return None
    item.error = reason
    item.processed_at = utcnow()
    item.status = QUARANTINED
    item.retry_at = None
    return item


def retry(session: Session, item_id: int) -> InboxItem | None:
    item = session.get(InboxItem, item_id)
    if item is None or item.status not in (FAILED, QUARANTINED):
        return item
    session.execute(
        update(InboxItem)
        .where(InboxItem.id == item_id)
        .values(status=NEW, error=None, attempts=0, retry_at=None)
    )
    session.refresh(item)
    return item


def list_items(session: Session, *, failed_only: bool = False, limit: int = 100) -> list[InboxItem]:
    query = select(InboxItem).order_by(InboxItem.id.desc()).limit(limit)
    if failed_only:
        query = query.where(InboxItem.status.in_((FAILED, QUARANTINED)))
    return list(session.scalars(query))


def prune_raw(session: Session, now: datetime, days: int) -> int:
    """Empty the raw mail of items processed and received more than `days` ago.

    The row and its metadata stay (sender, Message-ID, outcome: the dedup key keeps working);
    `meta["pruned"]` says when the raw bytes went. Failed and waiting items keep theirs, as
    they may be tried again. Returns how many items were emptied.
    """
    rows = session.execute(
        select(InboxItem.id, InboxItem.meta).where(
            InboxItem.status == DONE,
            InboxItem.received_at < now - timedelta(days=days),
            func.length(InboxItem.raw) > 0,
        )
    ).all()
    for item_id, meta in rows:
        session.execute(
            update(InboxItem)
            .where(InboxItem.id == item_id)
            .values(raw=b"", meta={**(meta or {}), "pruned": now.date().isoformat()})
        )
    return len(rows)
