"""The lists' search: an index built with the site, words found in en/fr/es, accents folded."""

from __future__ import annotations

import json
from pathlib import Path

from bot.site.search import fold
from tests.site.conftest import read


def index(out: Path, lang: str) -> dict[str, str]:
    script = read(out, f"{lang}/search.js")
    body = script.split("window.portalSearch = ", 1)[1].rstrip().removesuffix(";")
    found: dict[str, str] = json.loads(body)
    return found


def test_folding_drops_accents_case_and_punctuation() -> None:
    assert fold("Kinésithérapeutes, du CENTRE!") == "kinesitherapeutes du centre"
    assert fold("mise en Œuvre — niños") == "mise en oeuvre ninos"


def test_each_language_has_an_index_of_every_published_record(built_more: Path) -> None:
    ids = [f"N-2026-000{n}" for n in range(1, 7)] + [f"O-2026-000{n}" for n in range(1, 4)]
    for lang in ("en", "fr", "es"):
        assert sorted(index(built_more, lang)) == ids
    chad = index(built_more, "fr")["N-2026-0005"]
    assert chad == (
        "n 2026 0005 centre de readaptation a abeche materiel orthopedique et formation des"
        " kinesitherapeutes du centre tchad tcd tchad tcd"
    )
    assert "chad" in index(built_more, "en")["N-2026-0005"]  # names in the page's language
    assert "pending" not in " ".join(index(built_more, "en").values())  # published only
    needs = read(built_more, "es/needs.html")
    assert '<label for="search">Buscar</label>' in needs
    assert '<script src="search.js" defer></script>' in needs
