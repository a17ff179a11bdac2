"""Text folding and plural fallbacks shared by the field normalisers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")


class FieldError(ValueError):
    """A value that cannot be understood.

    `code` is one of: "invalid" (not in a form we read), "ambiguous" (several readings, e.g. two
    amounts or two currencies), "no_currency", "unknown_currency", "unknown_value" (a word that is
    not in the vocabulary), "start_after_end". `value` is the offending text as sent.
    """

    def __init__(self, code: str, value: str) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


_FOLD = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "&": " and ",
    }
)
_ARTICLE = re.compile(r"^(?:(?:the|la|le|les|el|los|las) |l')")


def fold(text: str) -> str:
    """Text reduced for matching: no case, accents, dots or outer punctuation; single spaces."""
    # Labels, vocabulary words and list items are folded again for every message: the short
    # ones are remembered (a bounded number of short strings; long text is folded each time).
    return _fold_short(text) if len(text) <= _REMEMBERED else _fold(text)


_REMEMBERED = 80  # characters


def _fold(text: str) -> str:
    text = text.translate(_FOLD)
    if not text.isascii():  # ASCII has neither compatibility forms nor combining marks
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NOT_WORD.sub(" ", text.casefold().replace(".", ""))
    return " ".join(text.split()).strip("' ")


_fold_short = lru_cache(maxsize=8192)(_fold)
_NOT_WORD = re.compile(r"[^\w']+|_")


def name_key(text: str) -> str:
    """Fold a place name and drop a leading article ("the Gambia", "la Guinée", "el Salvador")."""
    return _ARTICLE.sub("", fold(text))


def _singulars(key: str) -> tuple[str, ...]:
    """Simple plural fallbacks: every word without a final s, or without a final es."""
    words = key.split()
    no_s = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    no_es = [
        w[:-2] if len(w) > 4 and w.endswith("es") else s for w, s in zip(words, no_s, strict=True)
    ]
    return tuple(dict.fromkeys((" ".join(no_s), " ".join(no_es))))


def with_singulars(index: Mapping[str, T]) -> dict[str, T]:
    """The index plus the plural-less forms of its keys, where they are not ambiguous."""
    extra: dict[str, T] = {}
    clashes: set[str] = set()
    for key, value in index.items():
        for variant in _singulars(key):
            if variant not in index and extra.setdefault(variant, value) != value:
                clashes.add(variant)
    return {**index, **{k: v for k, v in extra.items() if k not in clashes}}


def lookup(index: Mapping[str, T], key: str) -> T | None:
    if not key:
        return None
    if key in index:
        return index[key]
    return next((index[k] for k in _singulars(key) if k in index), None)
