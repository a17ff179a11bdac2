"""Matches between needs and offers, and each record's bar: the k-th best it keeps."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from store.base import Base, utcnow
from store.records import Record

OPEN, CLOSED = "open", "closed"
DROPPED = "dropped"  # closed because it fell out of both its records' best matches


class Codes(TypeDecorator[tuple[str, ...]]):
    """A JSON list of codes read as text (`cast(Record.areas, Codes)`) and returned as a tuple,
    decoded once per distinct list: the candidates of a search share a few hundred lists."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: str | None, dialect: Dialect) -> tuple[str, ...]:
        return _decoded(value) if value else ()


@lru_cache(maxsize=4096)
def _decoded(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("need_id", "offer_id"),
        Index("ix_matches_status_created", "status", "created_at"),
        # cover kth_best(): a record's open matches by score, read from the index alone
        Index("ix_matches_need_rank", "need_id", "status", "score", "offer_id"),
        Index("ix_matches_offer_rank", "offer_id", "status", "score", "need_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[code, [values]], ...]
    status: Mapped[str] = mapped_column(String(8), default=OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    need: Mapped[Record] = relationship(foreign_keys=[need_id])
    offer: Mapped[Record] = relationship(foreign_keys=[offer_id])


class MatchBar(Base):
    """A record's k-th best open match: the bar a new match must pass to enter its best k, kept
    so that a refresh reads one row per counterpart, not all their matches. No row, or a row for
    another k: not known (then kth_best is asked). score None: fewer than k open matches."""

    __tablename__ = "match_bars"

    record_id: Mapped[int] = mapped_column(
        ForeignKey("records.id", ondelete="CASCADE"), primary_key=True
    )
    keep: Mapped[int]
    score: Mapped[int | None]
    other_id: Mapped[int | None]


def add_matches(session: Session, rows: list[dict[str, Any]]) -> None:
    """Store new matches (dicts of the table's columns) in one executemany: no ORM object and no
    INSERT of its own per match. Like any Core statement, it does not flush the session first."""
    if rows:
        session.execute(insert(cast(Table, Match.__table__)), rows)


def matches_of(session: Session, record: Record, status: str | None = OPEN) -> list[Match]:
    column = Match.need_id if record.kind == "need" else Match.offer_id
    query = select(Match).where(column == record.id)
    if status:
        query = query.where(Match.status == status)
    return list(session.scalars(query.order_by(Match.score.desc(), Match.id)))


def list_matches(
    session: Session, *, status: str | None = OPEN, since: datetime | None = None
) -> list[Match]:
    query = select(Match).order_by(Match.score.desc(), Match.id)
    if status:
        query = query.where(Match.status == status)
    if since is not None:
        query = query.where(Match.created_at >= since)
    return list(session.scalars(query))


def ranked_at(
    session: Session,
    kind: str,
    ids: Collection[int],
    places: Collection[int],
    excluding: int | None = None,
) -> dict[tuple[int, int], tuple[int, int]]:
    """For each record among `ids` (all of `kind`), its open matches at these places in its own
    ranking, leaving out its match with `excluding`: {(record id, place): (score, the other
    record's id)}. Ranked by score, then by the other record's id (the older first); one query
    answered from the covering index."""
    if not ids:
        return {}
    mine, theirs = (
        (Match.need_id, Match.offer_id) if kind == "need" else (Match.offer_id, Match.need_id)
    )
    rank = func.row_number().over(partition_by=mine, order_by=(Match.score.desc(), theirs))
    query = select(mine.label("holder"), Match.score, theirs.label("other"), rank.label("rank"))
    query = query.where(mine.in_(sorted(ids)), Match.status == OPEN)
    if excluding is not None:
        query = query.where(theirs != excluding)
    ranked = query.subquery()
    rows = session.execute(
        select(ranked.c.holder, ranked.c.rank, ranked.c.score, ranked.c.other).where(
            ranked.c.rank.in_(sorted(places))
        )
    )
    return {(holder, place): (score, other) for holder, place, score, other in rows}


def kth_best(
    session: Session, kind: str, ids: Collection[int], k: int
) -> dict[int, tuple[int, int]]:
    """For each record among `ids` with at least k open matches: the k-th."""
    return {holder: m for (holder, _), m in ranked_at(session, kind, ids, [k]).items()}


def drop_matches(session: Session, pairs: Collection[tuple[int, int]], now: datetime) -> None:
    """Close these open matches (need id, offer id) as dropped, in one executemany."""
    if pairs:
        table = cast(Table, Match.__table__)
        statement = (
            update(table)
            .where(
                table.c.need_id == bindparam("need"),
                table.c.offer_id == bindparam("offer"),
                table.c.status == OPEN,
            )
            .values(status=DROPPED, closed_at=now, updated_at=now)
        )
        session.execute(statement, [{"need": n, "offer": o} for n, o in sorted(pairs)])


def set_bars(session: Session, bars: dict[int, tuple[int, int] | None], keep: int) -> None:
    """Store these records' bars (None: fewer than `keep` open matches), replacing their old."""
    if bars:
        forget_bars(session, bars)
        rows = [
            {"record_id": record_id, "keep": keep, "score": bar[0] if bar else None,
             "other_id": bar[1] if bar else None}
            for record_id, bar in sorted(bars.items())
        ]  # fmt: skip
        session.execute(insert(cast(Table, MatchBar.__table__)), rows)


def forget_bars(session: Session, record_ids: Collection[int]) -> None:
    """These records' bars are no longer known (their open matches changed otherwise)."""
    if record_ids:
        table = cast(Table, MatchBar.__table__)
        session.execute(delete(table).where(table.c.record_id.in_(sorted(record_ids))))


def rebuild_bars(session: Session, keep: int) -> int:
    """Every record's bar computed afresh from its open matches; returns the bars stored."""
    session.execute(delete(cast(Table, MatchBar.__table__)))
    stored = 0
    for kind in ("need", "offer"):
        holders = select(Match.need_id if kind == "need" else Match.offer_id).distinct()
        ids = list(session.scalars(holders.where(Match.status == OPEN)))
        bars: dict[int, tuple[int, int] | None] = dict.fromkeys(ids)
        for start in range(0, len(ids), 500):
            bars.update(kth_best(session, kind, ids[start : start + 500], keep))
        set_bars(session, bars, keep)
        stored += len(bars)
    return stored
