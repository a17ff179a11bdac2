"""What the pages say, from plain values: totals, latest records, places and who is open to whom."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from bot.parsing.fields import Vocabulary
from bot.site.model import Site, SiteMatch, SiteRecord, id_key

ISO3 = re.compile(r"^[A-Z]{3}$")
ANY = "any"
REGION_PREFIX = "region:"
TOP = "region"  # the kind of the five M49 regions (Africa, Americas, Asia, Europe, Oceania)

Row = tuple[str, int, int]  # a code, the needs and the offers that have it


@dataclass(frozen=True)
class Totals:
    """The overview's counts of published records (only non-zero rows)."""

    needs: int
    offers: int
    areas: tuple[Row, ...]
    assistance: tuple[Row, ...]
    regions: tuple[Row, ...]  # M49 regions: of a need's countries, or that an offer is open to
    any_offers: int  # offers open to any country, not counted in `regions`


@dataclass(frozen=True)
class CountryFacts:
    """One state's page: its needs, the offers open to it (and how), the matches between them."""

    code: str
    needs: tuple[SiteRecord, ...]
    offers: tuple[tuple[SiteRecord, str], ...]  # (offer, "country" | "region" | "any")
    matches: tuple[SiteMatch, ...]


def countries_of(place: str, words: Vocabulary) -> frozenset[str] | None:
    """The countries a place stands for; None for `any` (every country)."""
    if place == ANY:
        return None
    if place.startswith(REGION_PREFIX):
        return words.region_countries(place.removeprefix(REGION_PREFIX))
    return frozenset({place})


def top_regions(place: str, words: Vocabulary) -> frozenset[str]:
    """The M49 regions a country or a region belongs to (none for `any`)."""
    members = countries_of(place, words)
    if not members:
        return frozenset()
    return frozenset(
        code
        for code, region in words.regions.items()
        if region.kind == TOP and members <= region.countries
    )


def reach(offer: SiteRecord, country: str, words: Vocabulary) -> str | None:
    """How an offer is open to a country: directly, through a region, to any country, or not."""
    if country in offer.countries:
        return "country"
    regions = [p for p in offer.countries if p.startswith(REGION_PREFIX)]
    if any(country in (countries_of(p, words) or ()) for p in regions):
        return "region"
    return "any" if ANY in offer.countries else None


def totals(site: Site, words: Vocabulary) -> Totals:
    needs, offers = site.needs, site.offers
    region_of = {
        r.public_id: frozenset().union(*(top_regions(p, words) for p in r.countries))
        for r in site.records
    }
    return Totals(
        needs=len(needs),
        offers=len(offers),
        areas=_rows(words.area_codes, needs, offers, lambda r: r.areas),
        assistance=_rows(words.assistance_codes, needs, offers, lambda r: r.assistance),
        regions=_rows(
            tuple(code for code, region in words.regions.items() if region.kind == TOP),
            needs,
            offers,
            lambda r: region_of[r.public_id],
        ),
        any_offers=sum(1 for r in offers if ANY in r.countries),
    )


def _rows(
    codes: Iterable[str],
    needs: tuple[SiteRecord, ...],
    offers: tuple[SiteRecord, ...],
    facet: Callable[[SiteRecord], Collection[str]],
) -> tuple[Row, ...]:
    rows = (
        (code, sum(code in facet(r) for r in needs), sum(code in facet(r) for r in offers))
        for code in codes
    )
    return tuple(row for row in rows if row[1] or row[2])


def latest(site: Site, count: int = 10) -> tuple[SiteRecord, ...]:
    """The records published last, newest first."""
    ordered = sorted(site.records, key=lambda r: (r.published_at, id_key(r.public_id)))
    return tuple(reversed(ordered))[:count]


def unmatched_needs(site: Site) -> tuple[SiteRecord, ...]:
    matched = {m.need for m in site.matches}
    return tuple(r for r in site.needs if r.public_id not in matched)


def country_codes(site: Site) -> tuple[str, ...]:
    """The states with a page: those with a published need, or named by a published offer."""
    named = {c for r in site.needs for c in r.countries}
    named |= {p for r in site.offers for p in r.countries}
    return tuple(sorted(code for code in named if ISO3.match(code)))  # also a file name


def country_facts(site: Site, code: str, words: Vocabulary) -> CountryFacts:
    needs = tuple(r for r in site.needs if code in r.countries)
    offers = tuple((r, how) for r in site.offers if (how := reach(r, code, words)) is not None)
    need_ids = {r.public_id for r in needs}
    offer_ids = {r.public_id for r, _ in offers}
    matches = tuple(m for m in site.matches if m.need in need_ids and m.offer in offer_ids)
    return CountryFacts(code, needs, offers, matches)


def place_options(site: Site, words: Vocabulary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The filter's places: (M49 region codes, in vocabulary order; ISO3 countries, sorted)."""
    countries = country_codes(site)
    named = {p.removeprefix(REGION_PREFIX) for r in site.offers for p in r.countries}
    regions = tuple(
        code
        for code, region in words.regions.items()
        if region.kind != "grouping"  # the sector's groupings (Sahel, MENA) overlap the M49 ones
        and (code in named or region.countries & set(countries))  # named: "region:035" → "035"
    )
    return regions, countries


def place_tokens(record: SiteRecord, options: Iterable[str], words: Vocabulary) -> tuple[str, ...]:
    """The filter options (countries, M49 codes) a record's places overlap; `any` if open to all."""
    if ANY in record.countries:
        return (ANY,)
    mine: frozenset[str] = frozenset().union(
        *(countries_of(p, words) or () for p in record.countries)
    )
    return tuple(
        code
        for code in options
        if mine & (words.region_countries(code) if code in words.regions else {code})
    )


def area_tokens(record: SiteRecord, words: Vocabulary) -> tuple[str, ...]:
    """The area filter's options a record answers: each of its areas, and each area's parent
    (a record on rehabilitation is one on victim assistance)."""
    parents = (words.area_parent(code) for code in record.areas)
    found = {p.code for p in parents if p is not None}
    return (*record.areas, *(code for code in words.parents if code in found))


def area_options(words: Vocabulary) -> tuple[str, ...]:
    """Every area in vocabulary order, each parent just before its first sub-area."""
    options: list[str] = []
    for code in words.area_codes:
        parent = words.area_parent(code)
        if parent is not None and parent.code not in options:
            options.append(parent.code)
        options.append(code)
    return tuple(options)
