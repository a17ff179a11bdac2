"""Calls for information: create, send to every focal point (paced, resumable), remind, report."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.errors import NotFound, UserError
from bot.people.registry import actor_named
from bot.records.views import RecordView
from store.actors import ACTOR_TYPES, Actor
from store.bounces import permanent_failure_of
from store.calls import Call, CallRecipient, recipients_of
from store.db import transaction
from store.outbox import OutboxItem
from store.people import Person, bouncing_addresses, focal_points
from store.records import OPEN, list_records

log = logging.getLogger(__name__)

REMIND_AGAIN_AFTER = timedelta(days=7)
ANSWERS = ("answered", "updated", "no_change")


def create(
    session: Session,
    *,
    title: str,
    deadline: date | None,
    actor_types: list[str],
    actor_codes: list[str],
    message: str,
    by: str,
) -> Call:
    unknown = [t for t in actor_types if t not in ACTOR_TYPES]
    if unknown:
        raise UserError(
            f"unknown actor type(s): {', '.join(unknown)} (known: {', '.join(ACTOR_TYPES)})"
        )
    codes = [actor_named(session, code).code for code in actor_codes]
    if not title.strip():
        raise UserError("a call needs a title")
    call = Call(
        title=title.strip(),
        deadline=deadline,
        actor_types=actor_types,
        actor_codes=codes,
        message=message.strip(),
        created_by=by,
    )
    session.add(call)
    session.flush()
    return call


def every(session: Session) -> list[Call]:
    return list(session.scalars(select(Call).order_by(Call.id)))


def get(session: Session, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise NotFound(f"no call {call_id}")
    return call


def actors_of(session: Session, call: Call) -> list[Actor]:
    query = select(Actor).order_by(Actor.type, Actor.code)
    if call.actor_types or call.actor_codes:
        query = query.where(Actor.type.in_(call.actor_types) | Actor.code.in_(call.actor_codes))
    return list(session.scalars(query))


@dataclass
class SendReport:
    queued: int = 0
    already: int = 0
    without_focal_point: int = 0
    unreachable: int = 0  # focal points whose every address bounces: not written to

    def __str__(self) -> str:
        text = (
            f"{self.queued} mail(s) queued, {self.already} already sent, "
            f"{self.without_focal_point} actor(s) without a focal point"
        )
        return text + (
            f", {self.unreachable} unreachable (address bouncing)" if self.unreachable else ""
        )


def send(
    sessions: sessionmaker[Session],
    settings: Settings,
    call_id: int,
    now: datetime,
    *,
    dry_run: bool = False,
    remind: bool = False,
) -> SendReport:
    """Queue the call (or a reminder) for every focal point not yet served; safe to re-run.

    Each mail is written with its ledger row in one transaction, so a crash part-way leaves
    the rest to the next run and nobody gets the same mail twice. Mails are spaced by
    PORTAL_CALL_RATE so that a relay is never flooded.
    """
    report = SendReport()
    with sessions() as session:
        call = get(session, call_id)
        targets = [
            (person.id, actor.id)
            for actor in actors_of(session, call)
            for person in focal_points(session, actor)
        ]
        served = {a.id for a in actors_of(session, call) if focal_points(session, a)}
        report.without_focal_point = len(actors_of(session, call)) - len(served)
    spacing = timedelta(minutes=1) / max(settings.call_rate, 1)
    for person_id, actor_id in targets:
        if dry_run:
            with sessions() as session:
                row = _row(session, call_id, person_id, actor_id)
            wanted = _may_remind(row, now) if remind else row is None or row.sent_at is None
            if wanted and _unreachable(sessions, person_id):
                report.unreachable += 1
                continue
            report.queued += wanted
            report.already += not wanted
            continue
        due = now + spacing * report.queued
        outcome = _queue_one(sessions, settings, call_id, person_id, actor_id, now, due, remind)
        setattr(report, outcome, getattr(report, outcome) + 1)
    if not dry_run and not remind:
        with transaction(sessions) as session:
            get(session, call_id).sent_at = now
    return report


def _row(session: Session, call_id: int, person_id: int, actor_id: int) -> CallRecipient | None:
    return session.scalars(
        select(CallRecipient).where(
            CallRecipient.call_id == call_id,
            CallRecipient.person_id == person_id,
            CallRecipient.actor_id == actor_id,
        )
    ).first()


def _queue_one(
    sessions: sessionmaker[Session],
    settings: Settings,
    call_id: int,
    person_id: int,
    actor_id: int,
    now: datetime,
    due: datetime,
    remind: bool,
) -> str:
    try:
        with transaction(sessions) as session:
            row = _row(session, call_id, person_id, actor_id)
            if not (_may_remind(row, now) if remind else row is None or row.sent_at is None):
                return "already"
            person = session.get_one(Person, person_id)
            if person.reachable_email is None:
                return "unreachable"
            if row is None:
                row = CallRecipient(
                    call_id=call_id,
                    person_id=person_id,
                    actor_id=actor_id,
                    address=person.reachable_email,
                    language=person.mail_language,
                )
                session.add(row)
                session.flush()
            item = _mail(session, settings, row, now, due, reminder=remind)
            session.flush()  # the item's id, for the ledger
            if remind:
                row.reminded_at = now
            else:
                row.sent_at, row.outbox_item_id = now, item.id
            return "queued"
    except IntegrityError:  # a concurrent send wrote it first
        return "already"


def _unreachable(sessions: sessionmaker[Session], person_id: int) -> bool:
    with sessions() as session:
        return session.get_one(Person, person_id).reachable_email is None


def _may_remind(row: CallRecipient | None, now: datetime) -> bool:
    """Only those who got the call, have not answered, and heard from us over a week ago."""
    if row is None or row.sent_at is None or row.answered_at is not None:
        return False
    return (row.reminded_at or row.sent_at) <= now - REMIND_AGAIN_AFTER


def _mail(
    session: Session,
    settings: Settings,
    row: CallRecipient,
    now: datetime,
    due: datetime,
    *,
    reminder: bool,
) -> OutboxItem:
    call, actor = row.call, row.actor
    lang = (row.person.language if row.person else None) or row.language  # learned since
    records = [r for r in list_records(session, actors=[actor]) if r.status in OPEN]
    ctx = Context(
        session,
        settings,
        Inbound(channel="system", sender="system", subject="", text=""),
        person=None,
        now=now,
    )
    assert row.person is not None
    item = ctx.notify(
        row.person,
        "call",
        about=("c", row.id),
        by_email=True,  # answered by replying to the mail
        call=call,
        actor=actor.display_name(lang),
        reminder=reminder,
        records=[RecordView.of_record(r, lang) for r in records],
    )
    assert item is not None
    item.next_attempt_at = due
    return item


@dataclass(frozen=True)
class StatusLine:
    actor: str
    address: str
    state: str  # answered / updated / no_change / silent / unreachable / not_sent /
    # no_focal_point
    when: datetime | None


def status(session: Session, call_id: int) -> list[StatusLine]:
    """Per actor and focal point. Not answered: "unreachable" when the call bounced or the
    address bounces (the actor may have lost its focal point), else "silent"."""
    call = get(session, call_id)
    by_key = {(r.actor_id, r.person_id): r for r in recipients_of(session, call.id)}
    dead = bouncing_addresses(session)
    lines = []
    for actor in actors_of(session, call):
        people = focal_points(session, actor)
        if not people:
            lines.append(StatusLine(actor.code, "-", "no_focal_point", None))
        for person in people:
            row = by_key.get((actor.id, person.id))
            if row is None or row.sent_at is None:
                state = "not_sent" if person.reachable_email else "unreachable"
                lines.append(StatusLine(actor.code, person.email or "", state, None))
            elif row.answer is None and (
                row.address in dead
                or (row.outbox_item_id and permanent_failure_of(session, row.outbox_item_id))
            ):
                lines.append(StatusLine(actor.code, row.address, "unreachable", None))
            else:
                lines.append(
                    StatusLine(actor.code, row.address, row.answer or "silent", row.answered_at)
                )
    return lines
