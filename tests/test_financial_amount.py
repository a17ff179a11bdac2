"""The amount is optional, but financial support whose amount says no sum ("TBD") is asked for
one, in the writer's language."""

from __future__ import annotations

import pytest

from bot.parsing.parser import Problem, parse_submission
from bot.render import render_text

TEMPLATE = """\
Type: need
Title: Survey of the northern districts
Country: Lao PDR
Areas: non-technical survey
Assistance: {assistance}
Amount: {amount}
Period: 2027
Description: Two teams for a year.
"""


def amount_problems(assistance: str, amount: str) -> list[Problem]:
    result = parse_submission(TEMPLATE.format(assistance=assistance, amount=amount))
    return [p for p in result.problems if p.field == "amount"]


@pytest.mark.parametrize("amount", ["to be determined after the survey", "à définir", "TBC"])
def test_financial_support_without_a_sum_is_asked(amount: str) -> None:
    (problem,) = amount_problems("financial, equipment", amount)
    assert (problem.code, problem.value) == ("financial_without_amount", amount)


@pytest.mark.parametrize("amount", ["", "n/a", "-"])
def test_an_amount_left_empty_stays_optional(amount: str) -> None:
    assert amount_problems("financial", amount) == []


@pytest.mark.parametrize("amount", ["", "n/a (in kind)", "to be determined"])
def test_support_in_kind_needs_no_sum(amount: str) -> None:
    assert amount_problems("equipment, training", amount) == []


def test_a_sum_that_cannot_be_read_is_one_problem_not_two() -> None:
    (problem,) = amount_problems("financial", "about 250 000")
    assert problem.code != "financial_without_amount"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            '- Amount: the assistance includes financial support, so say how much ("TBD" gives no'
            ' sum), e.g. "250k USD" or "EUR 1.2m"; or take "financial" out of Assistance.',
        ),
        (
            "fr",
            "- Montant : l'assistance comprend un soutien financier ; indiquez le montant (« TBD »"
            " ne donne pas de somme), par exemple « 250k USD » ou « EUR 1.2m » ; ou retirez"
            " « financière » de l'assistance.",
        ),
        (
            "es",
            "- Monto: la asistencia incluye apoyo financiero; indique el monto («TBD» no da una"
            " suma), por ejemplo «250k USD» o «EUR 1.2m»; o quite «financiera» de la asistencia.",
        ),
    ],
)
def test_the_question_in_each_language(lang: str, line: str) -> None:
    problem = Problem("amount", "financial_without_amount", "TBD", ("250k USD", "EUR 1.2m"))
    text = render_text("problem.txt.j2", lang, problem=problem, secretariat_name="ISU")
    assert text == line + "\n"


@pytest.mark.parametrize(
    "amount",
    ["free of charge", "gratuit pour les stagiaires", "sin coste para el alumno", "gratis"],
)
def test_support_free_of_charge_has_no_amount(amount: str) -> None:
    assert amount_problems("training", amount) == []
