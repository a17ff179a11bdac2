"""Values where people put them: a form of assistance among the areas (or the reverse) goes where
it belongs; a term with a reference beside it ("art. 7") is that term; an offer "on request" is
open to any State."""

from __future__ import annotations

import pytest

from bot.parsing.fields import Vocabulary
from bot.parsing.parser import parse_submission

VOCAB = Vocabulary.load()


def parsed(areas: str, assistance: str, country: str = "any"):  # type: ignore[no-untyped-def]
    return parse_submission(
        f"Type: offer\nTitle: t\nCountry: {country}\nAreas: {areas}\n"
        f"Assistance: {assistance}\nDescription: d\n"
    )


@pytest.mark.parametrize(
    ("areas", "assistance", "want_areas", "want_forms"),
    [
        (
            "capacidad nacional, intercambio de experiencias",
            "capacitación",
            {"cross.national_capacity"},
            {"training_capacity_development", "best_practice_exchange"},
        ),
        (
            "clearance, training",
            "equipment",
            {"art4.clearance"},
            {"material_equipment", "training_capacity_development"},
        ),
        (
            "dépollution",
            "formation, éducation aux risques",
            {"art4.clearance", "art4.risk_reduction_education"},
            {"training_capacity_development"},
        ),
    ],
)
def test_a_value_in_the_other_field_goes_where_it_belongs(
    areas: str, assistance: str, want_areas: set[str], want_forms: set[str]
) -> None:
    result = parsed(areas, assistance)
    assert result.problems == ()
    assert set(result.submission.areas) == want_areas
    assert set(result.submission.assistance) == want_forms


def test_a_field_left_empty_by_the_move_is_asked() -> None:
    result = parsed("training", "equipment")
    assert [(p.field, p.code) for p in result.problems] == [("areas", "missing")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("informe de transparencia art. 7", "art7.transparency_reporting"),
        ("rapport article 7", "art7.transparency_reporting"),
        ("transparency reporting (Art. 7)", "art7.transparency_reporting"),
        ("clearance 2027", "art4.clearance"),
    ],
)
def test_a_term_with_a_reference_beside_it(text: str, code: str) -> None:
    assert VOCAB.area(text) == (code,)


def test_two_known_terms_side_by_side_are_not_one() -> None:
    assert VOCAB.area("victim assistance medical care rehabilitation") is None


def test_a_typo_beside_a_group_word_is_no_reference() -> None:
    assert VOCAB.area("techncal survey") is None


@pytest.mark.parametrize("country", ["on request", "Sur demande", "a solicitud", "upon request"])
def test_an_offer_on_request_is_open_to_any_state(country: str) -> None:
    result = parsed("clearance", "training", country)
    assert result.problems == ()
    assert result.submission.countries == ("any",)
