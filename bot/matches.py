"""Keeping matches current: tag published records, find candidates by index, store matches."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.matching import Side, match
from bot.views import REGION_PREFIX, vocabulary
from store.matches import (
    AREA,
    ASSISTANCE,
    CLOSED,
    OPEN,
    PLACE,
    Match,
    candidates,
    matches_of,
    set_tags,
)
from store.records import PUBLISHED, Record

log = logging.getLogger(__name__)
ANY = "any"


def region_countries(code: str) -> frozenset[str]:
    return vocabulary().region_countries(code)


def places_of(record: Record) -> set[str]:
    """A record's place tags, as stored."""
    return set(record.countries)


def offer_places_for(countries: list[str]) -> set[str]:
    """The place tags an offer needs to be open to these countries: each country itself, each
    region it lies in, and `any`."""
    wanted = {ANY}
    for country in countries:
        wanted.add(country)
        wanted |= {REGION_PREFIX + code for code in vocabulary().regions_of(country)}
    return wanted


def need_countries_for(places: list[str]) -> set[str] | None:
    """The countries an offer is open to (None: any country)."""
    if ANY in places:
        return None
    countries: set[str] = set()
    for place in places:
        if place.startswith(REGION_PREFIX):
            countries |= region_countries(place.removeprefix(REGION_PREFIX))
        else:
            countries.add(place)
    return countries


def refresh(session: Session, record: Record, now: datetime) -> tuple[int, int]:
    """Recompute the record's matches after it was published, revised, withdrawn or closed.

    Returns (opened, closed). Only published records of the other kind are considered.
    """
    existing = {(m.need_id, m.offer_id): m for m in matches_of(session, record, status=None)}
    if record.status != PUBLISHED:
        set_tags(session, record, {})
        return 0, _close(existing.values(), now)
    set_tags(
        session,
        record,
        {AREA: set(record.areas), ASSISTANCE: set(record.assistance), PLACE: places_of(record)},
    )
    other = "offer" if record.kind == "need" else "need"
    if record.kind == "need":
        places: set[str] | None = offer_places_for(record.countries)
    else:
        places = need_countries_for(record.countries)
    ids = candidates(session, other, set(record.areas), set(record.assistance), places)
    me = Side.of(record)
    found: dict[tuple[int, int], Match | None] = {}
    for candidate in session.scalars(select(Record).where(Record.id.in_(ids))):
        need, offer = (
            (me, Side.of(candidate)) if record.kind == "need" else (Side.of(candidate), me)
        )
        result = match(need, offer, region_countries=region_countries, now=now)
        if result is not None:
            found[(result.need_id, result.offer_id)] = _store(session, existing, result, now)
    stale = [m for key, m in existing.items() if key not in found and m.status == OPEN]
    opened = sum(1 for key in found if key not in existing or existing[key].status != OPEN)
    return opened, _close(stale, now)


def _store(
    session: Session, existing: dict[tuple[int, int], Match], result, now: datetime
) -> Match:  # type: ignore[no-untyped-def]
    reasons = [[r.code, list(r.values)] for r in result.reasons]
    row = existing.get((result.need_id, result.offer_id))
    if row is None:
        row = Match(need_id=result.need_id, offer_id=result.offer_id, created_at=now)
        session.add(row)
    elif row.status != OPEN:  # matching again after a close: it is new news
        row.created_at, row.closed_at = now, None
    row.score, row.reasons, row.status, row.updated_at = result.score, reasons, OPEN, now
    return row


def _close(matches, now: datetime) -> int:  # type: ignore[no-untyped-def]
    closed = 0
    for row in matches:
        if row.status == OPEN:
            row.status, row.closed_at = CLOSED, now
            closed += 1
    return closed
