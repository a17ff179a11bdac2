"""Controlled vocabularies (areas, assistance, regions), countries and languages in en/fr/es."""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from bot.parsing.normalise import FieldError, fold, lookup, name_key, resolve_list, with_singulars

DATA_PATH = Path(__file__).parent.parent / "data" / "vocabulary.json"
LANGS = ("en", "fr", "es")


@cache
def _data(path: Path = DATA_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _words(entry: Mapping[str, Any]) -> Iterable[str]:
    yield entry["code"]
    yield from entry["label"].values()
    for words in entry.get("synonyms", {}).values():
        yield from words


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
class Vocabulary:
    """The controlled vocabularies of bot/data/vocabulary.json, with their lookups and labels."""

    area_labels: Mapping[str, Mapping[str, str]]
    assistance_labels: Mapping[str, Mapping[str, str]]
    regions: Mapping[str, Region]
    area_index: Mapping[str, tuple[str, ...]]
    assistance_index: Mapping[str, tuple[str, ...]]
    region_index: Mapping[str, str]

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
        )

    @property
    def area_codes(self) -> tuple[str, ...]:
        return tuple(self.area_labels)

    @property
    def assistance_codes(self) -> tuple[str, ...]:
        return tuple(self.assistance_labels)

    def area(self, text: str) -> tuple[str, ...] | None:
        """Area codes for a word: a code, a label or synonym in en/fr/es, or a broad group word."""
        return lookup(self.area_index, fold(text))

    def assistance(self, text: str) -> tuple[str, ...] | None:
        """Assistance form codes for a word (code, label or synonym in en/fr/es)."""
        return lookup(self.assistance_index, fold(text))

    def region(self, text: str) -> str | None:
        """The M49 code of a region named by its code or its name in en/fr/es."""
        return lookup(self.region_index, name_key(text))

    def area_label(self, code: str, lang: str = "en") -> str:
        return _label(self.area_labels, code, lang)

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


def _label(labels: Mapping[str, Mapping[str, str]], code: str, lang: str) -> str:
    label = labels.get(code)
    if label is None:
        return code
    return label.get(lang) or label["en"]


@cache
def _vocabulary(path: Path) -> Vocabulary:
    return Vocabulary.from_data(_data(path))


@cache
def _translation(domain: str, lang: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _variants(name: str) -> Iterable[str]:
    """A name, without parenthesis, and un-inverted ("Korea, Republic of" → "Republic of Korea")."""
    yield name
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    yield plain
    head, sep, tail = plain.partition(", ")
    if sep:
        yield f"{tail}{head}" if tail.endswith("'") else f"{tail} {head}"


def _names_index(
    records: Iterable[Any], domain: str, attrs: tuple[str, ...], code: Callable[[Any], str]
) -> dict[str, str]:
    """Names in en/fr/es → code; a name that two records share is dropped."""
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for record in records:
        for attr in attrs:
            name = getattr(record, attr, None)
            if not name:
                continue
            for lang_name in {name, *(_translation(domain, lang).gettext(name) for lang in LANGS)}:
                for variant in _variants(lang_name):
                    key = name_key(variant)
                    if index.setdefault(key, code(record)) != code(record):
                        clashes.add(key)
    for key in clashes:
        del index[key]
    return index


@cache
def _country_index() -> dict[str, str]:
    countries = list(pycountry.countries)
    index = _names_index(
        countries, "iso3166-1", ("name", "official_name", "common_name"), lambda c: c.alpha_3
    )
    for c in countries:
        index[c.alpha_2.lower()] = c.alpha_3
        index[c.alpha_3.lower()] = c.alpha_3
    for alias, code in _data()["country_aliases"].items():
        index[name_key(alias)] = code
    return index


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
        return str(common) if common else list(_variants(record.name))[-1]
    translation = _translation("iso3166-1", lang)
    if common and translation.gettext(common) != common:
        return translation.gettext(common)
    return list(_variants(translation.gettext(record.name)))[-1]


@cache
def _language_index() -> dict[str, str]:
    with_codes = [lang for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    index = _names_index(
        with_codes, "iso639-3", ("name", "inverted_name", "common_name"), lambda r: r.alpha_2
    )
    for lang in with_codes:
        for attr in ("alpha_3", "bibliographic", "alpha_2"):
            if getattr(lang, attr, None):
                index[getattr(lang, attr)] = lang.alpha_2
    for alias, code in _data()["language_aliases"].items():
        index[name_key(alias)] = code
    return index


def language(text: str) -> str | None:
    """ISO 639-1 code of a language named by code or by name in en/fr/es ("français" → "fr")."""
    return _language_index().get(name_key(text))


def languages(text: str) -> tuple[str, ...]:
    """ISO 639-1 codes of a list of languages, in order, de-duplicated.

    Raises FieldError("unknown_value", item) on the first item that is not a language.
    """
    found, unknown = resolve_list(text, language)
    if unknown:
        raise FieldError("unknown_value", unknown[0])
    return tuple(dict.fromkeys(found))
