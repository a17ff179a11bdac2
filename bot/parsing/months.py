"""Month names and abbreviations in English, French and Spanish, from Babel's locale data."""

from __future__ import annotations

import logging
import unicodedata
from functools import cache

from babel import Locale

log = logging.getLogger(__name__)

LOCALES = ("en", "fr", "es")
# Spellings Babel does not give: "Sept." in English, "setiembre" (Peru, Uruguay), "fév.".
_MORE = {"sept": 9, "setiembre": 9, "fev": 2}


def plain(text: str) -> str:
    """Lower case without accents; punctuation and digits kept ("Févr." → "fevr.")."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("ʼ", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@cache
def month_names() -> dict[str, int]:
    """Every full and abbreviated month name, lower case, no accent or final dot → 1..12."""
    names: dict[str, int] = dict(_MORE)
    for code in LOCALES:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[plain(name).rstrip(".")] = number
    return names


def month(word: str) -> int | None:
    """The month a word names ("mars", "Sept.", "dic", "febrero"), else None."""
    return month_names().get(plain(word).rstrip("."))
