"""The site's HTML pages in every language, rendered from plain values (no file is written)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any

from bot.locale import gettext_callables
from bot.parsing.fields import Vocabulary
from bot.records.views import RecordView
from bot.render import LANGUAGES, environment
from bot.site import search
from bot.site.facts import (
    area_options,
    area_tokens,
    country_codes,
    country_facts,
    latest,
    place_options,
    place_tokens,
    totals,
    unmatched_needs,
)
from bot.site.model import Site, SiteMatch, SiteRecord
from bot.site.words import Labels, language_names
from bot.site.worldmap import WorldMap, legend, world_map
from store.actors import ACTOR_TYPES, fold
from store.records import NEED, OFFER


@dataclass(frozen=True)
class Card:
    """A record as one language's pages show it."""

    record: SiteRecord
    view: RecordView  # every field as text in the page's language
    places: tuple[str, ...]  # the place filter's options it answers (countries, M49 codes, any)
    area_filters: tuple[str, ...]  # the area filter's options it answers (its areas, parents)

    @property
    def id(self) -> str:
        return self.record.public_id


@dataclass(frozen=True)
class MatchLine:
    """An open match seen from one of its records: the other record, the score, the reasons."""

    other: Card
    score: int
    reasons: str


@dataclass(frozen=True)
class Filters:
    areas: tuple[str, ...]
    assistance: tuple[str, ...]
    regions: tuple[str, ...]
    countries: tuple[str, ...]
    actor_types: tuple[str, ...]


def pages(site: Site, words: Vocabulary) -> dict[str, str]:
    """Every HTML page, by its path in the site."""
    files = {"index.html": _render("languages", root="", names=language_names(), site=site)}
    world = world_map(site, words)  # figures and shapes only: the same in every language
    for lang in LANGUAGES:
        files.update(_language_pages(site, words, lang, world))
    return files


def _language_pages(site: Site, words: Vocabulary, lang: str, world: WorldMap) -> dict[str, str]:
    label = Labels(words, lang)
    regions, countries = place_options(site, words)
    options = regions + countries
    cards = {
        r.public_id: Card(
            r,
            replace(_view(r, lang), areas=label.areas(r.areas)),
            place_tokens(r, options, words),
            area_tokens(r, words),
        )
        for r in site.records
    }
    with_page = country_codes(site)
    common: dict[str, Any] = {
        "world": world,
        "legend": legend(),
        "lang": lang,
        **gettext_callables(lang),  # `_("...")` in the templates (jinja2.ext.i18n)
        "label": label,
        "languages": LANGUAGES,
        "language_names": language_names(),
        "bot_name": site.bot_names.get(lang) or site.bot_names.get("en", ""),
        "generated": site.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "submit_address": site.submit_address,
        "with_page": set(with_page),
    }
    by_name = _by_name(with_page, label)
    files = {
        f"{lang}/index.html": _render(
            "overview",
            **common,
            root="../",
            here="index.html",
            totals=totals(site, words),
            latest=[cards[r.public_id] for r in latest(site)],
            unmatched=[cards[r.public_id] for r in unmatched_needs(site)],
            countries=by_name,
            trends=site.trends,
            area_name=label.area,
        )
    }
    files[f"{lang}/{search.NAME}"] = search.search_script(
        {
            r.public_id: search.searched_text(
                r, lang, " ".join((cards[r.public_id].view.countries, *r.countries))
            )
            for r in site.records
        }
    )
    for kind, records in ((NEED, site.needs), (OFFER, site.offers)):
        name = f"{kind}s.html"
        files[f"{lang}/{name}"] = _render(
            "list",
            **common,
            root="../",
            here=name,
            kind=kind,
            cards=[cards[r.public_id] for r in records],
            filters=_filters(records, words, regions, by_name),
        )
    for record in site.records:
        here = f"record/{record.public_id}.html"
        files[f"{lang}/{here}"] = _render(
            "record",
            **common,
            root="../../",
            here=here,
            card=cards[record.public_id],
            matches=_lines(site.matches_of(record.public_id), record.public_id, cards, label),
        )
    for code in with_page:
        facts = country_facts(site, code, words)
        here = f"country/{code}.html"
        files[f"{lang}/{here}"] = _render(
            "country",
            **common,
            root="../../",
            here=here,
            code=code,
            needs=[cards[r.public_id] for r in facts.needs],
            offers=[(cards[r.public_id], how) for r, how in facts.offers],
            matches=[
                (cards[m.need], MatchLine(cards[m.offer], m.score, label.reasons(m.reasons)))
                for m in facts.matches
            ],
        )
    return files


def _view(record: SiteRecord, lang: str) -> RecordView:
    return RecordView.of(
        record.content(),
        record.kind,
        lang,
        public_id=record.public_id,
        status=record.status,
        actor=record.owner.name(lang),
    )


def _lines(
    matches: Iterable[SiteMatch], public_id: str, cards: dict[str, Card], label: Labels
) -> list[MatchLine]:
    return [
        MatchLine(cards[m.other(public_id)], m.score, label.reasons(m.reasons)) for m in matches
    ]


def _by_name(codes: Iterable[str], label: Labels) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda code: (fold(label.place(code)), code)))


def _filters(
    records: tuple[SiteRecord, ...],
    words: Vocabulary,
    regions: tuple[str, ...],
    countries: tuple[str, ...],
) -> Filters:
    """A list page's filter options: what its records have (places: those of the whole site)."""
    areas = {a for r in records for a in area_tokens(r, words)}
    assistance = {a for r in records for a in r.assistance}
    types = {r.owner.type for r in records}
    return Filters(
        areas=tuple(code for code in area_options(words) if code in areas),
        assistance=tuple(code for code in words.assistance_codes if code in assistance),
        regions=regions,
        countries=countries,
        actor_types=tuple(code for code in ACTOR_TYPES if code in types),
    )


def _render(page: str, **context: Any) -> str:
    return environment().get_template(f"site/{page}.html.j2").render(**context)
