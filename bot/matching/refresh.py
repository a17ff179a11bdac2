"""Keeping matches current: key published records, score the candidates that could be kept."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import cast, select
from sqlalchemy.orm import Session

from bot.matching.bound import shortlist
from bot.matching.keep import keep as keep_best
from bot.matching.score import Match as Found
from bot.matching.score import Side, match
from bot.records.views import REGION_PREFIX, vocabulary
from store.match_keys import candidates, set_keys
from store.matches import (
    CLOSED,
    DROPPED,
    OPEN,
    Codes,
    Match,
    add_matches,
    drop_matches,
    forget_bars,
    matches_of,
    set_bars,
)
from store.records import PUBLISHED, Record

log = logging.getLogger(__name__)
ANY = "any"


class Candidate(NamedTuple):
    """A published record of the other kind, loaded as the columns Side.of reads (a named
    tuple: its attributes cost far less to read than a Row's or a Record's)."""

    id: int
    public_id: str
    kind: str
    actor_id: int
    countries: tuple[str, ...]
    areas: tuple[str, ...]
    assistance: tuple[str, ...]
    languages: tuple[str, ...]
    amount: Decimal | None
    currency: str | None
    period_start: date | None
    period_end: date | None
    published_at: datetime | None
    renewed_at: datetime | None


CODES = ("countries", "areas", "assistance", "languages")  # JSON lists, read as tuples


def _column(name: str) -> Any:
    column = getattr(Record, name)
    return cast(column, Codes).label(name) if name in CODES else column


CANDIDATE_COLUMNS = tuple(_column(name) for name in Candidate._fields)


def region_countries(code: str) -> frozenset[str]:
    return vocabulary().region_countries(code)


def places_of(record: Record) -> set[str]:
    """A record's places, as its match keys store them."""
    return set(record.countries)


def offer_places_for(countries: list[str]) -> set[str]:
    """The places an offer needs to be open to these countries: each country itself, each
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


def refresh(session: Session, record: Record, now: datetime, *, keep: int) -> tuple[int, int]:
    """Recompute the record's matches after it was published, revised, withdrawn or closed.

    Returns (opened, closed). Only published records of the other kind are considered; of its
    matches, those kept open are its best `keep` and those among their other record's best
    `keep` (bot.matching.keep). A match it pushes out of both its records' best is dropped.
    """
    existing = {(m.need_id, m.offer_id): m for m in matches_of(session, record, status=None)}
    # the bars of the records it is matched with may hold this record's old match: not known now
    held_with = {m.offer_id if record.kind == "need" else m.need_id for m in existing.values()}
    forget_bars(session, {*held_with, record.id})
    if record.status != PUBLISHED:
        set_keys(session, record, None)
        return 0, _close(existing.values(), now, CLOSED)
    set_keys(session, record, places_of(record))
    other = "offer" if record.kind == "need" else "need"
    if record.kind == "need":
        places: set[str] | None = offer_places_for(record.countries)
    else:
        places = need_countries_for(record.countries)
    me = Side.of(record)
    found = candidates(
        session, other, me.areas, me.assistance, places, actor_id=me.actor_id, period=me.period,
        currency=me.currency if me.amount is not None else None,
    )  # fmt: skip
    bars: dict[int, tuple[int, int] | None] = {  # the candidates' bars known for this keep
        c.id: None if c.bar_score is None or c.bar_other is None else (c.bar_score, c.bar_other)
        for c in found
        if c.bar_keep == keep
    }

    def score(ids: list[int]) -> list[Found]:
        rows = session.execute(
            select(*CANDIDATE_COLUMNS).where(Record.id.in_(sorted(ids))).order_by(Record.id)
        )
        results = []
        for row in rows:
            other_side = Side.of(Candidate._make(row))  # match() takes either order
            result = match(me, other_side, region_countries=region_countries, now=now)
            if result is not None:
                results.append(result)
        return results

    results = shortlist(me, found, keep, held_with, score)
    kept = keep_best(session, record.kind, record.id, results, keep, bars)
    matched = {(m.need_id, m.offer_id) for m in results}
    new: list[dict[str, Any]] = []
    reopened = 0
    for result in kept.matches:
        key = (result.need_id, result.offer_id)
        if key in existing:
            if existing[key].status != OPEN:
                reopened += 1
            _store(existing[key], result, now)
        else:
            new.append(_new_row(result, now))
    add_matches(session, new)
    drop_matches(session, kept.dropped, now)
    set_bars(session, kept.bars, keep)
    held = {(m.need_id, m.offer_id) for m in kept.matches}
    gone = [m for key, m in existing.items() if key not in matched]
    outranked = [m for key, m in existing.items() if key in matched and key not in held]
    closed = _close(gone, now, CLOSED) + _close(outranked, now, DROPPED)
    return len(new) + reopened, closed + len(kept.dropped)


def _reasons(result: Found) -> list[Any]:
    return [[reason.code, list(reason.values)] for reason in result.reasons]


def _new_row(result: Found, now: datetime) -> dict[str, Any]:
    """The matches table's row for a match found for the first time."""
    return {
        "need_id": result.need_id,
        "offer_id": result.offer_id,
        "score": result.score,
        "reasons": _reasons(result),
        "status": OPEN,
        "created_at": now,
        "updated_at": now,
        "closed_at": None,
    }


def _store(row: Match, result: Found, now: datetime) -> None:
    """Update a stored match found again: re-scored, or re-opened (then it is new news)."""
    if row.status != OPEN:
        row.created_at, row.closed_at = now, None
    row.score, row.reasons, row.status, row.updated_at = result.score, _reasons(result), OPEN, now


def _close(matches, now: datetime, status: str) -> int:  # type: ignore[no-untyped-def]
    closed = 0
    for row in matches:
        if row.status == OPEN:
            row.status, row.closed_at = status, now
            closed += 1
    return closed
