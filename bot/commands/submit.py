"""What NEED and OFFER share: a focal point submits a filled template, a record waits."""

from __future__ import annotations

from dataclasses import replace

from bot.commands.completion import completed, keep_fields
from bot.context import Context
from bot.parsing.parser import ParseResult, Problem, Submission, parse_submission
from bot.records.create import create_record, owner_of, tell_secretariat, with_owner_country
from bot.records.drafts import offer_draft
from bot.records.endorsement import ask_state
from bot.records.ownership import is_owner
from bot.records.revisions import update_from_message
from bot.records.views import RecordView, localised
from store.actors import Actor, find_actor
from store.inbox import InboxItem
from store.people import focal_points
from store.records import OPEN, Record

NO_FIELDS = Problem("template", "no_fields")  # no `Label: value` line at all


def submit(ctx: Context, kind: str | None) -> str:
    """Parse the message as a template of `kind` (or of the kind it names) and record it.

    A template sent in reply to our answer about a record corrects that record instead.
    """
    if ctx.person is None:
        # Not registered: say so, and what a reader sees wrong in the template, so that the
        # message sent again once registered goes through.
        read = parse_submission(ctx.inbound.text, ctx.inbound.subject)
        if read.problems == (NO_FIELDS,) and (drafted := offer_draft(ctx, kind)) is not None:
            return drafted  # its draft, with how to register: their OK once registered submits it
        problems = [] if read.problems == (NO_FIELDS,) else _with_kind(read, kind)[1]
        ctx.reply(
            "unregistered",
            sender=ctx.inbound.sender,
            problems=localised(problems, ctx.language),
            error_key="unregistered",
        )
        return "unregistered sender: kept for the secretariat"
    # The writer's states say which months a fiscal year ("FY2028") covers.
    states = tuple(actor.code for actor in ctx.person.actors if actor.is_state)
    read = parse_submission(ctx.inbound.text, ctx.inbound.subject, writer_countries=states)
    result = completed(ctx, read)
    corrected = _record_replied_to(ctx)
    if corrected is not None and is_owner(ctx, corrected) and corrected.status in OPEN:
        return update_from_message(ctx, corrected, result)
    if result.problems == (NO_FIELDS,) and (drafted := offer_draft(ctx, kind)) is not None:
        return drafted  # NEED or OFFER over a message in prose: its draft, to confirm
    submission, problems = _with_kind(result, kind)
    actor, on_behalf_of = None, None
    if ctx.person.actors:
        actor, more = owner_of(ctx.person, submission)
        problems += more
    else:
        problems.append(Problem("actor", "not_a_focal_point"))
    if actor is not None:
        on_behalf_of, more = _on_behalf_of(ctx, actor, submission)
        problems += more
        submission, more = with_owner_country(submission, on_behalf_of or actor)
        problems += more
    if problems or actor is None:
        problems = list(dict.fromkeys(problems))  # each named once
        fields = {"type": submission.kind or "", **submission.fields}
        if submission.description and not fields.get("description"):
            fields["description"] = submission.description  # read from the prose: kept, shown
        keep_fields(ctx, fields)
        ctx.reply(
            "parse_error",
            problems=localised(problems, ctx.language),
            fields=fields,
            kind=submission.kind,
            subject=ctx.inbound.subject,
            public_id="",
            error_key=ctx.message_key("parse"),
        )
        return f"{len(problems)} problem(s) reported"
    record = create_record(ctx, actor, submission, on_behalf_of=on_behalf_of)
    _remember(ctx, record)
    asked = len(focal_points(ctx.session, on_behalf_of)) if on_behalf_of is not None else 0
    ctx.reply(
        "receipt",
        view=RecordView.of_record(record, ctx.language),
        about=("r", record.id),
        actor=actor.display_name(ctx.language),
        attachments=ctx.inbound.attachments,
        on_behalf_of=on_behalf_of.display_name(ctx.language) if on_behalf_of else "",
        asked=asked,
    )
    if on_behalf_of is None:
        tell_secretariat(ctx, record)
    else:
        ask_state(ctx, record)
    return f"{record.kind} {record.public_id} created"


def _with_kind(result: ParseResult, kind: str | None) -> tuple[Submission, list[Problem]]:
    submission, problems = result.submission, list(result.problems)
    if kind is None:
        return submission, problems
    problems = [p for p in problems if not (p.field == "type" and p.code == "missing")]
    if submission.kind not in (None, kind):
        problems.insert(0, Problem("type", "conflict", submission.kind or "", (kind,)))
    return replace(submission, kind=kind), problems


def _on_behalf_of(
    ctx: Context, actor: Actor, submission: Submission
) -> tuple[Actor | None, list[Problem]]:
    """The state an organisation's need speaks for, from the `On behalf of:` field."""
    named = submission.on_behalf_of
    if not named:
        return None, []
    state = find_actor(ctx.session, named)
    if state is None or not state.is_state:
        return None, [Problem("on_behalf_of", "unknown_value", named)]
    if actor.is_state or submission.kind != "need":
        return None, [Problem("on_behalf_of", "not_allowed", named)]
    return state, []


def _record_replied_to(ctx: Context) -> Record | None:
    """The record our answer was about, when the sender replied to it."""
    if ctx.about is None:
        return None
    if ctx.about.kind == "r":
        return ctx.session.get(Record, ctx.about.id)
    if ctx.about.kind == "i":
        item = ctx.session.get(InboxItem, ctx.about.id)
        record_id = item.meta.get("record_id") if item is not None else None
        return ctx.session.get(Record, record_id) if record_id else None
    return None


def _remember(ctx: Context, record: Record) -> None:
    """A later reply to the same error mail corrects this record instead of making another."""
    if ctx.about is not None and ctx.about.kind == "i":
        item = ctx.session.get(InboxItem, ctx.about.id)
        if item is not None:
            item.meta = {**item.meta, "record_id": record.id}
    if ctx.inbox_item_id is not None:
        item = ctx.session.get(InboxItem, ctx.inbox_item_id)
        if item is not None:
            item.meta = {**item.meta, "record_id": record.id}
