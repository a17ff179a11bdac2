"""NEED and OFFER: a focal point submits a filled template; a pending record is created."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.commands.base import Command
from bot.context import Context
from bot.parser import Problem, parse_submission
from bot.records import create_record, owner_of, tell_secretariat, with_owner_country
from bot.views import RecordView


def submit(ctx: Context, kind: str | None) -> str:
    """Parse the message as a template of `kind` (or of the kind it names) and record it."""
    if ctx.person is None:
        ctx.reply("unregistered", sender=ctx.inbound.sender)
        return "unregistered sender: kept for the secretariat"
    result = parse_submission(ctx.inbound.text, ctx.inbound.subject)
    submission, problems = result.submission, list(result.problems)
    if kind is not None:
        problems = [p for p in problems if not (p.field == "type" and p.code == "missing")]
        if submission.kind not in (None, kind):
            problems.insert(0, Problem("type", "conflict", submission.kind or "", (kind,)))
        submission = replace(submission, kind=kind)
    actor = None
    if ctx.person.actors:
        actor, owner_problems = owner_of(ctx.person, submission)
        problems += owner_problems
    else:
        problems.append(Problem("actor", "not_a_focal_point"))
    if actor is not None:
        submission, country_problems = with_owner_country(submission, actor)
        problems += country_problems
    if problems or actor is None:
        ctx.reply(
            "parse_error",
            problems=problems,
            fields=submission.fields,
            kind=submission.kind,
            subject=ctx.inbound.subject,
        )
        return f"{len(problems)} problem(s) reported"
    record = create_record(ctx, actor, submission)
    ctx.reply(
        "receipt",
        view=RecordView.of_record(record, ctx.language),
        actor=actor.display_name(ctx.language),
        attachments=ctx.inbound.attachments,
    )
    tell_secretariat(ctx, record)
    return f"{record.kind} {record.public_id} created"


def _action(kind: str) -> Callable[[Context, str], str]:
    def action(ctx: Context, args: str) -> str:
        return submit(ctx, kind)

    return action


NEED = Command(
    name="NEED",
    words=("NEED", "BESOIN", "NECESIDAD"),
    usage="NEED",
    summary="submit a need: the need template in the message",
    action=_action("need"),
)
OFFER = Command(
    name="OFFER",
    words=("OFFER", "OFFRE", "OFERTA"),
    usage="OFFER",
    summary="submit an offer: the offer template in the message",
    action=_action("offer"),
)
