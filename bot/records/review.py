"""The secretariat's decisions: publish or reject what focal points submitted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.context import Context
from bot.matching.refresh import refresh as refresh_matches
from bot.records.create import from_json, to_json
from bot.records.views import RecordView
from store.people import focal_points
from store.records import PENDING, PUBLISHED, REJECTED, Record, Revision, by_public_id


@dataclass(frozen=True)
class Decision:
    public_id: str
    outcome: str  # "published", "rejected", "nothing_pending", "not_found"
    status: str = ""


def confirm(ctx: Context, public_id: str) -> Decision:
    """Publish the record's pending revision (its first version or a later change)."""
    record = by_public_id(ctx.session, public_id)
    if record is None:
        return Decision(public_id.upper(), "not_found")
    revision = record.pending_revision()
    if revision is None:
        return Decision(record.public_id, "nothing_pending", record.status)
    before = to_json(record.content())
    for key, value in from_json(revision.content).items():
        setattr(record, key, value)
    revision.status = PUBLISHED
    _decided(ctx, revision)
    record.status = PUBLISHED
    record.updated_at = ctx.now
    record.published_at = record.published_at or ctx.now
    record.renewed_at = ctx.now
    ctx.session.flush()
    opened, closed = refresh_matches(
        ctx.session, record, ctx.now, keep=ctx.settings.matches_per_record
    )
    ctx.audit(
        "published",
        record_id=record.id,
        before=before,
        after=to_json(record.content()),
        note=f"revision {revision.number}; matches opened {opened}, closed {closed}",
    )
    _tell_owners(ctx, record, "published")
    return Decision(record.public_id, "published", record.status)


def reject(ctx: Context, public_id: str, reason: str) -> Decision:
    """Refuse the pending revision; a record never published becomes rejected."""
    record = by_public_id(ctx.session, public_id)
    if record is None:
        return Decision(public_id.upper(), "not_found")
    revision = record.pending_revision()
    if revision is None:
        return Decision(record.public_id, "nothing_pending", record.status)
    revision.status = REJECTED
    revision.reason = reason
    _decided(ctx, revision)
    if record.status == PENDING:
        record.status = REJECTED
    record.updated_at = ctx.now
    ctx.audit("rejected", record_id=record.id, note=f"revision {revision.number}: {reason}")
    _tell_owners(ctx, record, "rejected", reason=reason, content=revision.content)
    return Decision(record.public_id, "rejected", record.status)


def _decided(ctx: Context, revision: Revision) -> None:
    revision.decided_at = ctx.now
    revision.decided_by = ctx.person.id if ctx.person else None


def _tell_owners(
    ctx: Context,
    record: Record,
    template: str,
    *,
    reason: str = "",
    content: dict[str, Any] | None = None,
) -> None:
    for person in focal_points(ctx.session, record.actor):
        lang = person.mail_language
        view = RecordView.of_record(record, lang, from_json(content) if content else None)
        ctx.notify(
            person, template, view=view, actor=record.actor.display_name(lang), reason=reason
        )
