"""Renewal: a record unrenewed for eleven months is recalled; at twelve it expires."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.matching.refresh import refresh as refresh_matches
from bot.records.views import RecordView
from store.db import transaction
from store.people import focal_points
from store.records import EXPIRED, PUBLISHED, Record

log = logging.getLogger(__name__)

REMIND_AFTER = timedelta(days=335)
EXPIRE_AFTER = timedelta(days=365)


def system_context(session: Session, settings: Settings, now: datetime) -> Context:
    inbound = Inbound(channel="system", sender="system", subject="", text="")
    return Context(session, settings, inbound, person=None, now=now)


def remind_and_expire(
    sessions: sessionmaker[Session], settings: Settings, now: datetime
) -> tuple[int, int]:
    """Send the reminders that are due and expire what is overdue; returns (reminded, expired)."""
    with transaction(sessions) as session:
        ctx = system_context(session, settings, now)
        last = func.coalesce(Record.renewed_at, Record.published_at)
        overdue = list(
            session.scalars(
                select(Record).where(Record.status == PUBLISHED, last <= now - EXPIRE_AFTER)
            )
        )
        for record in overdue:
            record.status = EXPIRED
            record.updated_at = now
            refresh_matches(session, record, now, keep=settings.matches_per_record)
            ctx.audit(
                "expired",
                record_id=record.id,
                before={"status": PUBLISHED},
                after={"status": EXPIRED},
                note="not renewed for twelve months",
            )
            _tell(ctx, record, "expired")
        due = list(
            session.scalars(
                select(Record).where(
                    Record.status == PUBLISHED,
                    last <= now - REMIND_AFTER,
                    or_(Record.reminded_at.is_(None), Record.reminded_at < last),
                )
            )
        )
        for record in due:
            record.reminded_at = now
            ctx.audit("renewal_reminder", record_id=record.id)
            _tell(ctx, record, "renewal_reminder")
    if due or overdue:
        log.info("renewal: %d reminder(s), %d record(s) expired", len(due), len(overdue))
    return len(due), len(overdue)


def _tell(ctx: Context, record: Record, template: str) -> None:
    expires = (record.renewed_at or record.published_at or ctx.now) + EXPIRE_AFTER
    for person in focal_points(ctx.session, record.actor):
        ctx.notify(
            person,
            template,
            about=("r", record.id),
            view=RecordView.of_record(record, person.mail_language),
            expires=expires.date().isoformat(),
        )
