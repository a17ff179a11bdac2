"""Changing a record's content: UPDATE with the changed fields only, or a corrected template."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.context import Context
from bot.parsing.parser import ParseResult, Problem
from bot.records.create import content_of, from_json, tell_secretariat, to_json, with_owner_country
from bot.records.views import RecordView, localised
from store.records import CONTENT_FIELDS, ENDORSEMENT, PENDING, PUBLISHED, Record, Revision

# Parser field names → content keys they change.
_CHANGES = {
    "title": ("title",),
    "country": ("countries",),
    "areas": ("areas",),
    "assistance": ("assistance",),
    "amount": ("amount", "currency"),
    "period": ("period_start", "period_end"),
    "languages": ("languages",),
    "reference": ("reference",),
    "description": ("description",),
}


def current_content(record: Record) -> dict[str, Any]:
    """What the record will say once decided: its pending revision, else its live content."""
    pending = record.pending_revision()
    return from_json(pending.content) if pending is not None else record.content()


def changes_from(result: ParseResult, record: Record) -> tuple[dict[str, Any], list[Problem]]:
    """The content after applying only the fields that were sent, and the problems with those."""
    sent = {name for name, value in result.submission.fields.items() if value.strip()}
    sent &= set(_CHANGES)
    problems = [
        p
        for p in result.problems
        if p.field in sent or (p.code != "missing" and p.field not in ("type", "template"))
    ]
    if not sent:
        problems.append(Problem("template", "no_changes"))
    parsed = content_of(replace(result.submission, kind=record.kind))
    content = current_content(record)
    for name in sent:
        for key in _CHANGES[name]:
            content[key] = parsed[key]
    if "country" in sent and record.kind == "need":
        checked, more = with_owner_country(
            replace(result.submission, kind="need"), record.on_behalf_of or record.actor
        )
        problems += more
        content["countries"] = list(checked.countries)
    return content, problems


def revise(ctx: Context, record: Record, content: dict[str, Any]) -> list[str]:
    """Record the new content; returns the names of the fields that changed.

    A record not yet published changes in place; a published one keeps its text visible and
    gets a pending revision for the secretariat.
    """
    before = current_content(record)
    changed = [key for key in CONTENT_FIELDS if before.get(key) != content.get(key)]
    pending = record.pending_revision()
    if record.status in (PENDING, ENDORSEMENT):
        for key in CONTENT_FIELDS:
            setattr(record, key, content[key])
    if pending is not None:
        pending.content = to_json(content)
        pending.submitted_at = ctx.now
    else:
        record.revisions.append(
            Revision(
                number=len(record.revisions) + 1,
                status=PENDING,
                content=to_json(content),
                submitted_by=ctx.person.id if ctx.person else None,
                channel=ctx.inbound.channel,
                submitted_at=ctx.now,
            )
        )
    record.updated_at = ctx.now
    ctx.session.flush()
    ctx.audit(
        "updated" if record.status != PUBLISHED else "revised",
        record_id=record.id,
        before=to_json({k: before[k] for k in changed}),
        after=to_json({k: content[k] for k in changed}),
    )
    return changed


def update_from_message(ctx: Context, record: Record, result: ParseResult) -> str:
    """Apply a message's fields to the sender's record and answer with what changed."""
    content, problems = changes_from(result, record)
    if problems:
        shown = RecordView.of(current_content(record), record.kind, ctx.language).as_fields()
        refill = {**shown, **result.submission.fields}
        ctx.reply(
            "parse_error",
            problems=localised(problems, ctx.language),
            fields=refill,
            kind=record.kind,
            subject=ctx.inbound.subject,
            public_id=record.public_id,
            about=("r", record.id),
            error_key=ctx.message_key("parse"),
        )
        return f"update of {record.public_id}: {len(problems)} problem(s) reported"
    changed = revise(ctx, record, content)
    view = RecordView.of_record(record, ctx.language, content)
    ctx.reply(
        "update_receipt", view=view, changed=changed, status=record.status, about=("r", record.id)
    )
    if record.status != ENDORSEMENT and changed:
        tell_secretariat(ctx, record, content=content)
    return f"{record.public_id} updated ({', '.join(changed) or 'no change'})"
