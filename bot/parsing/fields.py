"""Controlled vocabularies (areas, assistance, regions), countries and languages in en/fr/es."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, TypeVar

import pycountry
from babel import Locale

from bot.parsing.coded import coded
from bot.parsing.languages import language_index
from bot.parsing.lists import resolve_list
from bot.parsing.names import names_index, translation, variants
from bot.parsing.normalise import fold, lookup, name_key, with_singulars
from bot.parsing.suggestions import Choices
from bot.parsing.terms import Terms, fits, terms_of

DATA_PATH = Path(__file__).parent.parent / "data" / "vocabulary.json"
LANGS = ("en", "fr", "es")
T = TypeVar("T")


@cache
def _data(path: Path = DATA_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def vocabulary_data() -> dict[str, Any]:
    """bot/data/vocabulary.json as read (once)."""
    return _data()


def _words(entry: Mapping[str, Any]) -> Iterable[str]:
    yield entry["code"]
    yield from _written(entry)


def _written(entry: Mapping[str, Any]) -> Iterable[str]:
    """An entry's labels and synonyms in en/fr/es, as written."""
    yield from entry["label"].values()
    for words in entry.get("synonyms", {}).values():
        yield from words


def _member_words(entry: Mapping[str, Any]) -> Iterable[str]:
    """What a group member's labels say after the group ("policy and coordination" of "victim
    assistance — policy and coordination"), when it is more than one word."""
    for label in entry["label"].values():
        _, dash, tail = label.partition(" — ")
        if dash and " " in tail:
            yield tail


