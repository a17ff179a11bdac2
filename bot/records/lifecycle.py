"""A record's life after it is created: withdrawn, fulfilled, renewed by its owner."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.matching.refresh import refresh as refresh_matches
from bot.records.views import RecordView
from store.records import FULFILLED, OPEN, PUBLISHED, REJECTED, WITHDRAWN, Record

ALLOWED_FROM = {
    WITHDRAWN: OPEN,
    FULFILLED: (PUBLISHED,),
    "renewed": (PUBLISHED,),
}


def may(record: Record, change: str) -> bool:
    return record.status in ALLOWED_FROM[change]


def close(ctx: Context, record: Record, status: str, note: str) -> None:
    """Withdraw or mark fulfilled; a pending change is dropped with it."""
    before = record.status
    record.status = status
    record.updated_at = ctx.now
    pending = record.pending_revision()
    if pending is not None:
        pending.status = REJECTED
        pending.reason = f"record {status}"
        pending.decided_at = ctx.now
    refresh_matches(ctx.session, record, ctx.now, keep=ctx.settings.matches_per_record)
    ctx.audit(
        status,
        record_id=record.id,
        before={"status": before},
        after={"status": status},
        note=note or None,
    )


def renew(ctx: Context, record: Record) -> None:
    """The owner says the record still stands: its twelve months start again."""
    before = record.renewed_at
    record.renewed_at = ctx.now
    ctx.audit(
        "renewed",
        record_id=record.id,
        before={"renewed_at": before.isoformat() if before else None},
        after={"renewed_at": ctx.now.isoformat()},
    )


def answer(ctx: Context, record: Record, template: str, **extra: Any) -> None:
    ctx.reply(
        template, view=RecordView.of_record(record, ctx.language), about=("r", record.id), **extra
    )
