"""Amounts per unit ("USD 5,000 per participant") and Amount lines that state no sum at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.parsing.money import money, no_sum
from bot.parsing.normalise import FieldError
from bot.parsing.parser import MONEY_EXAMPLES, Problem, parse_submission

PER_UNIT = [
    # en
    ("USD 4,000 per participant", (), Decimal(4000), "USD"),
    ("EUR 12,500 per course, travel included", (), Decimal(12500), "EUR"),
    ("250 000 francs CFA per trainee (meals), lodging included", ("SEN",), Decimal(250000), "XOF"),
    ("USD 150,000 per year", (), Decimal(150000), "USD"),
    ("GBP 350/day", (), Decimal(350), "GBP"),
    ("USD 2,500 each", (), Decimal(2500), "USD"),
    # fr
    ("1 800 € par stagiaire, hébergement compris", (), Decimal(1800), "EUR"),
    ("450 000 FCFA par participant", ("CMR",), Decimal(450000), "XAF"),
    ("2 000 CHF pour chaque session", (), Decimal(2000), "CHF"),
    ("60 000 € par an", (), Decimal(60000), "EUR"),
    # es
    ("EUR 3.000 por curso", (), Decimal(3000), "EUR"),
    ("USD 1.500 por persona, alojamiento incluido", (), Decimal(1500), "USD"),
    ("8 000 000 COP por participante", (), Decimal(8000000), "COP"),
    ("USD 20.000 por mes", (), Decimal(20000), "USD"),
]


@pytest.mark.parametrize(("text", "countries", "amount", "currency"), PER_UNIT)
def test_a_figure_per_unit_is_the_amount_written(
    text: str, countries: tuple[str, ...], amount: Decimal, currency: str
) -> None:
    assert money(text, countries) == (amount, currency)


def test_a_rate_with_a_second_figure_is_still_asked() -> None:
    text = "USD 5,000 per participant, USD 60,000 in all"
    with pytest.raises(FieldError) as caught:
        money(text)  # words with a digit after "per" are not a unit: the line is not read
    assert (caught.value.code, caught.value.value) == ("invalid", text)


REMARKS = [
    "covered by the programme",
    "to be covered by the host",
    "included",
    "paid by the organisers (trainers and materials)",
    "pris en charge par l'organisateur (formateurs et supports)",
    "compris dans le programme",
    "inclus",
    "cubierto por el proyecto",
    "a cargo de la organización (instructores y materiales)",
    "incluido",
]


@pytest.mark.parametrize("text", REMARKS)
def test_no_sum_and_no_currency_is_no_sum(text: str) -> None:
    assert no_sum(text)


@pytest.mark.parametrize("text", ["USD", "en euros", "300 000", "pesos", "2 millions de dólares"])
def test_a_digit_or_a_currency_is_a_sum_to_read(text: str) -> None:
    assert not no_sum(text)


def _template(assistance: str, amount: str) -> str:
    return (
        "Type: offer\nTitle: Trainers' course\nCountry: any\nAreas: risk education\n"
        f"Assistance: {assistance}\nAmount: {amount}\nDescription: A course.\n"
    )


@pytest.mark.parametrize("text", REMARKS)
def test_a_remark_on_support_that_is_not_money_is_no_amount(text: str) -> None:
    read = parse_submission(_template("training, best practice exchange", text))
    assert read.ok
    assert (read.submission.amount, read.submission.currency) == (None, None)


@pytest.mark.parametrize(
    "text", ["covered by the programme", "pris en charge par le projet", "cubierto por el proyecto"]
)
def test_financial_support_without_a_sum_is_asked_how_much(text: str) -> None:
    read = parse_submission(_template("financial, training", text))
    assert read.problems == (Problem("amount", "financial_without_amount", text, MONEY_EXAMPLES),)


def test_a_unit_cost_goes_through_the_parser() -> None:
    read = parse_submission(_template("training", "USD 4,000 per participant"))
    assert read.ok
    assert (read.submission.amount, read.submission.currency) == (Decimal(4000), "USD")
