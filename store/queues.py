"""How full the inbox and the outbox are: items per state, and the oldest one left waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store import inbox, outbox
from store.digests import DigestRun


@dataclass(frozen=True)
class Queues:
    inbox: dict[str, int]  # state -> items, every state present (0 when none)
    outbox: dict[str, int]
    inbox_oldest_waiting: datetime | None  # received_at of the oldest item new or processing
    outbox_oldest_due: datetime | None  # next_attempt_at of the oldest item due, not yet sent


INBOX_STATES = (inbox.NEW, inbox.PROCESSING, inbox.DONE, inbox.FAILED, inbox.QUARANTINED)
OUTBOX_STATES = (outbox.PENDING, outbox.SENDING, outbox.SENT, outbox.FAILED)


def queues(session: Session) -> Queues:
    inbox_counts = dict.fromkeys(INBOX_STATES, 0)
    for state, count in session.execute(
        select(inbox.InboxItem.status, func.count()).group_by(inbox.InboxItem.status)
    ):
        inbox_counts[state] = count
    outbox_counts = dict.fromkeys(OUTBOX_STATES, 0)
    for state, count in session.execute(
        select(outbox.OutboxItem.status, func.count()).group_by(outbox.OutboxItem.status)
    ):
        outbox_counts[state] = count
    oldest_waiting = session.scalar(
        select(func.min(inbox.InboxItem.received_at)).where(
            inbox.InboxItem.status.in_((inbox.NEW, inbox.PROCESSING))
        )
    )
    oldest_due = session.scalar(
        select(func.min(outbox.OutboxItem.next_attempt_at)).where(
            outbox.OutboxItem.status.in_((outbox.PENDING, outbox.SENDING))
        )
    )
    return Queues(inbox_counts, outbox_counts, oldest_waiting, oldest_due)


def last_digest_run(session: Session) -> DigestRun | None:
    """The latest period whose digests were all written."""
    return session.scalars(
        select(DigestRun)
        .where(DigestRun.finished_at.is_not(None))
        .order_by(DigestRun.finished_at.desc())
        .limit(1)
    ).first()
