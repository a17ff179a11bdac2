"""The Languages field: names and codes, phrases that name no language, families, slips."""

from __future__ import annotations

import logging
import re
from functools import cache

from rapidfuzz import fuzz, process

from bot.parsing.fields import LANGS, language, language_choices, read_list, vocabulary_data
from bot.parsing.normalise import FieldError, fold

log = logging.getLogger(__name__)


def read_languages(text: str) -> tuple[tuple[str, ...], list[str]]:
    """(ISO 639 codes in order, de-duplicated; the names we do not know) of a Languages field.
    Phrases that name no language ("local languages", "langues nationales", "otros") are no
    items; a family of languages is its members ("BCMS"); a name is looked up harder when it is
    not known as written ("Somali language", "Englsh")."""
    found, unknown = read_list(text, _language_codes, fillers=_generic())
    if unknown:
        log.info("languages: %d names we do not know left out", len(unknown))
    return tuple(dict.fromkeys(code for codes in found for code in codes)), unknown


@cache
def _generic() -> frozenset[str]:
    """Phrases that name no language, folded (read once: the vocabulary does not change)."""
    return frozenset(fold(w) for lang in LANGS for w in vocabulary_data()["language_generic"][lang])


def _language_codes(text: str) -> tuple[str, ...] | None:
    family = vocabulary_data()["language_families"].get(fold(text))
    if family:
        return tuple(family)
    code = language(text) or language(_LANGUAGE_WORD.sub("", fold(text))) or _closest(text)
    return (code,) if code else None


# "language" before or after a language's name, folded: "Somali language", "langue peule".
_LANGUAGE_WORD = re.compile(r"^(?:langue|lengua|idioma) |(?: language| languages)$")


def _closest(text: str) -> str | None:
    """The one language a name is a slip of the keyboard away from ("Englsh": English); at
    least 90 (rapidfuzz ratio): one wrong letter in ten, never a different language's name."""
    choices = language_choices()
    found = process.extract(fold(text), choices.keys, scorer=fuzz.ratio, score_cutoff=90)
    codes = {choices.words[key][1] for key, _, _ in found}
    return codes.pop() if len(codes) == 1 else None


def languages(text: str) -> tuple[str, ...]:
    """ISO 639 codes of a list of languages, in order, de-duplicated.

    Raises FieldError("unknown_value", item) on the first item that is not a language.
    """
    found, unknown = read_languages(text)
    if unknown:
        raise FieldError("unknown_value", unknown[0])
    return found
