"""A digest shows the best of each section, says how many more there are, and counts them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import meta
from sqlalchemy import select

from bot.app import Portal
from bot.render import LANGUAGES, TEMPLATES, environment, render_text
from digests import caps
from digests.build import GAPS, MATCHES, NEW, RENEWAL, Entry, Facts
from digests.caps import shorten
from digests.send import ensure_period
from store.digests import DigestEntry
from tests.bot.test_templates import common, digest_context
from tests.digests.test_digests import BEFORE, MONDAY, digests
from tests.factories import subscribe

T0 = datetime(2026, 11, 16, tzinfo=UTC)


def facts(record_id: int, hours: int, renewed_hours: int | None = None) -> Facts:
    renewed = None if renewed_hours is None else T0 + timedelta(hours=renewed_hours)
    return Facts(record_id, "need", 1, ("LAO",), (), (), T0 + timedelta(hours=hours), renewed)


def test_matches_keep_the_best_scores_then_the_newest() -> None:
    records = {1: facts(1, 0), 2: facts(2, 5), 3: facts(3, 9), 4: facts(4, 1), 10: facts(10, 0)}
    entries = [
        Entry(MATCHES, 1, 10, 40),
        Entry(MATCHES, 2, 10, 90),
        Entry(MATCHES, 3, 10, 40),
        Entry(MATCHES, 4, 10, 20),
    ]
    digest = shorten(entries, records, {**caps.CAPS, MATCHES: 3})
    assert [(e.record_id, e.score) for e in digest.entries] == [(2, 90), (3, 40), (1, 40)]
    assert digest.more == {MATCHES: 1, NEW: 0, GAPS: 0, RENEWAL: 0}
    assert digest.total == 4


def test_each_section_has_its_own_order_and_cap() -> None:
    records = {n: facts(n, hours) for n, hours in ((1, 3), (2, 7), (3, 1), (4, 2), (5, 6))}
    records[6], records[7] = facts(6, 0, renewed_hours=50), facts(7, 10)
    entries = [
        Entry(RENEWAL, 6),
        Entry(RENEWAL, 7),
        Entry(GAPS, 4),
        Entry(GAPS, 5),
        Entry(NEW, 1),
        Entry(NEW, 2),
        Entry(NEW, 3),
    ]
    digest = shorten(entries, records, {MATCHES: 5, NEW: 2, GAPS: 1, RENEWAL: 1})
    assert [(e.section, e.record_id) for e in digest.entries] == [
        (NEW, 2),  # the newest first
        (NEW, 1),
        (GAPS, 4),  # the longest waiting first
        (RENEWAL, 7),  # published at 10 h, while 6 was renewed at 50 h
    ]
    assert digest.more == {MATCHES: 0, NEW: 1, GAPS: 1, RENEWAL: 1}
    assert digest.total == 7


def test_the_same_entries_in_any_order_give_the_same_digest() -> None:
    records = {n: facts(n, n % 4) for n in range(1, 60)}
    entries = [Entry(MATCHES, n, 100 + n % 3, n % 5 * 10) for n in range(1, 60)]
    entries += [Entry(NEW, n) for n in range(1, 60)]
    records |= {100: facts(100, 0), 101: facts(101, 0), 102: facts(102, 0)}
    once = shorten(entries, records)
    assert shorten(list(reversed(entries)), records) == once
    assert (len(once.entries), once.more[MATCHES], once.more[NEW]) == (50, 39, 29)


# ---- the line that says how many more, in every language -----------------------------------

MORE = {  # (with the public site, without it) as the text says it; the HTML marks LIST as code
    "en": ("…and 12 more on the portal: ", "…and 1 more on the portal (send LIST to "),
    "fr": ("… et 12 autres sur le portail : ", "… et 1 autres sur le portail (envoyez LIST à "),
    "es": ("…y 12 más en el portal: ", "…y 1 más en el portal (envíe LIST a "),
}


def rendered(name: str, lang: str, **changes: object) -> str:
    return render_text(name, lang, **{**common(lang), **digest_context(lang, **changes)})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_more_line_links_the_site_in_the_readers_language(lang: str) -> None:
    with_site, without = MORE[lang]
    site = f"https://portal.test/{lang}/index.html"
    text, html = rendered("digest.txt.j2", lang, more=12), rendered("digest.html.j2", lang, more=12)
    assert text.count(with_site + site + "\n") == 4  # one line a section
    assert html.count(f'{with_site}<a href="{site}">{site}</a></p>') == 4
    text = rendered("digest.txt.j2", lang, more=1, site=False)
    html = rendered("digest.html.j2", lang, more=1, site=False)
    assert text.count(without + "submit@portal.test ") == 4
    assert html.count(without.replace("LIST", "<code>LIST</code>") + "submit@portal.test ") == 4
    assert "/index.html" not in text + html
    for name in ("digest.txt.j2", "digest.html.j2"):
        assert "…" not in rendered(name, lang)  # nothing left out, no line


@pytest.mark.parametrize("name", ["digest", "digest_entry"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_english_and_translated_html_digests_use_the_same_variables(
    lang: str, name: str
) -> None:
    def variables(language: str) -> set[str]:
        source = (TEMPLATES / language / f"{name}.html.j2").read_text(encoding="utf-8")
        return meta.find_undeclared_variables(environment().parse(source))

    assert variables(lang) == variables("en")


# ---- a whole run, with the caps made small -------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "subject", "more"),
    [
        (
            "en",
            "Your weekly digest (2026-W48): 3 items",
            "…and 2 more on the portal: https://portal.example/en/index.html",
        ),
        (
            "fr",
            "Votre récapitulatif hebdomadaire (2026-W48) : 3 éléments",
            "… et 2 autres sur le portail : https://portal.example/fr/index.html",
        ),
        (
            "es",
            "Su resumen semanal (2026-W48): 3 elementos",
            "…y 2 más en el portal: https://portal.example/es/index.html",
        ),
    ],
)
def test_a_run_shows_the_newest_record_and_counts_the_others(
    published: Portal, monkeypatch: pytest.MonkeyPatch, lang: str, subject: str, more: str
) -> None:
    monkeypatch.setitem(caps.CAPS, NEW, 1)
    subscribe(published, "everything@watch.example", BEFORE - timedelta(days=30), language=lang)
    settings = published.settings.with_changes(public_url="https://portal.example/")
    report = ensure_period(published.sessions, settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty, report.failed) == (3, 1, 0)
    watcher = digests(published)["everything@watch.example"]
    assert watcher.subject == subject  # every record found, though one is shown
    assert "N-2026-0002" in watcher.body  # Lebanon's need, the newest of the three
    assert "N-2026-0001" not in watcher.body and "O-2026-0001" not in watcher.body
    assert watcher.body.count(more + "\n") == 1
    site = more.rsplit(" ", 1)[1]
    assert (watcher.html or "").count(f'<a href="{site}">{site}</a>') == 1
    with published.sessions() as session:
        items = session.scalar(
            select(DigestEntry.items).where(DigestEntry.address == "everything@watch.example")
        )
    assert items == 3  # the ledger counts what was found, not what was shown
