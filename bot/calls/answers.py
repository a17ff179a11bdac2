"""Answers to a call for information: commands, corrected records and new templates, together."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.context import Context
from bot.parsing.parser import Problem, parse_submission
from bot.records import lifecycle
from bot.records.create import create_record, tell_secretariat, with_owner_country
from bot.records.revisions import changes_from, current_content, revise
from bot.records.views import RecordView, localised
from store.calls import ANSWERED, NO_CHANGE, UPDATED, CallRecipient
from store.records import FULFILLED, OPEN, PUBLISHED, WITHDRAWN, by_public_id, list_records

_QUOTE = re.compile(r"^(\s*>)+ ?")
_RECORD_HEADER = re.compile(r"^\s*(?:record|fiche|ficha)\s*:\s*([NO]-\d{4}-\d{4,})", re.I)
_TYPE_HEADER = re.compile(r"^\s*(?:type|tipo)\s*:", re.IGNORECASE)
_RULE = re.compile(r"^\s*[-_=—]{3,}\s*$")  # the line that closes a template in a call
_COMMAND = re.compile(
    r"^\s*(renew|renouveler|renovar|fulfilled|satisfait|satisfecho|cumplido|withdraw|retirer|"
    r"retirar)\s+([NO]-\d{4}-\d{4,})\b(.*)$",
    re.IGNORECASE,
)
_NO_CHANGE = re.compile(
    r"^[^\S\n]*(no change|pas de changement|aucun changement|sin cambios?)[^\S\n]*\.?$",
    re.IGNORECASE | re.MULTILINE,
)
_CHANGES = {
    "renew": "renewed",
    "renouveler": "renewed",
    "renovar": "renewed",
    "fulfilled": FULFILLED,
    "satisfait": FULFILLED,
    "satisfecho": FULFILLED,
    "cumplido": FULFILLED,
    "withdraw": WITHDRAWN,
    "retirer": WITHDRAWN,
    "retirar": WITHDRAWN,
}


@dataclass
class Outcome:
    created: list[RecordView] = field(default_factory=list)
    updated: list[tuple[RecordView, list[str]]] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)  # (id, renewed/fulfilled/...)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (id, why)
    problems: list[tuple[str, list[Problem], dict[str, str]]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.changed)


def blocks(text: str) -> list[tuple[str | None, str]]:
    """The templates in a text, quoted or not: (record id or None for a new one, its lines).

    A template starts at a `Record: id` or `Type:` line and runs until the next one, a line of
    dashes (which the call mail puts after each), or a signature."""
    found: list[tuple[str | None, list[str]]] = []
    closed = True
    for raw in text.splitlines():
        line = _QUOTE.sub("", raw)
        if line.rstrip() == "--":
            break
        if _RULE.match(line):
            closed = True
            continue
        header = _RECORD_HEADER.match(line)
        if header:
            found.append((header.group(1).upper(), []))
            closed = False
        elif _TYPE_HEADER.match(line):
            found.append((None, [line]))
            closed = False
        elif found and not closed:
            found[-1][1].append(line)
    return [(public_id, "\n".join(lines)) for public_id, lines in found]


def answer(ctx: Context, row: CallRecipient) -> str:
    """Apply everything in the answer for the row's actor; one receipt lists it all."""
    outcome = Outcome()
    actor = row.actor
    for line in ctx.inbound.text.splitlines():
        found = _COMMAND.match(line)
        if found:
            _command(
                ctx,
                row,
                _CHANGES[found.group(1).lower()],
                found.group(2).upper(),
                found.group(3).strip(" :-–"),
                outcome,
            )
    if _NO_CHANGE.search(ctx.inbound.text):
        for record in list_records(ctx.session, actors=[actor], status=PUBLISHED):
            lifecycle.renew(ctx, record)
            outcome.changed.append((record.public_id, "renewed"))
    seen: set[str] = set()
    for public_id, text in blocks(ctx.inbound.text) + blocks(ctx.inbound.quoted):
        if public_id is None:
            _new(ctx, row, text, outcome)
        elif public_id not in seen:
            seen.add(public_id)
            _update(ctx, row, public_id, text, outcome)
    kind = (
        NO_CHANGE
        if _NO_CHANGE.search(ctx.inbound.text) and not (outcome.created or outcome.updated)
        else UPDATED
        if outcome.changes
        else ANSWERED
    )
    row.answered_at, row.answer = row.answered_at or ctx.now, kind
    ctx.reply(
        "call_receipt",
        about=("c", row.id),
        call=row.call,
        actor=actor.display_name(ctx.language),
        outcome=outcome,
    )
    return (
        f"answer to call {row.call_id} for {actor.code}: {len(outcome.created)} new, "
        f"{len(outcome.updated)} updated, {len(outcome.changed)} renewed/closed"
    )


def _command(
    ctx: Context, row: CallRecipient, change: str, public_id: str, note: str, outcome: Outcome
) -> None:
    record = by_public_id(ctx.session, public_id)
    if record is None or record.actor_id != row.actor_id:
        outcome.refused.append((public_id, "not_found"))
    elif not lifecycle.may(record, change):
        outcome.refused.append((public_id, record.status))
    else:
        if change == "renewed":
            lifecycle.renew(ctx, record)
        else:
            lifecycle.close(ctx, record, change, note)
        outcome.changed.append((public_id, change))


def _new(ctx: Context, row: CallRecipient, text: str, outcome: Outcome) -> None:
    result = parse_submission(text)
    filled = {k: v for k, v in result.submission.fields.items() if v.strip() and k != "type"}
    if not filled:
        return  # a blank template left as it was sent
    submission, problems = with_owner_country(result.submission, row.actor)
    problems = list(result.problems) + problems
    if submission.title and _already(ctx, row, submission.kind, submission.title):
        return  # the same template again (a second answer, or one quoted back to us)
    if problems or submission.kind is None:
        outcome.problems.append(
            (
                submission.title or submission.kind or "?",
                localised(problems, ctx.language),
                result.submission.fields,
            )
        )
        return
    record = create_record(ctx, row.actor, submission)
    tell_secretariat(ctx, record)
    outcome.created.append(RecordView.of_record(record, ctx.language))


def _already(ctx: Context, row: CallRecipient, kind: str | None, title: str) -> bool:
    wanted = " ".join(title.split()).casefold()
    return any(
        r.kind == kind and " ".join(r.title.split()).casefold() == wanted
        for r in list_records(ctx.session, actors=[row.actor])
        if r.status in OPEN
    )


def _update(ctx: Context, row: CallRecipient, public_id: str, text: str, outcome: Outcome) -> None:
    record = by_public_id(ctx.session, public_id)
    if record is None or record.actor_id != row.actor_id:
        outcome.refused.append((public_id, "not_found"))
        return
    if record.status not in OPEN:
        return
    content, problems = changes_from(parse_submission(text), record)
    problems = [p for p in problems if p.code not in ("missing", "no_changes")]
    if problems:
        outcome.problems.append((public_id, localised(problems, ctx.language), {}))
        return
    before = current_content(record)
    if " ".join((content.get("description") or "").split()) == " ".join(
        (before.get("description") or "").split()
    ):
        content["description"] = before.get("description")  # rewrapped, not changed
    changed = revise(ctx, record, content) if content != before else []
    if changed:
        tell_secretariat(ctx, record, content=content)
        outcome.updated.append((RecordView.of_record(record, ctx.language, content), changed))
