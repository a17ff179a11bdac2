"""Gather, once per run, who gets a digest and everything that may go in one."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from digests.build import (
    GAP_AFTER,
    RENEWAL_AFTER,
    Facts,
    Filters,
    MatchFacts,
    News,
    Recipient,
    index_matches,
    index_published,
)
from store.digests import last_sent
from store.matches import OPEN, Codes, Match
from store.people import Person, bouncing_addresses
from store.records import PUBLISHED, Record
from store.subscriptions import OWN, active

FIRST_DIGEST_LOOKBACK = timedelta(days=7)
# The columns of a record that digests.build.Facts keeps: rows of these, not whole records
# (tens of thousands of them, with their texts), are what a run reads. Their code lists are
# read as text and each distinct list decoded once (store.matches.Codes).
FACTS = (
    Record.id,
    Record.kind,
    Record.actor_id,
    cast(Record.countries, Codes).label("countries"),
    cast(Record.areas, Codes).label("areas"),
    cast(Record.assistance, Codes).label("assistance"),
    Record.published_at,
    Record.renewed_at,
)
Reasons = tuple[tuple[str, tuple[str, ...]], ...]


def recipients(session: Session, period: str, now: datetime) -> list[Recipient]:
    """One recipient per address, with the filters and actors of all its subscriptions; none
    for an address that bounces (bot.people.bounces)."""
    grouped: dict[tuple[str, str], list] = defaultdict(list)  # type: ignore[type-arg]
    dead = bouncing_addresses(session)  # kept subscribed: their digests start again if it works
    for subscription in active(session):
        if subscription.channel == "email" and subscription.address.lower() in dead:
            continue
        grouped[(subscription.channel, subscription.address)].append(subscription)
    sent = last_sent(session, period)
    found = []
    for (channel, address), subscriptions in grouped.items():
        actor_ids: set[int] = set()
        filters = []
        language = subscriptions[0].language
        for subscription in subscriptions:
            if subscription.kind == OWN:
                person = session.get(Person, subscription.person_id)
                actor_ids |= {a.id for a in person.actors} if person else set()
                if person is not None and person.language:
                    language = person.language  # theirs, learned since they subscribed
            else:
                filters.append(filters_of(subscription.filters))
        start = min(s.confirmed_at or s.created_at for s in subscriptions)
        since = sent.get((channel, address)) or start - FIRST_DIGEST_LOOKBACK
        found.append(
            Recipient(
                channel,
                address,
                language,
                since,
                frozenset(actor_ids),
                tuple(filters),
            )
        )
    return found


def filters_of(stored: dict) -> Filters:  # type: ignore[type-arg]
    return Filters(
        kind=stored.get("kind") or None,
        areas=frozenset(stored.get("areas", ())),
        assistance=frozenset(stored.get("assistance", ())),
        places=frozenset(stored.get("places", ())),
    )


def news(session: Session, since: datetime, now: datetime, actor_ids: set[int]) -> News:
    """What happened after `since` (the earliest of all recipients), and the renewals due."""
    reasons = _Reasons()
    matches = tuple(
        MatchFacts(need_id, offer_id, score, reasons[text], created_at)
        for need_id, offer_id, score, text, created_at in session.execute(
            select(
                Match.need_id,
                Match.offer_id,
                Match.score,
                cast(Match.reasons, Text),
                Match.created_at,
            ).where(Match.status == OPEN, Match.created_at > since)
        )
    )
    published = list(
        session.execute(
            select(*FACTS)
            .where(Record.status == PUBLISHED, Record.published_at > since)
            .order_by(Record.published_at.desc())
        )
    )
    matched = select(Match.need_id).where(Match.status == OPEN)
    gaps = list(
        session.execute(
            select(*FACTS).where(
                Record.status == PUBLISHED,
                Record.kind == "need",
                Record.published_at > since - GAP_AFTER,
                Record.published_at <= now - GAP_AFTER,
                Record.id.not_in(matched),
            )
        )
    )
    due = list(
        session.execute(
            select(*FACTS).where(
                Record.status == PUBLISHED,
                Record.actor_id.in_(actor_ids),
                func.coalesce(Record.renewed_at, Record.published_at) <= now - RENEWAL_AFTER,
            )
        )
    )
    needed = {m.need_id for m in matches} | {m.offer_id for m in matches}
    records = {r.id: Facts.of(r) for r in (*published, *gaps, *due)}
    missing = needed - set(records)
    if missing:
        for record in session.execute(select(*FACTS).where(Record.id.in_(missing))):
            records[record.id] = Facts.of(record)
    by_actor: dict[int, list[Facts]] = defaultdict(list)
    for record in due:
        by_actor[record.actor_id].append(records[record.id])
    offer_actors = frozenset(
        session.scalars(
            select(Record.actor_id)
            .where(Record.status == PUBLISHED, Record.kind == "offer")
            .distinct()
        )
    )
    week = tuple(records[r.id] for r in published)
    return News(
        matches=matches,
        published=week,
        gaps=tuple(records[r.id] for r in gaps),
        records=records,
        by_actor={k: tuple(v) for k, v in by_actor.items()},
        offer_actors=offer_actors,
        match_index=index_matches(matches, records),
        published_index=index_published(week),
    )


class _Reasons(dict[str, Reasons]):
    """The reasons of the matches, read as JSON text and each distinct text decoded once: a
    week holds tens of thousands of matches and a fraction as many distinct reasons."""

    def __missing__(self, text: str) -> Reasons:
        decoded = self[text] = tuple((code, tuple(values)) for code, values in json.loads(text))
        return decoded
