"""The matcher: which published offers answer which needs, how well (0-100), and why.

Hard rules (`match` returns None when one fails):
  * the two records belong to different actors, and one is a need and the other an offer;
  * they share at least one area and at least one form of assistance;
  * the offer is open to one of the need's countries: by its ISO3 code, through a UN M49 region,
    sub-region or intermediate region ("region:035"), or "any";
  * when both carry a complete period (start and end), the periods overlap. A period missing on
    either side, or with a bound missing, does not block.

Score, an int from 0 to 100: the sum of these factors, each worth a share of its weight, rounded
half up once at the end (the arithmetic is exact: each share is a ratio of two integers):

  areas       35  share of the need's areas that the offer covers
  assistance  25  share of the need's forms of assistance that the offer covers
  languages   10  full when they share a language; 0 when both list languages and share none
  period      10  share of the need's period (days) that the offer's period covers
  amount      10  same currency: full when the offer's amount covers the need's, else in proportion
  recency     10  full when the newer of the two was published (or renewed) in the last 8 weeks,
                  falling linearly to 0 at 52 weeks

Neutral cases score half the factor's weight, so that unknown lies between good and bad: languages
missing on either side; a period missing on either side; an amount missing on either side or in
different currencies (no exchange rates here: the core takes no outside data).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

NEED, OFFER = "need", "offer"
ANY = "any"
REGION_PREFIX = "region:"

AREAS, ASSISTANCE, LANGUAGES, PERIOD, AMOUNT, RECENCY = 35, 25, 10, 10, 10, 10
RECENT = timedelta(weeks=8)
STALE = timedelta(weeks=52)
Share = tuple[int, int]  # an exact ratio, numerator and denominator (> 0)
HALF: Share = (1, 2)
FULL: Share = (1, 1)
NONE: Share = (0, 1)


@dataclass(frozen=True)
class Side:
    """A published need or offer, as the matcher sees it."""

    record_id: int
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
    published_at: datetime  # published or last renewed, whichever is later

    @classmethod
    def of(cls, record: Any) -> Side:
        """A Side from anything with a store Record's attributes; the record must be published."""
        published = record.published_at
        if published is None:
            raise ValueError(f"{record.public_id} is not published: it cannot be matched")
        renewed = getattr(record, "renewed_at", None)
        return cls(
            record_id=record.id,
            public_id=record.public_id,
            kind=record.kind,
            actor_id=record.actor_id,
            countries=tuple(record.countries or ()),
            areas=tuple(record.areas or ()),
            assistance=tuple(record.assistance or ()),
            languages=tuple(record.languages or ()),
            amount=record.amount,
            currency=record.currency,
            period_start=record.period_start,
            period_end=record.period_end,
            published_at=max(published, renewed) if renewed is not None else published,
        )

    @property
    def period(self) -> tuple[date, date] | None:
        if self.period_start is None or self.period_end is None:
            return None
        return self.period_start, self.period_end


@dataclass(frozen=True)
class Reason:
    """One reason for a match, as codes; templates render it in the reader's language.

    code: areas | assistance | open_to_country | open_to_region | open_to_any | languages |
    period | amount_covers | amount_partial | recent. values: area or assistance codes (areas,
    assistance), (ISO3,) (open_to_country, open_to_any), (M49 code, ISO3) (open_to_region),
    language codes, overlap years ("2026", "2027"), a percentage rounded down (amount_partial).
    """

    code: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """A need and an offer that answer each other, with a score from 0 to 100 and the reasons."""

    need_id: int
    offer_id: int
    score: int
    reasons: tuple[Reason, ...]