def _index(entries: Iterable[Mapping[str, Any]], key: Callable[[str], str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry in entries:
        for word in _words(entry):
            k = key(word)
            if index.setdefault(k, entry["code"]) != entry["code"]:
                raise ValueError(f"vocabulary: {word!r} means both {index[k]} and {entry['code']}")
    return index


@dataclass(frozen=True)
class Region:
    """A UN M49 region, sub-region or intermediate region and its member countries."""

    code: str
    kind: str
    label: Mapping[str, str]
    countries: frozenset[str]


@dataclass(frozen=True)
class AreaParent:
    """An area people name as a whole ("victim assistance") whose sub-areas are the codes."""

    code: str
    label: Mapping[str, str]
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The controlled vocabularies of bot/data/vocabulary.json, with their lookups and labels."""

    area_labels: Mapping[str, Mapping[str, str]]
    assistance_labels: Mapping[str, Mapping[str, str]]
    regions: Mapping[str, Region]
    area_index: Mapping[str, tuple[str, ...]]
    assistance_index: Mapping[str, tuple[str, ...]]
    region_index: Mapping[str, str]
    area_words: tuple[tuple[str, str], ...] = ()  # (a label, synonym or group word, its codes)
    assistance_words: tuple[tuple[str, str], ...] = ()
    area_terms: Terms | None = None  # the same words read by their content words
    assistance_terms: Terms | None = None
    parents: Mapping[str, AreaParent] = field(default_factory=dict)  # by the parent's code

    @classmethod
    def load(cls, path: Path = DATA_PATH) -> Vocabulary:
        """The packaged vocabulary, read once."""
        return _vocabulary(path)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Vocabulary:
        areas = {k: (v,) for k, v in _index(data["areas"], fold).items()}
        for word, codes in data.get("groups", {}).items():
            areas[fold(word)] = tuple(codes)
        return cls(
            area_labels={e["code"]: e["label"] for e in data["areas"]},
            assistance_labels={e["code"]: e["label"] for e in data["assistance"]},
            regions={
                r["code"]: Region(r["code"], r["kind"], r["label"], frozenset(r["countries"]))
                for r in data["regions"]
            },
            area_index=with_singulars(areas),
            assistance_index=with_singulars(
                {k: (v,) for k, v in _index(data["assistance"], fold).items()}
            ),
            region_index=_index(data["regions"], name_key),
            area_words=(
                *((word, e["code"]) for e in data["areas"] for word in _written(e)),
                *((word, "+".join(codes)) for word, codes in data.get("groups", {}).items()),
            ),
            assistance_words=tuple(
                (word, e["code"]) for e in data["assistance"] for word in _written(e)
            ),
            area_terms=terms_of(
                data,
                (
                    *((w, (e["code"],)) for e in data["areas"] for w in _written(e)),
                    *((tail, (e["code"],)) for e in data["areas"] for tail in _member_words(e)),
                    *((w, tuple(codes)) for w, codes in data.get("groups", {}).items()),
                ),
            ),
            assistance_terms=terms_of(
                data, ((w, (e["code"],)) for e in data["assistance"] for w in _written(e))
            ),
            parents={
                p["code"]: AreaParent(p["code"], p["label"], tuple(p["areas"]))
                for p in data.get("parents", ())
            },
        )

    @cached_property
    def area_choices(self) -> Choices:
        """Every way to write an area, for "did you mean …?"."""
        return Choices.of(self.area_words)

    @cached_property
    def assistance_choices(self) -> Choices:
        return Choices.of(self.assistance_words)

    @property
    def area_codes(self) -> tuple[str, ...]:
        return tuple(self.area_labels)

    @property
    def assistance_codes(self) -> tuple[str, ...]:
        return tuple(self.assistance_labels)

    def area(self, text: str) -> tuple[str, ...] | None:
        """Area codes for a word: a code, a label or synonym in en/fr/es, a broad group word, or
        a group and one of its areas ("VA – rehabilitation", "AV: apoyo psicosocial")."""
        return coded(self.area_index, text, self.area_terms)

    def assistance(self, text: str) -> tuple[str, ...] | None:
        """Assistance form codes for a word (code, label or synonym in en/fr/es), or a form and
        what it is ("technical expertise – survey advisers")."""
        return coded(self.assistance_index, text, self.assistance_terms)

    def area_fits(self, text: str) -> tuple[str, ...]:
        """The terms of every area that fits a word equally ("data": "victim data", "data
        management"), for "did you mean …?"; () when fewer than two fit."""
        return fits(self.area_terms, text)

    def assistance_fits(self, text: str) -> tuple[str, ...]:
        return fits(self.assistance_terms, text)

    def region(self, text: str) -> str | None:
        """The code of a region named by its code or its name in en/fr/es, with or without the
        word "region" ("the Sahel region", "région des Grands Lacs", "región andina")."""
        key = name_key(text)
        for _ in range(3):  # "countries of the Sahel region": each word in turn
            found = lookup(self.region_index, key)
            if found or _REGION_WORD.search(key) is None:
                return found
            key = name_key(_REGION_WORD.sub("", key, count=1))
        return lookup(self.region_index, key)

    def area_label(self, code: str, lang: str = "en") -> str:
        return _label(self.area_labels, code, lang)

    def area_parent(self, code: str) -> AreaParent | None:
        """The parent of a sub-area ("victim assistance" of "medical care"), if it has one."""
        return next((p for p in self.parents.values() if code in p.areas), None)

    def parent_label(self, code: str, lang: str = "en") -> str:
        return _label({c: p.label for c, p in self.parents.items()}, code, lang)

    def assistance_label(self, code: str, lang: str = "en") -> str:
        return _label(self.assistance_labels, code, lang)

    def region_label(self, code: str, lang: str = "en") -> str:
        region = self.regions.get(code)
        return _label({code: region.label}, code, lang) if region else code

    def region_countries(self, code: str) -> frozenset[str]:
        region = self.regions.get(code)
        return region.countries if region else frozenset()

    def regions_of(self, country: str) -> tuple[str, ...]:
        """The M49 codes of every region (region, sub-region, intermediate) a country is in."""
        return tuple(code for code, region in self.regions.items() if country in region.countries)


# "region" or "countries" before or after a region's name, folded: "MENA region", "région du
# Sahel", "Sahel countries", "países de la región andina".
_REGION_WORD = re.compile(
    r"^(?:the )?(?:regions?|countries|pays|paises)"
    r" (?:(?:of|in|du|des|de la|de los|de las|del|de|en) (?:the )?)?|"
    r" (?:region|regions|regional|regionale|countries)$"
)


def _label(labels: Mapping[str, Mapping[str, str]], code: str, lang: str) -> str:
    label = labels.get(code)
    if label is None:
        return code
    return label.get(lang) or label["en"]


@cache
def _vocabulary(path: Path) -> Vocabulary:
    return Vocabulary.from_data(_data(path))


@cache
def _country_index() -> dict[str, str]:
    countries = list(pycountry.countries)
    index = names_index(
        countries, "iso3166-1", ("name", "official_name", "common_name"), lambda c: c.alpha_3
    )
    for c in countries:
        index[c.alpha_2.lower()] = c.alpha_3
        index[c.alpha_3.lower()] = c.alpha_3
    for alias, code in _data()["country_aliases"].items():
        index[name_key(alias)] = code
    return index


@cache
def qualifiers() -> frozenset[str]:
    """The folded words after which the rest of an item or a label only qualifies it."""
    words = _data()["qualifiers"]
    return frozenset(
        fold(w) + ("'" if w.endswith("'") else "") for lang in LANGS for w in words[lang]
    )


@cache
def _fillers() -> frozenset[str]:
    return frozenset(fold(w) for lang in LANGS for w in _data()["fillers"][lang])


def read_list(
    text: str,
    find: Callable[[str], T | None],
    within: Callable[[T, Sequence[T]], bool] | None = None,
    fillers: frozenset[str] = frozenset(),
) -> tuple[list[T], list[str]]:
    """resolve_list with the qualifiers ("training for …") and fillers ("etc.") of
    bot/data/vocabulary.json, and `fillers` of the field's own."""
    return resolve_list(text, find, qualifiers(), _fillers() | fillers, within)


def country(text: str) -> str | None:
    """ISO 3166 alpha-3 code of a country named by code or by name in en/fr/es."""
    return _country_index().get(name_key(text))


def country_name(code: str, lang: str = "en") -> str:
    """A readable name of a country in en/fr/es ("Laos", "République de Corée")."""
    record = pycountry.countries.get(alpha_3=code)
    if record is None:
        return code
    common = getattr(record, "common_name", None)
    if lang == "en":
        return str(common) if common else list(variants(record.name))[-1]
    names = translation("iso3166-1", lang)
    if common and names.gettext(common) != common:
        return names.gettext(common)
    return list(variants(names.gettext(record.name)))[-1]


def language(text: str) -> str | None:
    """ISO 639 code of a language named by code or by name in en/fr/es ("français" → "fr",
    "Dari" → "prs"): ISO 639-1 when the language has one, else ISO 639-3."""
    aliases = tuple(_data()["language_aliases"].items())
    return language_index(aliases).get(name_key(text))


@cache
def language_choices() -> Choices:
    """Language names CLDR knows in en/fr/es, and the aliases of bot/data/vocabulary.json."""
    names = [
        (name, language(name) or code)
        for lang in LANGS
        for code, name in Locale.parse(lang).languages.items()
        if "_" not in code
    ]
    return Choices.of([*names, *_data()["language_aliases"].items()])
