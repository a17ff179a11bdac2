"""Counts over time from the records' history: needs, offers, matches, fulfilled needs, areas.

Each thing is counted in the period it happened, whatever became of it since: a need published
in 2025 and withdrawn in 2026 is one of 2025's needs. Periods are calendar years, then the
quarters of the latest year, in the portal's timezone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.records.views import vocabulary
from store.audit import AuditEntry
from store.matches import Match
from store.records import FULFILLED, NEED, OFFER, Record


@dataclass(frozen=True)
class Period:
    """A year ("2025") or a quarter of the latest year ("2026 Q1"), [start, end)."""

    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Series:
    """One thing counted in each period, in the order of `Trends.periods`."""

    key: str  # needs, offers, matches, fulfilled
    counts: tuple[int, ...]


@dataclass(frozen=True)
class AreaCount:
    """Needs and offers ever published (up to the last period's end) that name an area."""

    code: str
    needs: int
    offers: int


@dataclass(frozen=True)
class Trends:
    periods: tuple[Period, ...]
    series: tuple[Series, ...]
    by_area: tuple[AreaCount, ...]  # areas named at least once, in vocabulary order

    def rows(self) -> list[tuple[str, tuple[int, ...]]]:
        """(period label, its count of each series): the charts' figures as a table."""
        return [
            (period.label, tuple(s.counts[i] for s in self.series))
            for i, period in enumerate(self.periods)
        ]


KEYS = ("needs", "offers", "matches", "fulfilled")


def periods(first_year: int, until: datetime, timezone: str) -> tuple[Period, ...]:
    """Each year from `first_year` to the year before `until`'s, then that year's quarters up
    to `until`'s quarter."""
    zone = ZoneInfo(timezone)
    local = until.astimezone(zone)
    found = [
        Period(str(year), datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone))
        for year in range(min(first_year, local.year), local.year)
    ]
    for quarter in range(1, (local.month - 1) // 3 + 2):
        start = datetime(local.year, 3 * quarter - 2, 1, tzinfo=zone)
        end = (
            datetime(local.year + 1, 1, 1, tzinfo=zone)
            if quarter == 4
            else datetime(local.year, 3 * quarter + 1, 1, tzinfo=zone)
        )
        found.append(Period(f"{local.year} Q{quarter}", start, end))
    return tuple(found)


def trends(session: Session, until: datetime, timezone: str = "UTC") -> Trends:
    """The counts of every period up to `until` (its last period is cut there)."""
    published: list[tuple[str, datetime, tuple[str, ...]]] = [
        (kind, at, tuple(areas or ()))
        for kind, at, areas in session.execute(
            select(Record.kind, Record.published_at, Record.areas).where(
                Record.published_at.is_not(None), Record.published_at <= until
            )
        ).all()
        if at is not None
    ]
    made = list(session.scalars(select(Match.created_at).where(Match.created_at <= until)))
    fulfilled = list(
        session.scalars(
            select(AuditEntry.at)
            .join(Record, Record.id == AuditEntry.record_id)
            .where(AuditEntry.action == FULFILLED, Record.kind == NEED, AuditEntry.at <= until)
        )
    )
    first = min((at.astimezone(ZoneInfo(timezone)).year for _, at, _ in published), default=None)
    spans = periods(first or until.year, until, timezone)
    moments: dict[str, list[datetime]] = {
        "needs": [at for kind, at, _ in published if kind == NEED],
        "offers": [at for kind, at, _ in published if kind == OFFER],
        "matches": made,
        "fulfilled": fulfilled,
    }
    return Trends(
        periods=spans,
        series=tuple(Series(key, _per_period(moments[key], spans)) for key in KEYS),
        by_area=_by_area(published),
    )


def _per_period(moments: Iterable[datetime], spans: tuple[Period, ...]) -> tuple[int, ...]:
    counts: Counter[int] = Counter()
    for at in moments:
        for i, span in enumerate(spans):
            if span.start <= at < span.end:
                counts[i] += 1
                break
    return tuple(counts[i] for i in range(len(spans)))


def _by_area(published: list[tuple[str, datetime, tuple[str, ...]]]) -> tuple[AreaCount, ...]:
    needs = Counter(code for kind, _, areas in published if kind == NEED for code in set(areas))
    offers = Counter(code for kind, _, areas in published if kind == OFFER for code in set(areas))
    return tuple(
        AreaCount(code, needs[code], offers[code])
        for code in vocabulary().area_codes
        if needs[code] or offers[code]
    )
