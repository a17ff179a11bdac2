"""Creating records from submissions: owner, country, public id, first revision, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from bot.context import Context
from bot.parsing.parser import Problem, Submission
from bot.records.views import RecordView, button_labels
from store.actors import Actor, fold
from store.people import Person, secretariat
from store.records import (
    CONTENT_FIELDS,
    ENDORSEMENT,
    PENDING,
    PUBLISHED,
    Record,
    Revision,
    next_public_id,
)


def owner_of(person: Person, submission: Submission) -> tuple[Actor | None, list[Problem]]:
    """The actor a submission belongs to: the focal point's only actor, or the one named."""
    codes = tuple(a.code for a in person.actors)
    if submission.actor:
        wanted = fold(submission.actor)
        for actor in person.actors:
            if wanted in {fold(name) for name in actor.names()}:
                return actor, []
        return None, [Problem("actor", "not_yours", submission.actor, codes)]
    if len(person.actors) == 1:
        return person.actors[0], []
    return None, [Problem("actor", "missing", "", codes)]


def with_owner_country(submission: Submission, actor: Actor) -> tuple[Submission, list[Problem]]:
    """A state's need is about that state: filled in when left out, refused when another.
    An organisation's need names its country (or the state it speaks for: `actor`)."""
    if submission.kind != "need":
        return submission, []
    if not actor.is_state:
        given = submission.countries or submission.fields.get("country", "").strip()
        return submission, [] if given else [Problem("country", "missing")]
    if not submission.countries:
        return replace(submission, countries=(actor.code,)), []
    if submission.countries != (actor.code,):
        named = submission.fields.get("country", ", ".join(submission.countries))
        return submission, [Problem("country", "not_own", named, (actor.display_name(),))]
    return submission, []


def content_of(submission: Submission) -> dict[str, Any]:
    return {
        "title": submission.title,
        "countries": list(submission.countries),
        "areas": list(submission.areas),
        "assistance": list(submission.assistance),
        "amount": submission.amount,
        "currency": submission.currency,
        "period_start": submission.period_start,
        "period_end": submission.period_end,
        "languages": list(submission.languages),
        "reference": submission.reference,
        "description": submission.description,
    }


def to_json(content: dict[str, Any]) -> dict[str, Any]:
    """Content as JSON values: amounts as strings, dates as ISO dates."""
    return {
        key: str(value)
        if isinstance(value, Decimal)
        else value.isoformat()
        if isinstance(value, date)
        else value
        for key, value in content.items()
    }


def from_json(content: dict[str, Any]) -> dict[str, Any]:
    values = dict(content)
    if values.get("amount") is not None:
        values["amount"] = Decimal(values["amount"])
    for key in ("period_start", "period_end"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return {key: values.get(key) for key in CONTENT_FIELDS}


def create_record(
    ctx: Context, actor: Actor, submission: Submission, on_behalf_of: Actor | None = None
) -> Record:
    """A new record with its first revision, and its audit row.

    It waits for the secretariat, or first for the endorsement of the state it speaks for.
    """
    assert ctx.person is not None and submission.kind is not None
    content = content_of(submission)
    record = Record(
        public_id=next_public_id(ctx.session, submission.kind, ctx.now.year),
        kind=submission.kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        status=ENDORSEMENT if on_behalf_of is not None else PENDING,
        created_at=ctx.now,
        updated_at=ctx.now,
        **content,
    )
    record.revisions.append(
        Revision(
            number=1,
            status=PENDING,
            content=to_json(content),
            submitted_by=ctx.person.id,
            channel=ctx.inbound.channel,
            submitted_at=ctx.now,
        )
    )
    ctx.session.add(record)
    ctx.session.flush()
    ctx.audit("created", record_id=record.id, after=to_json(content))
    return record


def tell_secretariat(ctx: Context, record: Record, content: dict[str, Any] | None = None) -> None:
    """Each member of the secretariat learns of a record (or a change) waiting for them."""
    # Who is in the secretariat changes from the command line only, never while a message is
    # handled: what this transaction has written so far is flushed once, at its commit.
    with ctx.session.no_autoflush:
        members = secretariat(ctx.session)
    for member in members:
        lang = member.mail_language
        view = RecordView.of_record(record, lang, content)
        ctx.notify(
            member,
            "pending_for_secretariat",
            about=("r", record.id),
            view=view,
            actor=record.actor.display_name(lang),
            on_behalf_of=record.on_behalf_of.display_name(lang) if record.on_behalf_of else "",
            revision=record.status == PUBLISHED,
            submitter=ctx.who,
            buttons=[
                [
                    (button_labels(lang)["confirm"], f"confirm:{record.public_id}"),
                    (button_labels(lang)["reject"], f"reject:{record.public_id}"),
                ]
            ],
        )
