"""The lists' search index: each record's words, folded, in one script per language.

A script, not a JSON file: a page opened from a folder (file://) may run a script next to it but
may not fetch a file. assets/filter.js folds what is typed the same way (`fold` there and here).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

from bot.site.model import SiteRecord

NAME = "search.js"  # next to needs.html and offers.html, in each language's folder
# Letters NFD does not take apart, written as people type them without the key for them.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
NOT_A_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """No case, no accents, words apart by one space: "Kinésithérapeutes," → "kinesitherapeutes"."""
    decomposed = unicodedata.normalize("NFD", text.translate(LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()
    return " ".join(NOT_A_WORD.sub(" ", plain).split())


def searched_text(record: SiteRecord, lang: str, countries: str) -> str:
    """What a search looks in: id, title, description, actor (name and code), countries."""
    parts: Iterable[str] = (
        record.public_id,
        record.title,
        record.description,
        record.owner.name(lang),
        record.owner.code,
        *(
            (record.on_behalf_of.name(lang), record.on_behalf_of.code)
            if record.on_behalf_of
            else ()
        ),
        countries,
    )
    return fold(" ".join(parts))


def search_script(texts: dict[str, str]) -> str:
    """The index as a script that sets `portalSearch`: {public id: folded words}."""
    body = json.dumps(texts, ensure_ascii=True, sort_keys=True, indent=0)
    head = "/* Built by `portal site build`: the words of each record, folded. */"
    return f"{head}\nwindow.portalSearch = {body};\n"
