"""Needs sent on behalf of a state: its focal points ENDORSE or DECLINE before the secretariat."""

from __future__ import annotations

from bot.context import Context
from bot.records.create import tell_secretariat
from bot.records.views import RecordView
from store.people import focal_points
from store.records import ENDORSEMENT, PENDING, REJECTED, Record


def ask_state(ctx: Context, record: Record) -> None:
    """Ask each focal point of the state the need speaks for."""
    assert record.on_behalf_of is not None
    for person in focal_points(ctx.session, record.on_behalf_of):
        lang = person.mail_language
        ctx.notify(
            person,
            "endorsement_request",
            about=("r", record.id),
            view=RecordView.of_record(record, lang),
            submitter=record.actor.display_name(lang),
            state=record.on_behalf_of.display_name(lang),
        )


def may_endorse(ctx: Context, record: Record) -> bool:
    return (
        record.status == ENDORSEMENT
        and ctx.person is not None
        and record.on_behalf_of in ctx.person.actors
    )


def endorse(ctx: Context, record: Record) -> None:
    record.status = PENDING
    record.updated_at = ctx.now
    ctx.audit(
        "endorsed", record_id=record.id, before={"status": ENDORSEMENT}, after={"status": PENDING}
    )
    _tell_submitters(ctx, record, "endorsed", reason="")
    tell_secretariat(ctx, record)


def decline(ctx: Context, record: Record, reason: str) -> None:
    record.status = REJECTED
    record.updated_at = ctx.now
    revision = record.pending_revision()
    if revision is not None:
        revision.status, revision.reason, revision.decided_at = REJECTED, reason, ctx.now
    ctx.audit(
        "endorsement_declined",
        record_id=record.id,
        before={"status": ENDORSEMENT},
        after={"status": REJECTED},
        note=reason or None,
    )
    _tell_submitters(ctx, record, "endorsement_declined", reason=reason)


def _tell_submitters(ctx: Context, record: Record, template: str, reason: str) -> None:
    assert record.on_behalf_of is not None
    for person in focal_points(ctx.session, record.actor):
        lang = person.mail_language
        ctx.notify(
            person,
            template,
            about=("r", record.id),
            view=RecordView.of_record(record, lang),
            state=record.on_behalf_of.display_name(lang),
            reason=reason,
        )
