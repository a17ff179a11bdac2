"""Names of countries and languages in en/fr/es: pycountry's ISO lists and translations."""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import pycountry

from bot.parsing.normalise import name_key

LANGS = ("en", "fr", "es")


@cache
def translation(domain: str, lang: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def variants(name: str) -> Iterable[str]:
    """A name, without parenthesis, and un-inverted ("Korea, Republic of" → "Republic of Korea")."""
    yield name
    plain = re.sub(r"\s*\([^)]*\)", "", name).strip()
    yield plain
    head, sep, tail = plain.partition(", ")
    if sep:
        yield f"{tail}{head}" if tail.endswith("'") else f"{tail} {head}"


def names_index(
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
            for lang_name in {name, *(translation(domain, lang).gettext(name) for lang in LANGS)}:
                for variant in variants(lang_name):
                    key = name_key(variant)
                    if index.setdefault(key, code(record)) != code(record):
                        clashes.add(key)
    for key in clashes:
        del index[key]
    return index
