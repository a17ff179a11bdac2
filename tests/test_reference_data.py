"""The reference actors file: Convention membership counts, codes and names."""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry
import pytest

ACTORS_FILE = Path(__file__).parents[1] / "bot/data/actors.json"

ACTOR_TYPES = {
    "state_party",
    "signatory",
    "observer_state",
    "un_entity",
    "international_organisation",
    "regional_organisation",
    "rcrc_movement",
    "ngo_international",
    "ngo_national",
    "civil_society_coalition",
    "academic_research",
    "private_sector",
}
STATE_TYPES = {"state_party", "signatory", "observer_state"}
CODE = re.compile(r"[A-Z][A-Z0-9-]*")  # upper case ASCII, no spaces


@pytest.fixture(scope="module")
def actors() -> list[dict[str, Any]]:
    data = json.loads(ACTORS_FILE.read_text(encoding="utf-8"))
    assert data["as_of"] == "2026-02-03"
    return data["actors"]


@pytest.fixture(scope="module")
def by_code(actors: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {actor["code"]: actor for actor in actors}


def states(actors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [actor for actor in actors if actor["type"] in STATE_TYPES]


def folded(text: str) -> str:
    """Case- and accent-insensitive form, as a person would type a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def test_112_states_parties_and_12_signatories(actors: list[dict[str, Any]]) -> None:
    types = Counter(actor["type"] for actor in actors)

    assert types["state_party"] == 112
    assert types["signatory"] == 12


def test_every_type_is_from_the_vocabulary(actors: list[dict[str, Any]]) -> None:
    assert {actor["type"] for actor in actors} <= ACTOR_TYPES


def test_codes_are_unique(actors: list[dict[str, Any]]) -> None:
    codes = Counter(actor["code"] for actor in actors)

    assert [code for code, n in codes.items() if n > 1] == []


def test_codes_are_upper_case_ascii_without_spaces(actors: list[dict[str, Any]]) -> None:
    assert [a["code"] for a in actors if not CODE.fullmatch(a["code"])] == []


def test_every_state_code_is_an_iso_alpha3(actors: list[dict[str, Any]]) -> None:
    codes = [state["code"] for state in states(actors)]

    assert [code for code in codes if pycountry.countries.get(alpha_3=code) is None] == []


def test_no_organisation_code_looks_like_a_state(actors: list[dict[str, Any]]) -> None:
    organisations = [a for a in actors if a["type"] not in STATE_TYPES]

    assert [a["code"] for a in organisations if pycountry.countries.get(alpha_3=a["code"])] == []


def test_every_state_has_iso2_region_and_three_names(actors: list[dict[str, Any]]) -> None:
    for state in states(actors):
        country = pycountry.countries.get(alpha_3=state["code"])
        assert country is not None, state["code"]
        assert state["iso2"] == country.alpha_2, state["code"]
        assert state["iso_numeric"] == country.numeric, state["code"]
        assert state["un_region"], state["code"]
        assert state["un_subregion"], state["code"]
        assert all(state["name"][lang] for lang in ("en", "fr", "es")), state["code"]


def test_lithuania_withdrew_and_is_not_a_state_party(by_code: dict[str, dict[str, Any]]) -> None:
    lithuania = by_code["LTU"]

    assert lithuania["type"] == "observer_state"
    assert lithuania["ccm"]["status"] == "withdrawn"
    assert lithuania["ccm"]["withdrawal"] == "2025-03-06"


def test_vanuatu_is_the_newest_state_party(by_code: dict[str, dict[str, Any]]) -> None:
    vanuatu = by_code["VUT"]

    assert vanuatu["type"] == "state_party"
    assert vanuatu["ccm"]["ratified"] == "2025-09-05"
    assert vanuatu["ccm"]["entry_into_force"] == "2026-03-01"


def test_donors_outside_the_convention_are_observer_states(
    by_code: dict[str, dict[str, Any]],
) -> None:
    for code in ("USA", "KOR", "FIN", "POL", "EST", "SAU"):
        assert by_code[code]["type"] == "observer_state", code
        assert by_code[code]["ccm"] == {"status": "not_party"}, code
        assert by_code[code]["provider"] is True, code


def test_the_eu_is_a_regional_organisation(by_code: dict[str, dict[str, Any]]) -> None:
    assert by_code["EU"]["type"] == "regional_organisation"
    assert by_code["EU"]["iso2"] is None


def test_a_name_or_alias_points_at_one_actor_only(actors: list[dict[str, Any]]) -> None:
    owners: dict[str, set[str]] = {}
    for actor in actors:
        for text in [actor["code"], *actor["name"].values(), *actor["aliases"]]:
            owners.setdefault(folded(text), set()).add(actor["code"])

    assert {text: codes for text, codes in owners.items() if len(codes) > 1} == {}
