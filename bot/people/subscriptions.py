"""Subscribing to the weekly digest by email: filters, double opt-in, one-step unsubscribe."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot import tokens
from bot.context import Context
from bot.parsing.normalise import fold
from bot.parsing.parser import KIND_WORDS, Problem, parse_submission
from store.db import transaction
from store.digests import DigestEntry
from store.people import Person
from store.subscriptions import (
    ACTIVE,
    OWN,
    PENDING,
    UNSUBSCRIBED,
    Subscription,
    of_address,
    unsubscribe_address,
)

_KIND_LINE = re.compile(r"^[^\S\n]*(type|kind|tipo)\s*:\s*(.*)$", re.I | re.M)  # linear
FILTER_FIELDS = ("areas", "assistance", "country")


@dataclass(frozen=True)
class Wanted:
    filters: dict[str, Any]
    problems: tuple[Problem, ...]


def filters_from(text: str) -> Wanted:
    """Subscription filters from `Areas:`, `Assistance:`, `Country:` and `Type:` lines."""
    problems: list[Problem] = []
    kind = None
    found = _KIND_LINE.search(text)
    if found:
        word = found.group(2).strip().lower()
        kind = KIND_WORDS.get(fold(word))
        if kind is None and word:
            problems.append(Problem("type", "unknown_value", word, ("need", "offer")))
    result = parse_submission(_KIND_LINE.sub("", text), "")
    sent = {name for name, value in result.submission.fields.items() if value.strip()}
    problems += [p for p in result.problems if p.field in sent and p.field in FILTER_FIELDS]
    places = [p for p in result.submission.countries if p != "any"]
    filters = {
        "kind": kind,
        "areas": list(result.submission.areas),
        "assistance": list(result.submission.assistance),
        "places": places,
    }
    return Wanted({k: v for k, v in filters.items() if v}, tuple(problems))


def subscribe(ctx: Context, wanted: Wanted) -> Subscription:
    """A pending subscription, confirmed when its confirmation mail is answered; in Telegram
    the chat itself is proof enough, so it is active at once."""
    telegram = ctx.inbound.channel == "telegram"
    subscription = Subscription(
        channel=ctx.inbound.channel,
        address=ctx.inbound.answer_to.lower(),
        filters=wanted.filters,
        language=ctx.language,
        status=ACTIVE if telegram else PENDING,
        created_at=ctx.now,
        confirmed_at=ctx.now if telegram else None,
        person_id=ctx.person.id if ctx.person else None,
    )
    ctx.session.add(subscription)
    ctx.session.flush()
    return subscription


def confirm(ctx: Context, subscription_id: int) -> Subscription | None:
    subscription = ctx.session.get(Subscription, subscription_id)
    if subscription is None or subscription.address != ctx.inbound.sender.lower():
        return None
    if subscription.status == PENDING:
        subscription.status, subscription.confirmed_at = ACTIVE, ctx.now
    return subscription


def unsubscribe(ctx: Context) -> int:
    return unsubscribe_address(ctx.session, ctx.inbound.channel, ctx.inbound.answer_to, ctx.now)


def follow_own_records(session: Session, person: Person, now: datetime) -> None:
    """Focal points get the matches of their own records by default, unless they opted out."""
    if person.email is None:
        return
    mine = [
        s
        for s in of_address(
            session, "email", person.email, statuses=(PENDING, ACTIVE, UNSUBSCRIBED)
        )
        if s.kind == OWN
    ]
    if not mine:
        session.add(
            Subscription(
                channel="email",
                address=person.email,
                kind=OWN,
                person_id=person.id,
                language=person.mail_language,
                status=ACTIVE,
                created_at=now,
                confirmed_at=now,
            )
        )


def unsubscribe_by_digest_token(
    sessions: sessionmaker[Session], key: bytes, token: str, now: datetime
) -> str | None:
    """One click on a digest's link: end every subscription of the address it was sent to."""
    found = tokens.SHAPE.match(token.strip().lower())
    if found is None or found.group(1) != "d":
        return None
    with transaction(sessions) as session:
        row = session.get(DigestEntry, int(found.group(2)))
        if row is None:
            return None
        check = tokens.check(key, token, row.address, now)
        if check.problem is not None:
            return None
        unsubscribe_address(session, row.channel, row.address, now)
        return row.address
