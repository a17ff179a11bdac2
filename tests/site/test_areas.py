"""The area hierarchy on the site: a parent with every sub-area is named once, filters read both."""

from __future__ import annotations

import re
from pathlib import Path

from bot.records.views import vocabulary
from bot.site.words import Labels
from tests.site.conftest import read

VICTIM_ASSISTANCE = (
    "art5.data_needs_assessment",
    "art5.medical_care",
    "art5.rehabilitation",
    "art5.psychosocial_support",
    "art5.socio_economic_inclusion",
    "art5.laws_policies_coordination",
)


def test_every_parent_is_the_group_people_name_by_its_label() -> None:
    words = vocabulary()
    assert sorted(words.parents) == ["art3.stockpile_destruction", "art4.survey", "art5"]
    for code, parent in words.parents.items():
        assert words.area(parent.label["en"]) == parent.areas
        assert all(area.startswith(code + ".") for area in parent.areas)
        assert all(area in words.area_codes for area in parent.areas)


def test_areas_read_as_people_say_them() -> None:
    en, fr, es = (Labels(vocabulary(), lang) for lang in ("en", "fr", "es"))
    assert en.areas(VICTIM_ASSISTANCE) == "victim assistance (all)"
    assert fr.areas(VICTIM_ASSISTANCE) == "assistance aux victimes (tous les volets)"
    assert es.areas(VICTIM_ASSISTANCE) == "asistencia a víctimas (todos los ámbitos)"
    assert en.areas(("art4.clearance", *reversed(VICTIM_ASSISTANCE))) == (
        "clearance, victim assistance (all)"
    )
    assert en.areas(("art5.rehabilitation", "art4.clearance", "art5.medical_care")) == (
        "victim assistance (medical care, rehabilitation), clearance"
    )
    assert en.areas(("art5.rehabilitation",)) == "victim assistance — rehabilitation"
    assert en.areas(("art4.survey.technical", "art4.survey.non_technical")) == "survey (all)"
    assert es.areas(("art4.survey.technical",)) == "estudio técnico"


def test_a_record_of_every_sub_area_shows_the_parent_once(built_more: Path) -> None:
    record = read(built_more, "en/record/N-2026-0005.html")
    assert '<dd data-field="areas">victim assistance (all)</dd>' in record
    needs = read(built_more, "fr/needs.html")
    assert "<td>assistance aux victimes (tous les volets)</td>" in needs
    colombia = read(built_more, "es/record/N-2026-0006.html")
    assert (
        '<dd data-field="areas">asistencia a víctimas (atención médica, rehabilitación)</dd>'
        in colombia
    )


def test_the_area_filter_offers_parents_before_their_sub_areas(built_more: Path) -> None:
    needs = read(built_more, "en/needs.html")
    areas = needs.split('<select id="filter-area"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)">([^<]*)</option>', areas) == [
        ("", "All"),
        ("art4.survey", "survey (all)"),
        ("art4.survey.technical", "technical survey"),
        ("art4.clearance", "clearance"),
        ("art4.risk_reduction_education", "risk education"),
        ("art5", "victim assistance (all)"),
        ("art5.data_needs_assessment", "victim assistance — data and needs assessment"),
        ("art5.medical_care", "victim assistance — medical care"),
        ("art5.rehabilitation", "victim assistance — rehabilitation"),
        ("art5.psychosocial_support", "victim assistance — psychosocial support"),
        ("art5.socio_economic_inclusion", "victim assistance — social and economic inclusion"),
        ("art5.laws_policies_coordination", "victim assistance — policy and coordination"),
    ]
    rows = dict(re.findall(r'data-id="(N-[^"]+)" data-areas="([^"]*)"', needs))
    assert rows["N-2026-0003"] == "art5.rehabilitation art5"
    assert rows["N-2026-0006"] == "art5.medical_care art5.rehabilitation art5"
