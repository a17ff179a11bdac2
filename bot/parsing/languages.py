"""Languages named in en/fr/es or by ISO 639 code, from the full ISO 639-3 list and CLDR."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from typing import Any

import pycountry
from babel import Locale

from bot.parsing.names import LANGS, names_index
from bot.parsing.normalise import name_key

log = logging.getLogger(__name__)


def code_of(record: Any) -> str:
    """Its stored code: ISO 639-1 when the language has one ("fr"), else ISO 639-3 ("prs")."""
    return str(getattr(record, "alpha_2", None) or record.alpha_3)


@cache
def language_index(aliases: tuple[tuple[str, str], ...] = ()) -> Mapping[str, str]:
    """Every name (en/fr/es) of a language, and the codes of the ones people know, → its stored
    code; `aliases` (name, code) win. A three-letter code counts only for a language CLDR names
    (or one with a two-letter code): "tbd" or "and" is no language."""
    records = list(pycountry.languages)
    index = names_index(records, "iso639-3", ("name", "inverted_name", "common_name"), code_of)
    cldr = _cldr_names()
    for record in records:
        if hasattr(record, "alpha_2") or record.alpha_3 in cldr:
            for attr in ("alpha_3", "bibliographic", "alpha_2"):
                if getattr(record, attr, None):
                    index[getattr(record, attr)] = code_of(record)
        for code in (getattr(record, "alpha_2", None), record.alpha_3):
            for name in cldr.get(code or "", ()):
                index.setdefault(name_key(name), code_of(record))
    for alias, code in aliases:
        index[name_key(alias)] = code
    log.debug("languages: %d names and codes", len(index))
    return index


@cache
def _cldr_names() -> dict[str, set[str]]:
    """CLDR's language names in en/fr/es by code ("prs": {"Dari", "dari"}), without variants."""
    names: dict[str, set[str]] = {}
    for lang in LANGS:
        for code, name in Locale.parse(lang).languages.items():
            if "_" not in code:
                names.setdefault(code, set()).add(name)
    return names
