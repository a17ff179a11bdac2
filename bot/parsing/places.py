"""The Country field: countries, regions, or any country ("any affected State Party")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from itertools import chain
from typing import NamedTuple

import pycountry

from bot.parsing.coded import HEAD_AND_TAIL
from bot.parsing.fields import (
    LANGS,
    Vocabulary,
    country,
    country_name,
    read_list,
    vocabulary_data,
)
from bot.parsing.normalise import fold
from bot.parsing.suggestions import Choices

ANY = "any"
REGION_PREFIX = "region:"


class _AnyWords(NamedTuple):
    alone: frozenset[str]  # words that alone mean any country ("any", "tous", "todos")
    quantifiers: frozenset[str]  # any, all, every, tout, cualquier…
    places: frozenset[str]  # state, country, party, État, pays, Estado, Parte…


@cache
def _any_words() -> _AnyWords:
    data = vocabulary_data()["any_place"]
    return _AnyWords(*(frozenset(map(fold, data[key])) for key in _AnyWords._fields))


def means_any(text: str) -> bool:
    """ "any", "tous", or a phrase with a word for any/all/every and one for a state, a country or
    a party, in en/fr/es: "any affected State Party", "tous les États touchés parties à la
    Convention", "cualquier Estado Parte que lo solicite", "abierto a todos los países"."""
    alone, quantifiers, places = _any_words()
    key = fold(text)
    if key in alone:
        return True
    words = key.split()
    pairs = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    quantified = any(w in quantifiers for w in words) or bool(pairs & quantifiers)
    return quantified and any(w in places for w in words)


def place(vocab: Vocabulary) -> Callable[[str], str | None]:
    """A country's ISO code, "region:<M49 code>", or "any" for a word of the Country field."""

    def lookup(text: str) -> str | None:
        code = country(text)
        if code:
            return code
        region = vocab.region(text)
        if region:
            return f"{REGION_PREFIX}{region}"
        if means_any(text) and "," not in text:  # "," : a list's items joined
            return ANY
        head, dash, tail = _split(text)  # "Lao PDR – Savannakhet province": the country
        where = lookup(head) if dash else None
        if where and where.startswith(REGION_PREFIX):  # "MENA region – Iraq": Iraq
            return lookup(tail) or where
        return where

    return lookup


def within(vocab: Vocabulary) -> Callable[[str, Sequence[str]], bool]:
    """Whether a place is one of `places` or in one of their regions ("Sahel (Mali, Niger)")."""

    def inside(found: str, places: Sequence[str]) -> bool:
        members = _members(found, vocab)
        return found in places or any(
            members and members <= _members(p, vocab) for p in places if p != found
        )

    return inside


def _members(place: str, vocab: Vocabulary) -> frozenset[str]:
    if place.startswith(REGION_PREFIX):
        return vocab.region_countries(place.removeprefix(REGION_PREFIX))
    return frozenset({place}) if place != ANY else frozenset()


def narrowed(value: str, vocab: Vocabulary) -> str:
    """The places after regions and a dash or a colon, when every one of them reads and is in
    those regions: "Arab States / MENA region – Iraq, Lebanon" is Iraq and Lebanon."""
    match = HEAD_AND_TAIL.search(value)
    if match is None:
        return value
    find = place(vocab)
    regions, unknown = read_list(value[: match.start()], find)
    if unknown or not regions or not all(r.startswith(REGION_PREFIX) for r in regions):
        return value
    tail = value[match.end() :]
    named, unknown = read_list(tail, find)
    inside = within(vocab)
    return tail if named and not unknown and all(inside(p, regions) for p in named) else value


def _split(text: str) -> tuple[str, str, str]:
    """("Lao PDR", " – ", "Savannakhet province") of a place and what part of it is meant."""
    match = HEAD_AND_TAIL.search(text)
    if match is None or "," in text:  # a list's items joined: no head of them all
        return text, "", ""
    return text[: match.start()], match.group(), text[match.end() :]


@cache
def place_choices() -> Choices:
    """Country names in en/fr/es and their aliases, and region names, for "did you mean …?"."""
    data = vocabulary_data()
    names = [
        (country_name(c.alpha_3, lang), c.alpha_3) for c in pycountry.countries for lang in LANGS
    ]
    regions = [
        (word, region["code"])
        for region in data["regions"]
        for word in chain(region["label"].values(), *region.get("synonyms", {}).values())
    ]
    return Choices.of([*names, *data["country_aliases"].items(), *regions])
