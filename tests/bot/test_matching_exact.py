"""The matcher's integer score and reasons are those of the exact fractions it replaced.

`reference` below is the matcher as it was written with `Fraction`s; hypothesis draws need/offer
pairs (near-misses, neutral cases, awkward amounts and ages) and both must agree on every one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bot.matching.score import Match, Reason, Side, eligible_countries_cover, match

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
REGIONS = {"142": frozenset({"LAO", "LBN", "IRQ"}), "035": frozenset({"LAO"})}
HALF = Fraction(1, 2)
RECENT, STALE = timedelta(weeks=8), timedelta(weeks=52)
PAIRS = hypothesis_settings(max_examples=2000, deadline=None, database=None)


def regions(code: str) -> frozenset[str]:
    return REGIONS.get(code, frozenset())


def reference(need: Side, offer: Side) -> Match | None:
    """The matcher with Fraction arithmetic, as it stood before the integer version."""
    if need.kind == "offer" and offer.kind == "need":
        need, offer = offer, need
    if (need.kind, offer.kind) != ("need", "offer") or need.actor_id == offer.actor_id:
        return None
    areas = _shared(need.areas, offer.areas)
    assistance = _shared(need.assistance, offer.assistance)
    if not areas or not assistance:
        return None
    eligibility = [
        reason
        for country in dict.fromkeys(need.countries)
        if (reason := eligible_countries_cover(offer.countries, country, regions))
    ]
    if not eligibility:
        return None
    overlap = None
    if need.period and offer.period:
        start, end = max(need.period[0], offer.period[0]), min(need.period[1], offer.period[1])
        if start > end:
            return None
        overlap = (start, end)
    languages = _shared(need.languages, offer.languages)
    if not need.languages or not offer.languages:
        language_share = HALF
    else:
        language_share = Fraction(1 if languages else 0)
    period_share = (
        HALF
        if need.period is None or overlap is None
        else Fraction(
            (overlap[1] - overlap[0]).days + 1, (need.period[1] - need.period[0]).days + 1
        )
    )
    amount = _amount(need, offer)
    newer = max(need.published_at, offer.published_at)
    points = (
        35 * Fraction(len(areas), len(set(need.areas)))
        + 25 * Fraction(len(assistance), len(set(need.assistance)))
        + 10 * language_share
        + 10 * period_share
        + 10 * (HALF if amount is None else amount)
        + 10 * _recency(NOW - newer)
    )
    reasons = [Reason("areas", areas), Reason("assistance", assistance), *eligibility]
    if languages:
        reasons.append(Reason("languages", languages))
    if overlap:
        years = range(overlap[0].year, overlap[1].year + 1)
        reasons.append(Reason("period", tuple(str(year) for year in years)))
    if amount is not None and amount == 1:
        reasons.append(Reason("amount_covers"))
    elif amount:
        reasons.append(Reason("amount_partial", (str(int(amount * 100)),)))
    if NOW - newer <= RECENT:
        reasons.append(Reason("recent"))
    score = max(0, min(100, int(points + HALF)))
    return Match(need.record_id, offer.record_id, score, tuple(reasons))


def _shared(mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code for code in dict.fromkeys(mine) if code in theirs)


def _amount(need: Side, offer: Side) -> Fraction | None:
    if need.amount is None or offer.amount is None:
        return None
    if not need.currency or need.currency != offer.currency:
        return None
    if need.amount <= 0 or offer.amount >= need.amount:
        return Fraction(1)
    return Fraction(max(offer.amount, Decimal(0))) / Fraction(need.amount)


def _recency(age: timedelta) -> Fraction:
    if age <= RECENT:
        return Fraction(1)
    if age >= STALE:
        return Fraction(0)
    micro = timedelta(microseconds=1)
    return Fraction((STALE - age) // micro, (STALE - RECENT) // micro)


# --- the pairs: few codes and shared currencies, so that most pairs match and every factor varies

codes = st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=5)
languages = st.lists(st.sampled_from(["en", "fr", "lo"]), max_size=3)
countries = st.lists(st.sampled_from(["LAO", "LBN", "IRQ"]), min_size=1, max_size=3)
places = st.lists(st.sampled_from(["LAO", "IRQ", "region:142", "region:035", "any"]),
                  min_size=1, max_size=3)  # fmt: skip
day = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
periods = st.one_of(
    st.tuples(day, day).map(sorted), st.tuples(day, st.none()), st.just((None, None))
)
amounts = st.none() | st.decimals(
    min_value=Decimal("-10"), max_value=Decimal("1000000"), places=2, allow_nan=False
)
currencies = st.sampled_from(["USD", "USD", "EUR", "", None])
ages = st.timedeltas(min_value=timedelta(0), max_value=timedelta(weeks=60))


def side(draw: st.DrawFn, kind: str, actor_id: int, currency: str | None) -> Side:
    start, end = draw(periods)
    return Side(
        record_id=1 if kind == "need" else 2,
        public_id=f"{kind[0].upper()}-1",
        kind=kind,
        actor_id=actor_id,
        countries=tuple(draw(countries if kind == "need" else places)),
        areas=tuple(draw(codes)),
        assistance=tuple(draw(codes)),
        languages=tuple(draw(languages)),
        amount=draw(amounts),
        currency=currency,
        period_start=start,
        period_end=end,
        published_at=NOW - draw(ages),
    )


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Side, Side]:
    """A need and an offer of another actor sharing an area and a form of assistance (the hard
    rules on places and periods still apply), often in the same currency."""
    need = side(draw, "need", 1, draw(currencies))
    offer = side(draw, "offer", 2, draw(st.just(need.currency) | currencies))
    offered = st.none() | amounts | st.just(need.amount)
    if need.amount is not None:
        offered |= st.integers(1, 99).map(lambda percent: need.amount * percent / 100)
    return need, replace(
        offer,
        areas=(*offer.areas, draw(st.sampled_from(need.areas))),
        assistance=(draw(st.sampled_from(need.assistance)), *offer.assistance),
        amount=draw(offered),
    )


@PAIRS
@given(pairs())
def test_scores_and_reasons_are_those_of_the_fractions(pair: tuple[Side, Side]) -> None:
    need, offer = pair
    expected = reference(need, offer)
    assert match(need, offer, region_countries=regions, now=NOW) == expected
    assert match(offer, need, region_countries=regions, now=NOW) == expected


def test_a_score_on_exactly_one_half_rounds_up() -> None:
    need = Side(1, "N-1", "need", 1, ("LAO",), ("a", "b"), ("a",), (), None, None, None, None, NOW)
    offer = Side(2, "O-1", "offer", 2, ("any",), ("a",), ("a",), (), None, None, None, None, NOW)
    found = match(need, offer, region_countries=regions, now=NOW)
    assert found is not None and found == reference(need, offer)
    assert found.score == 68  # 35/2 + 25 + three neutral halves of 10 + 10 = 67.5, half up
