"""The matcher: its hard rules, its score, its reasons, and the reference needs and offers."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.matching.score import Match, Reason, Side, best_matches, eligible_countries_cover, match
from bot.parsing.fields import Vocabulary

DATA = Path(__file__).parent.parent / "data" / "matching"
ACTORS = Path(__file__).parent.parent.parent / "bot" / "data" / "actors.json"
NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
SURVEY, LAND, REHAB = "art4.survey.technical", "art4.land_release", "art5.rehabilitation"
REGIONS = {
    "142": frozenset({"LAO", "LBN", "IRQ", "JPN"}),
    "035": frozenset({"LAO"}),
    "145": frozenset({"LBN", "IRQ"}),
    "002": frozenset({"TCD", "SOM"}),
}


def regions(code: str) -> frozenset[str]:
    return REGIONS.get(code, frozenset())


# fmt: off
NEED = Side(  # Lao PDR asks for 100 000 USD and advice on technical survey and land release
    record_id=1, public_id="N-2026-0001", kind="need", actor_id=10, countries=("LAO",),
    areas=(SURVEY, LAND), assistance=("financial", "technical_expertise"), languages=("lo", "en"),
    amount=Decimal("100000"), currency="USD", period_start=date(2026, 7, 1),
    period_end=date(2027, 6, 30), published_at=NOW - timedelta(weeks=1),
)
OFFER = Side(  # an offer that covers it in full: every area, form, the period and the amount
    record_id=101, public_id="O-2026-0001", kind="offer", actor_id=20, countries=("any",),
    areas=(LAND, "art4.clearance", SURVEY), assistance=("technical_expertise", "financial"),
    languages=("en", "fr"), amount=Decimal("100000"), currency="USD",
    period_start=date(2026, 1, 1), period_end=date(2027, 12, 31),
    published_at=NOW - timedelta(weeks=2),
)
# fmt: on


def need(**changes: Any) -> Side:
    return replace(NEED, **changes)


def offer(**changes: Any) -> Side:
    return replace(OFFER, **changes)


def score(n: Side, o: Side) -> int | None:
    found = match(n, o, region_countries=regions, now=NOW)
    return found.score if found else None


def reasons(n: Side, o: Side) -> tuple[Reason, ...]:
    found = match(n, o, region_countries=regions, now=NOW)
    assert found is not None
    return found.reasons


def test_an_offer_that_covers_everything_scores_100_with_every_reason_in_order() -> None:
    assert match(need(), offer(), region_countries=regions, now=NOW) == Match(
        need_id=1,
        offer_id=101,
        score=100,
        reasons=(
            Reason("areas", (SURVEY, LAND)),
            Reason("assistance", ("financial", "technical_expertise")),
            Reason("open_to_any", ("LAO",)),
            Reason("languages", ("en",)),
            Reason("period", ("2026", "2027")),
            Reason("amount_covers"),
            Reason("recent"),
        ),
    )


def test_the_order_of_the_arguments_does_not_matter() -> None:
    assert match(offer(), need(), region_countries=regions, now=NOW) == match(
        need(), offer(), region_countries=regions, now=NOW
    )


# --- hard rules ---


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(NEED, offer(actor_id=10), id="own actor"),
        pytest.param(NEED, need(record_id=2, actor_id=11), id="two needs"),
        pytest.param(OFFER, offer(record_id=102, actor_id=21), id="two offers"),
        pytest.param(NEED, offer(areas=(REHAB, "art4.clearance")), id="no shared area"),
        pytest.param(
            NEED, offer(assistance=("material_equipment", "expert_roster_contacts")), id="no form"
        ),
        pytest.param(NEED, offer(countries=("IRQ", "region:145", "region:002")), id="not open"),
        pytest.param(
            NEED, offer(period_start=date(2027, 7, 1), period_end=date(2028, 6, 30)), id="periods"
        ),
    ],
)
def test_a_hard_rule_blocks(first: Side, second: Side) -> None:
    assert match(first, second, region_countries=regions, now=NOW) is None


@pytest.mark.parametrize(
    ("countries", "reason"),
    [
        pytest.param(("IRQ", "LAO"), Reason("open_to_country", ("LAO",)), id="by name"),
        pytest.param(("region:035",), Reason("open_to_region", ("035", "LAO")), id="sub-region"),
        pytest.param(("region:142",), Reason("open_to_region", ("142", "LAO")), id="region"),
        pytest.param(("any",), Reason("open_to_any", ("LAO",)), id="any"),
    ],
)
def test_the_offer_is_open_to_the_needs_country(countries: tuple[str, ...], reason: Reason) -> None:
    assert reasons(need(), offer(countries=countries))[2] == reason


def test_the_narrowest_region_and_a_named_country_are_the_reasons_given() -> None:
    def cover(*offer_countries: str) -> Reason | None:
        return eligible_countries_cover(offer_countries, "LAO", regions)

    assert cover("region:142", "region:035") == Reason("open_to_region", ("035", "LAO"))
    assert cover("any", "region:035", "LAO") == Reason("open_to_country", ("LAO",))
    assert cover("any", "region:142") == Reason("open_to_region", ("142", "LAO"))
    assert cover("region:999", "IRQ") is None


def test_one_covered_country_of_several_is_enough_and_is_the_only_one_named() -> None:
    found = reasons(need(countries=("IRQ", "LAO", "TCD")), offer(countries=("region:035", "TCD")))
    assert found[2:4] == (
        Reason("open_to_region", ("035", "LAO")),
        Reason("open_to_country", ("TCD",)),
    )
    assert found[4] == Reason("languages", ("en",))


def test_periods_sharing_one_day_overlap() -> None:
    one_day = offer(period_start=date(2027, 6, 30), period_end=date(2028, 6, 30))
    assert reasons(need(), one_day)[4] == Reason("period", ("2027",))


def test_a_period_missing_on_either_side_does_not_block_and_is_neutral() -> None:
    no_period = {"period_start": None, "period_end": None}
    assert score(need(), offer(**no_period)) == 95
    assert score(need(**no_period), offer()) == 95
    assert score(need(), offer(period_end=None)) == 95  # half a period counts as none
    assert Reason("period", ("2026", "2027")) not in reasons(need(), offer(**no_period))


# --- score ---


def test_covering_fewer_of_the_needs_areas_scores_lower() -> None:
    assert score(need(), offer(areas=(SURVEY,))) == 83  # 100 - 35/2 = 82.5, half up
    assert reasons(need(), offer(areas=(SURVEY,)))[0] == Reason("areas", (SURVEY,))


def test_covering_fewer_of_the_needs_forms_of_assistance_scores_lower() -> None:
    assert score(need(), offer(assistance=("financial",))) == 88  # 100 - 25/2 = 87.5


def test_an_amount_that_covers_the_need_scores_higher_than_half_of_it() -> None:
    half = offer(amount=Decimal("50000"))
    assert score(need(), half) == 95
    assert reasons(need(), half)[5] == Reason("amount_partial", ("50",))
    assert score(need(), offer(amount=Decimal("40000"))) == 94
    assert score(need(), offer(amount=Decimal("250000"))) == 100


def test_an_amount_in_another_currency_or_missing_is_neutral() -> None:
    assert score(need(), offer(currency="EUR")) == 95
    assert score(need(), offer(amount=None, currency=None)) == 95
    assert score(need(amount=None, currency=None), offer()) == 95
    codes = [r.code for r in reasons(need(), offer(currency="EUR"))]
    assert codes == ["areas", "assistance", "open_to_any", "languages", "period", "recent"]


def test_languages_shared_none_shared_or_unknown() -> None:
    assert score(need(), offer(languages=("ar",))) == 90
    assert score(need(), offer(languages=())) == 95
    assert score(need(languages=()), offer()) == 95


def test_the_share_of_the_needs_period_the_offer_covers() -> None:
    first_half = offer(period_start=date(2026, 1, 1), period_end=date(2026, 12, 31))
    assert score(need(), first_half) == 95  # 184 of 365 days: 5.04 of 10 points
    assert reasons(need(), first_half)[4] == Reason("period", ("2026",))


def test_recency_of_the_newer_record() -> None:
    def aged(weeks: int) -> int | None:
        published = NOW - timedelta(weeks=weeks)
        return score(need(published_at=published), offer(published_at=published))

    assert (aged(8), aged(30), aged(52), aged(80)) == (100, 95, 90, 90)
    old = NOW - timedelta(weeks=60)
    assert score(need(published_at=old), offer()) == 100  # the offer is new
    assert Reason("recent") not in reasons(need(published_at=old), offer(published_at=old))


def test_best_matches_best_first_then_by_the_other_records_id() -> None:
    offers = [
        offer(record_id=103),
        offer(record_id=102, areas=(SURVEY,)),
        offer(record_id=101),
        offer(record_id=104, actor_id=10),
        offer(record_id=105, areas=(REHAB,)),
    ]
    found = best_matches(need(), offers, region_countries=regions, now=NOW)
    assert [(m.offer_id, m.score) for m in found] == [(101, 100), (103, 100), (102, 83)]
    random.Random(7).shuffle(offers)
    assert best_matches(need(), offers, region_countries=regions, now=NOW) == found


def test_best_matches_from_an_offers_side() -> None:
    needs = [need(record_id=3, areas=(SURVEY, REHAB)), need(record_id=2), need(record_id=1)]
    found = best_matches(offer(), needs, region_countries=regions, now=NOW)
    assert [(m.need_id, m.score) for m in found] == [(1, 100), (2, 100), (3, 83)]


def test_reasons_follow_the_needs_order_whatever_the_offers_order() -> None:
    many = need(areas=(LAND, SURVEY, REHAB), languages=("fr", "lo", "en"))
    found = {
        reasons(many, offer(areas=areas, languages=("en", "fr", "lo")))
        for areas in [(SURVEY, REHAB, LAND), (REHAB, LAND, SURVEY), (LAND, SURVEY, REHAB)]
    }
    assert len(found) == 1
    (only,) = found
    assert (only[0], only[3]) == (
        Reason("areas", (LAND, SURVEY, REHAB)),
        Reason("languages", ("fr", "lo", "en")),
    )


# --- Side.of ---


def record(**changes: Any) -> SimpleNamespace:
    fields = {
        "id": 7, "public_id": "N-2026-0007", "kind": "need", "actor_id": 3,
        "countries": ["LAO"], "areas": [SURVEY], "assistance": ["financial"], "languages": [],
        "amount": None, "currency": None, "period_start": None, "period_end": None,
        "published_at": NOW - timedelta(weeks=40), "renewed_at": None,
    }  # fmt: skip
    return SimpleNamespace(**(fields | changes))


def test_a_side_of_a_store_record_whose_renewal_counts_as_publication() -> None:
    side = Side.of(record())
    assert (side.record_id, side.actor_id, side.kind) == (7, 3, "need")
    assert (side.countries, side.areas, side.languages) == (("LAO",), (SURVEY,), ())
    assert side.published_at == NOW - timedelta(weeks=40)
    renewed = NOW - timedelta(weeks=1)
    assert Side.of(record(renewed_at=renewed)).published_at == renewed


def test_an_unpublished_record_has_no_side() -> None:
    with pytest.raises(ValueError, match="N-2026-0007 is not published"):
        Side.of(record(published_at=None))


# --- the reference needs and offers (tests/data/matching, converted from the reference facts) ---


def load(name: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text())[name]
    return records


def fixture_sides(*, publish: tuple[str, ...] = ()) -> tuple[list[Side], list[Side]]:
    """Sides of the published fixture records, and of those in `publish` as if published then."""
    actor_ids: dict[str, int] = {}
    sides: dict[str, list[Side]] = {"need": [], "offer": []}
    for data in load("needs") + load("offers"):
        if data["public_id"] in publish:
            data = data | {"status": "published", "published_at": data["submitted_at"]}
        if data["status"] != "published":
            continue
        sides[data["kind"]].append(Side.of(_record(data, actor_ids)))
    return sides["need"], sides["offer"]


def _record(data: dict[str, Any], actor_ids: dict[str, int]) -> SimpleNamespace:
    def when(key: str, parse: Any) -> Any:
        return parse(data[key]) if data[key] is not None else None

    parsed = {k: when(k, date.fromisoformat) for k in ("period_start", "period_end")}
    parsed |= {k: when(k, datetime.fromisoformat) for k in ("published_at", "renewed_at")}
    parsed |= {"amount": when("amount", Decimal)}
    actor_id = actor_ids.setdefault(data["actor"], len(actor_ids) + 1)
    return SimpleNamespace(**(data | parsed | {"actor_id": actor_id}))


def all_pairs(needs: list[Side], offers: list[Side]) -> list[list[Any]]:
    region_countries = Vocabulary.load().region_countries
    found = (match(n, o, region_countries=region_countries, now=NOW) for n in needs for o in offers)
    names = {s.record_id: s.public_id for s in needs + offers}
    return [[names[m.need_id], names[m.offer_id], m.score] for m in found if m is not None]


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "expected.json").read_text())
    return data


def test_the_fixture_records_use_known_actors_and_codes() -> None:
    actors = {a["code"] for a in json.loads(ACTORS.read_text())["actors"]}
    vocabulary = Vocabulary.load()
    records = load("needs") + load("offers")
    assert len(records) == 20
    for data in records:
        assert {data["actor"], data["on_behalf_of"] or data["actor"]} <= actors, data["public_id"]
        assert set(data["areas"]) <= set(vocabulary.area_codes), data["public_id"]
        assert set(data["assistance"]) <= set(vocabulary.assistance_codes), data["public_id"]
        for code in data["countries"]:
            if code.startswith("region:"):
                assert code.removeprefix("region:") in vocabulary.regions, data["public_id"]
            else:
                assert code == "any" or code in actors, data["public_id"]


def test_the_fixture_pairs_we_match(expected: dict[str, Any]) -> None:
    found = all_pairs(*fixture_sides())
    assert {(n, o) for n, o, _ in found} == {(n, o) for n, o, _ in expected["ours"]}
    assert found == expected["ours"]


def test_the_awaiting_need_once_endorsed_and_published(expected: dict[str, Any]) -> None:
    waiting = [d["public_id"] for d in load("needs") if d["status"] != "published"]
    assert waiting == ["N-2026-0006"]
    found = all_pairs(*fixture_sides(publish=("N-2026-0006",)))
    assert [p for p in found if p[0] == "N-2026-0006"] == expected["ours_once_published"]


def test_every_disagreement_with_the_oracle_is_explained(expected: dict[str, Any]) -> None:
    ours = {(n, o) for n, o, _ in expected["ours"]}
    oracle = {(n, o) for n, o, _ in expected["oracle"]}
    assert len(oracle) == 21
    disagreements = expected["disagreements"]
    assert all(d["explanation"] for d in disagreements)
    assert {(d["need"], d["offer"]) for d in disagreements if d["kind"] == "not_matched"} == (
        ours ^ oracle
    )
