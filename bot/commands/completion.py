"""A reply to an error mail that gives only what was missing or wrong completes the message."""

from __future__ import annotations

from bot.context import Context
from bot.parsing.parser import ParseResult, parse_submission
from bot.words import table
from store.inbox import InboxItem

FIELDS_KEPT = "fields"  # the key of an inbox item's meta: the fields an error reply was about


def completed(ctx: Context, result: ParseResult) -> ParseResult:
    """`result` with the fields of the message whose error mail this one answers under its
    own: asked for the country, a person can answer "Country: Laos" and nothing else."""
    earlier = _fields_answered(ctx)
    if not earlier:
        return result
    given = {name: value for name, value in result.submission.fields.items() if value.strip()}
    merged = {**earlier, **given}
    if merged == given:
        return result
    states = tuple(a.code for a in ctx.person.actors if a.is_state) if ctx.person else ()
    return parse_submission(as_template(merged), ctx.inbound.subject, writer_countries=states)


def keep_fields(ctx: Context, fields: dict[str, str]) -> None:
    """Remember what this message said, for a reply to its error mail to complete."""
    item = ctx.session.get(InboxItem, ctx.inbox_item_id) if ctx.inbox_item_id else None
    if item is not None:
        item.meta = {**item.meta, FIELDS_KEPT: {k: v for k, v in fields.items() if v}}


def as_template(fields: dict[str, str]) -> str:
    """The fields as a template with English labels (the parser reads every language)."""
    labels = table().labels
    lines = [
        f"{labels[name]['en'][0]}: {value}"
        for name, value in fields.items()
        if name != "description" and name in labels and "\n" not in value
    ]
    if fields.get("description"):
        lines += [f"{labels['description']['en'][0]}:", fields["description"]]
    return "\n".join(lines) + "\n"


def _fields_answered(ctx: Context) -> dict[str, str] | None:
    """The fields of the message whose error mail this one answers, if no record came of it."""
    if ctx.about is None or ctx.about.kind != "i":
        return None
    item = ctx.session.get(InboxItem, ctx.about.id)
    if item is None or item.meta.get("record_id"):
        return None
    kept = item.meta.get(FIELDS_KEPT)
    return dict(kept) if isinstance(kept, dict) else None
