"""The static site's pages: exact totals, published records only, escaped text, three languages."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.site.conftest import read
from tests.site.records import FOCAL_POINTS, PUBLISHED_IDS, SCRIPT_TITLE

ESCAPED_TITLE = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;"
COUNT = re.compile(
    r'<td class="count" data-kind="(need|offer)" data-(area|assistance|region)="([^"]+)">(\d+)</td>'
)


def files(out: Path) -> dict[str, str]:
    return {
        str(path.relative_to(out)): path.read_text(encoding="utf-8")
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


def data_ids(html: str, element: str = "li") -> list[str]:
    return re.findall(rf'<{element} class="record"[^>]* data-id="([^"]+)"', html)


def test_the_overview_counts_published_records_by_area_assistance_and_region(built: Path) -> None:
    html = read(built, "en/index.html")
    assert '<span class="total" id="total-needs">4</span>' in html
    assert '<span class="total" id="total-offers">3</span>' in html
    counts = {(kind, facet, code): int(n) for kind, facet, code, n in COUNT.findall(html)}
    assert counts == {
        ("need", "area", "art4.survey.technical"): 1,
        ("offer", "area", "art4.survey.technical"): 1,
        ("need", "area", "art4.land_release"): 0,
        ("offer", "area", "art4.land_release"): 1,
        ("need", "area", "art4.clearance"): 2,
        ("offer", "area", "art4.clearance"): 2,
        ("need", "area", "art4.risk_reduction_education"): 1,
        ("offer", "area", "art4.risk_reduction_education"): 1,
        ("need", "area", "art5.rehabilitation"): 1,
        ("offer", "area", "art5.rehabilitation"): 0,
        ("need", "assistance", "financial"): 2,
        ("offer", "assistance", "financial"): 1,
        ("need", "assistance", "technical_expertise"): 1,
        ("offer", "assistance", "technical_expertise"): 0,
        ("need", "assistance", "material_equipment"): 2,
        ("offer", "assistance", "material_equipment"): 1,
        ("need", "assistance", "training_capacity_development"): 1,
        ("offer", "assistance", "training_capacity_development"): 1,
        ("need", "region", "142"): 3,  # Lao PDR twice (a state and a national NGO), Lebanon
        ("offer", "region", "142"): 2,  # Norway (South-eastern Asia, Lebanon), UNICEF (Lebanon)
        ("need", "region", "150"): 1,  # Bosnia and Herzegovina
        ("offer", "region", "150"): 0,
        ("offer", "region", "any"): 1,  # HALO, counted apart
    }
    latest = html.split('id="latest"')[1].split("</ul>")[0]
    assert data_ids(latest) == [
        "N-2026-0004",
        "N-2026-0003",
        "O-2026-0003",
        "O-2026-0002",
        "N-2026-0002",
        "O-2026-0001",
        "N-2026-0001",
    ]
    unmatched = html.split('id="unmatched"')[1].split("</ul>")[0]
    assert data_ids(unmatched) == ["N-2026-0003", "N-2026-0004"]
    pages = html.split('id="countries"')[1].split("</ul>")[0]
    assert re.findall(r'data-country="([A-Z]{3})"', pages) == ["BIH", "LAO", "LBN"]


def test_only_published_records_appear(built: Path) -> None:
    site = files(built)
    assert sorted(p for p in site if p.startswith("en/record/")) == [
        f"en/record/{public_id}.html" for public_id in PUBLISHED_IDS
    ]
    assert sorted(p for p in site if p.startswith("fr/country/")) == [
        "fr/country/BIH.html",
        "fr/country/LAO.html",
        "fr/country/LBN.html",
    ]  # Iraq is only named by the pending offer
    assert [name for name, text in site.items() if "O-2026-0004" in text] == []
    assert [name for name, text in site.items() if "nobody confirmed" in text] == []
    assert data_ids(read(built, "en/needs.html"), "tr") == PUBLISHED_IDS[:4]
    assert data_ids(read(built, "es/offers.html"), "tr") == PUBLISHED_IDS[4:]


def test_no_address_but_the_portal_s_own_appears_anywhere(built: Path) -> None:
    site = files(built)
    addresses = {a for text in site.values() for a in re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)}
    assert addresses == {"submit@portal.test"}
    assert [
        name for name, text in site.items() if any(e in text for e in FOCAL_POINTS.values())
    ] == []


def test_typed_text_is_escaped_in_every_page_and_never_a_script(built: Path) -> None:
    site = files(built)
    raw = [name for name, text in site.items() if "<script>alert" in text]
    assert raw == ["data.csv"]  # CSV is not markup: its reader gets the text as typed
    html = {name: text for name, text in site.items() if name.endswith(".html")}
    tags = {tag for text in html.values() for tag in re.findall(r"<script\b[^>]*>", text)}
    assert tags == {'<script src="../assets/filter.js" defer>', '<script src="search.js" defer>'}
    pages = ["index.html", "offers.html", "record/O-2026-0002.html", "record/N-2026-0001.html"]
    pages += ["country/LAO.html", "country/LBN.html", "country/BIH.html"]
    for lang in ("en", "fr", "es"):
        for page in pages:
            assert ESCAPED_TITLE in site[f"{lang}/{page}"], f"{lang}/{page}"
    record = site["en/record/O-2026-0002.html"]
    assert f"<h1>{ESCAPED_TITLE}</h1>" in record
    assert "Detectors &lt;b&gt;on loan&lt;/b&gt; &amp; spare parts." in record
    assert '&lt;script&gt;alert(1)&lt;/script&gt; &amp; "quotes"' in site["feed.atom"]
    assert (
        '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 \\"quotes\\"'
        in site["data.json"]
    )
    assert SCRIPT_TITLE not in site["data.json"]


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(built: Path) -> None:
    broken = []
    for name, text in files(built).items():
        if not name.endswith((".html", ".css", ".js")):
            continue
        assert "://" not in text, name  # nothing is fetched from elsewhere
        for link in re.findall(r'(?:href|src)="([^"]+)"', text):
            if link.startswith("mailto:"):
                continue
            if link.startswith("#"):  # within the page: to an element of it
                if f'id="{link[1:]}"' not in text:
                    broken.append((name, link))
                continue
            assert not link.startswith("/"), (name, link)
            target = (built / name).parent / unquote(urlsplit(link).path)
            if not target.resolve().is_file():
                broken.append((name, link))
    assert broken == []


def test_the_lists_carry_what_the_filters_read(built: Path) -> None:
    offers = read(built, "en/offers.html")
    rows = re.findall(
        r'<tr class="record" id="([^"]+)" data-id="\1" data-areas="([^"]*)"'
        r' data-assistance="([^"]*)" data-countries="([^"]*)" data-places="([^"]*)"'
        r' data-actor-type="([^"]*)">',
        offers,
    )
    assert rows == [
        (
            "O-2026-0001",
            "art4.survey.technical art4.clearance art4.land_release art4.survey",
            "financial",
            "region:035 LBN",
            "142 035 145 LAO LBN",
            "state_party",
        ),
        ("O-2026-0002", "art4.clearance", "material_equipment", "any", "any", "ngo_international"),
        (
            "O-2026-0003",
            "art4.risk_reduction_education",
            "training_capacity_development",
            "LBN",
            "142 145 LBN",
            "un_entity",
        ),
    ]
    assert '<span id="count">3</span> record(s) shown' in offers
    assert '<form class="filters" id="filters" hidden>' in offers
    place = offers.split('<select id="filter-place"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)">', place) == [
        "",
        "142",
        "035",
        "145",
        "150",
        "039",
        "BIH",
        "LAO",
        "LBN",
    ]
    for select in ("filter-area", "filter-assistance", "filter-actor-type"):
        assert f'<select id="{select}"' in offers
    types = offers.split('<select id="filter-actor-type"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)">([^<]*)</option>', types) == [
        ("", "All"),
        ("state_party", "State Party"),
        ("un_entity", "UN entity"),
        ("ngo_international", "International NGO"),
    ]


def test_a_record_page_names_its_owner_its_matches_and_how_to_write(built: Path) -> None:
    html = read(built, "en/record/N-2026-0001.html")
    assert (
        '<p class="owner" id="owner">Actor: <strong class="actor">Lao People&#39;s Democratic'
        ' Republic</strong> <span class="actor-type" data-type="state_party">(State Party)</span>'
    ) in html
    assert '<dd data-field="areas">technical survey, clearance</dd>' in html
    assert '<dd data-field="period">2027-01-01 to 2027-12-31</dd>' in html
    assert re.findall(r'<li class="match" data-id="([^"]+)"', html) == [
        "O-2026-0001",
        "O-2026-0002",
    ]
    assert '<a href="../../en/record/O-2026-0001.html">' in html
    assert (
        '<span class="reasons">why: both: clearance · assistance: equipment · offer open to any'
        " country · published recently</span>"
    ) in html
    assert (
        '<p class="contact" id="contact">To write to the owners of this record, send'
        " <code>CONTACT N-2026-0001</code> by email to"
        ' <a href="mailto:submit@portal.test?subject=CONTACT%20N-2026-0001">submit@portal.test</a>'
    ) in html
    ngo = read(built, "en/record/N-2026-0003.html")
    assert '<span class="actor-type" data-type="ngo_national">(National NGO)</span>' in ngo
    assert '<p class="none">Nothing at present.</p>' in ngo


def test_the_lao_page_lists_its_needs_and_the_offers_open_to_it(built: Path) -> None:
    html = read(built, "en/country/LAO.html")
    needs = html.split('id="needs"')[1].split("</ul>")[0]
    assert data_ids(needs) == ["N-2026-0001", "N-2026-0003"]
    offers = re.findall(
        r'<li class="record" data-id="([^"]+)" data-kind="offer" data-via="(\w+)"', html
    )
    assert offers == [("O-2026-0001", "region"), ("O-2026-0002", "any")]
    assert re.findall(r'<li class="match" data-need="([^"]+)" data-offer="([^"]+)"', html) == [
        ("N-2026-0001", "O-2026-0001"),
        ("N-2026-0001", "O-2026-0002"),
    ]
    assert "@media print" in read(built, "assets/style.css")


def test_french_and_spanish_pages_use_their_own_words(built: Path) -> None:
    # Every word of the pages is translated: tests/bot/test_locale.py checks the catalogs.
    fr = read(built, "fr/index.html")
    assert '<html lang="fr">' in fr
    assert '<span class="total" id="total-needs">4</span> besoins publiés' in fr
    assert "<h2>Dernières fiches publiées</h2>" in fr
    fr_need = read(built, "fr/record/N-2026-0001.html")
    assert '<span class="actor-type" data-type="state_party">(État partie)</span>' in fr_need
    assert "domaines communs : enquête technique, dépollution" in fr_need
    assert "<code>CONTACT N-2026-0001</code> par courriel à" in fr_need
    es_offer = read(built, "es/record/O-2026-0003.html")
    assert '<html lang="es">' in es_offer
    assert "(Entidad de las Naciones Unidas)</span>" in es_offer
    assert "<dt>Tipo de ficha</dt>" in es_offer
    assert '<span id="count">4</span> ficha(s) mostrada(s)' in read(built, "es/needs.html")
    assert "(Estado Parte)" in read(built, "es/country/LBN.html")