def match(
    need: Side,
    offer: Side,
    *,
    region_countries: Callable[[str], frozenset[str]],
    now: datetime,
) -> Match | None:
    """The match of a need and an offer (in either order), or None when a hard rule fails."""
    if need.kind == OFFER and offer.kind == NEED:
        need, offer = offer, need
    if (need.kind, offer.kind) != (NEED, OFFER) or need.actor_id == offer.actor_id:
        return None
    areas = _shared(need.areas, offer.areas)
    assistance = _shared(need.assistance, offer.assistance)
    if not areas or not assistance:
        return None
    eligibility = [
        reason
        for country in dict.fromkeys(need.countries)
        if (reason := eligible_countries_cover(offer.countries, country, region_countries))
    ]
    if not eligibility:
        return None
    overlap = _overlap(need.period, offer.period)
    if need.period and offer.period and overlap is None:
        return None

    languages = _shared(need.languages, offer.languages)
    amount = _amount(need, offer)
    newer = max(need.published_at, offer.published_at)
    shares = (
        (AREAS, (len(areas), len(set(need.areas)))),
        (ASSISTANCE, (len(assistance), len(set(need.assistance)))),
        (LANGUAGES, _language_share(need, offer, languages)),
        (PERIOD, _period_share(need.period, overlap)),
        (AMOUNT, HALF if amount is None else amount),
        (RECENCY, _recency(now - newer)),
    )
    reasons = [Reason("areas", areas), Reason("assistance", assistance), *eligibility]
    if languages:
        reasons.append(Reason("languages", languages))
    if overlap:
        years = range(overlap[0].year, overlap[1].year + 1)
        reasons.append(Reason("period", tuple(str(year) for year in years)))
    if amount == FULL:
        reasons.append(Reason("amount_covers"))
    elif amount is not None and amount[0]:
        reasons.append(Reason("amount_partial", (str(100 * amount[0] // amount[1]),)))
    if now - newer <= RECENT:
        reasons.append(Reason("recent"))
    return Match(need.record_id, offer.record_id, points(shares), tuple(reasons))


def best_matches(
    side: Side,
    others: Iterable[Side],
    *,
    region_countries: Callable[[str], frozenset[str]],
    now: datetime,
) -> list[Match]:
    """Every match of one record among others, best first; equal scores by the other's id."""
    found = (match(side, other, region_countries=region_countries, now=now) for other in others)
    matches = [m for m in found if m is not None]
    other_id = (lambda m: m.offer_id) if side.kind == NEED else (lambda m: m.need_id)
    return sorted(matches, key=lambda m: (-m.score, other_id(m)))


def eligible_countries_cover(
    offer_countries: Sequence[str],
    country: str,
    region_countries: Callable[[str], frozenset[str]],
) -> Reason | None:
    """Why an offer is open to a country, or None: by name, else the narrowest region, else any."""
    if country in offer_countries:
        return Reason("open_to_country", (country,))
    regions = []  # (size, M49 code) of each region of the offer's that includes the country
    for entry in offer_countries:
        if entry.startswith(REGION_PREFIX):
            members = region_countries(code := entry.removeprefix(REGION_PREFIX))
            if country in members:
                regions.append((len(members), code))
    if regions:
        return Reason("open_to_region", (min(regions)[1], country))
    if ANY in offer_countries:
        return Reason("open_to_any", (country,))
    return None


def _shared(mine: Sequence[str], theirs: Sequence[str]) -> tuple[str, ...]:
    """The codes of `mine` that `theirs` also lists, in my order, without repeats."""
    return tuple(code for code in dict.fromkeys(mine) if code in theirs)


def _overlap(a: tuple[date, date] | None, b: tuple[date, date] | None) -> tuple[date, date] | None:
    if a is None or b is None:
        return None
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def _days(period: tuple[date, date]) -> int:
    return (period[1] - period[0]).days + 1


def _period_share(need: tuple[date, date] | None, overlap: tuple[date, date] | None) -> Share:
    if need is None or overlap is None:
        return HALF
    return _days(overlap), _days(need)


def _language_share(need: Side, offer: Side, shared: tuple[str, ...]) -> Share:
    if not need.languages or not offer.languages:
        return HALF
    return FULL if shared else NONE


def _amount(need: Side, offer: Side) -> Share | None:
    """The share of the need's amount the offer covers (at most 1, and FULL exactly when it
    covers it); None when not comparable."""
    if need.amount is None or offer.amount is None:
        return None
    if not need.currency or need.currency != offer.currency:
        return None
    if need.amount <= 0 or offer.amount >= need.amount:
        return FULL
    offered, offered_scale = max(offer.amount, Decimal(0)).as_integer_ratio()
    needed, needed_scale = need.amount.as_integer_ratio()
    return offered * needed_scale, offered_scale * needed


def _recency(age: timedelta) -> Share:
    if age <= RECENT:
        return FULL
    if age >= STALE:
        return NONE
    micro = timedelta(microseconds=1)
    return (STALE - age) // micro, (STALE - RECENT) // micro


def points(shares: Iterable[tuple[int, Share]]) -> int:
    """The weighted sum of the shares, exact (one numerator over one denominator), rounded half
    up once at the end and kept within 0-100."""
    total, scale = 0, 1
    for weight, (part, whole) in shares:
        total, scale = total * whole + weight * part * scale, scale * whole
    return max(0, min(100, (2 * total + scale) // (2 * scale)))
