"""Match keys: each published record's (area, assistance, place) combinations, and the search.

A need and an offer can match only when they share an area, a form of assistance and a place
(the need's country against the offer's country, region or `any`). One row per combination lets
the search read only the rows of records that share all three, from one index, where a row per
code made it read every record sharing any one of them (tens of thousands at 100k records).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from itertools import product
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy import cast as convert
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.base import Base
from store.matches import MatchBar
from store.records import Record


class MatchKey(Base):
    """One combination of an area, a form of assistance and a place of a published record (an
    offer's place: an eligible country, `region:<M49>` or `any`), with how many areas and forms
    the record lists in all (a need's share of them is part of the score)."""

    __tablename__ = "match_keys"
    # covers candidates(): the search and the counts are read from the index alone
    __table_args__ = (
        Index(
            "ix_match_keys_search",
            "kind", "area", "assistance", "place", "record_id", "areas", "forms",
        ),
    )  # fmt: skip

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(64), primary_key=True)
    assistance: Mapped[str] = mapped_column(String(64), primary_key=True)
    place: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    areas: Mapped[int]
    forms: Mapped[int]


class Candidate(NamedTuple):
    """What the search knows of a record of the other kind without loading it: enough for an
    upper bound on its score (bot.matching.bound), and its bar (store.matches.MatchBar)."""

    id: int
    shared_areas: int
    areas: int  # how many distinct areas it lists
    shared_forms: int
    forms: int
    languages: int  # 1: it lists languages
    period: int  # 1: it has a complete period (overlapping the given one, if any)
    amount: int  # 1: it has an amount in the given currency
    bar_keep: int | None
    bar_score: int | None
    bar_other: int | None


def key_rows(
    record_id: int, kind: str, areas: Iterable[str], assistance: Iterable[str], places: set[str]
) -> list[dict[str, Any]]:
    """The match_keys rows of a published record."""
    areas, assistance = sorted(set(areas)), sorted(set(assistance))
    return [
        {"record_id": record_id, "kind": kind, "area": area, "assistance": form, "place": place,
         "areas": len(areas), "forms": len(assistance)}
        for area, form, place in product(areas, assistance, sorted(places))
    ]  # fmt: skip


def set_keys(session: Session, record: Record, places: set[str] | None) -> None:
    """Replace a record's keys (places None: none, it is no longer searchable). A Core
    executemany, like add_matches: the record must be flushed already."""
    table = cast(Table, MatchKey.__table__)
    session.execute(delete(table).where(table.c.record_id == record.id))
    if places is not None:
        rows = key_rows(record.id, record.kind, record.areas, record.assistance, places)
        if rows:
            session.execute(insert(table), rows)


def candidates(
    session: Session,
    kind: str,
    areas: Collection[str],
    assistance: Collection[str],
    places: Collection[str] | None,
    *,
    actor_id: int,
    period: tuple[date, date] | None,
    currency: str | None,
) -> list[Candidate]:
    """Published records of `kind` of another actor sharing an area, a form of assistance and
    (when `places` is given) one of those places, leaving out those whose complete period misses
    `period`; with the facts of each that bound its score, and its bar."""
    keys = cast(Table, MatchKey.__table__)
    found = select(
        keys.c.record_id,
        func.count(keys.c.area.distinct()).label("shared_areas"),
        func.max(keys.c.areas).label("areas"),
        func.count(keys.c.assistance.distinct()).label("shared_forms"),
        func.max(keys.c.forms).label("forms"),
    ).where(keys.c.kind == kind, keys.c.area.in_(sorted(areas)),
            keys.c.assistance.in_(sorted(assistance)))  # fmt: skip
    if places is not None:
        found = found.where(keys.c.place.in_(sorted(places)))
    shared = found.group_by(keys.c.record_id).subquery()
    complete = and_(Record.period_start.is_not(None), Record.period_end.is_not(None))
    languages = func.coalesce(convert(Record.languages, Text), "[]").not_in(["[]", "null"])
    amount = and_(Record.amount.is_not(None), Record.currency == currency) if currency else false()
    query = (
        select(
            shared,
            case((languages, 1), else_=0),  # plain integers: no conversion of each row
            case((complete, 1), else_=0),
            case((amount, 1), else_=0),
            MatchBar.keep,
            MatchBar.score,
            MatchBar.other_id,
        )
        .join(Record, Record.id == shared.c.record_id)
        .outerjoin(MatchBar, MatchBar.record_id == shared.c.record_id)
        .where(Record.actor_id != actor_id)
    )
    if period is not None:
        start, end = period  # a complete period that cannot overlap blocks the match
        query = query.where(
            or_(
                ~complete,
                and_(
                    Record.period_start <= end,
                    Record.period_end >= start,
                    Record.period_start <= Record.period_end,
                ),
            )  # fmt: skip
        )
    return [Candidate._make(row) for row in session.execute(query)]
