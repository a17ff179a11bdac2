"""Fiscal years read by the writer's country, and periods whose start and end are apart."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parsing.normalise import FieldError
from bot.parsing.parser import parse_submission
from bot.parsing.periods import period

D = date

FISCAL = [
    # USA: October–September, named by the year it ends
    ("FY2028", ("USA",), D(2027, 10, 1), D(2028, 9, 30)),
    ("FY 29", ("USA",), D(2028, 10, 1), D(2029, 9, 30)),
    ("fiscal year 2027", ("USA",), D(2026, 10, 1), D(2027, 9, 30)),
    ("FY2027 – FY2028", ("USA",), D(2026, 10, 1), D(2028, 9, 30)),
    # GBR, CAN, JPN: April–March, named by the year it starts
    ("financial year 2027", ("GBR",), D(2027, 4, 1), D(2028, 3, 31)),
    ("2027/28 financial year", ("GBR",), D(2027, 4, 1), D(2028, 3, 31)),
    ("FY2027/28", ("CAN",), D(2027, 4, 1), D(2028, 3, 31)),
    ("fiscal year 2027-2028", ("JPN",), D(2027, 4, 1), D(2028, 3, 31)),
    ("exercice 2027", ("CAN",), D(2027, 4, 1), D(2028, 3, 31)),
    # AUS, NZL, EGY: July–June, named by the year it ends
    ("FY2028", ("AUS",), D(2027, 7, 1), D(2028, 6, 30)),
    ("2027-28 fiscal year", ("NZL",), D(2027, 7, 1), D(2028, 6, 30)),
    ("año fiscal 2027/28", ("EGY",), D(2027, 7, 1), D(2028, 6, 30)),
    # most others: the calendar year
    ("exercice 2027", ("FRA",), D(2027, 1, 1), D(2027, 12, 31)),
    ("exercice budgétaire 2028", ("SEN",), D(2028, 1, 1), D(2028, 12, 31)),
    ("año fiscal 2027", ("COL",), D(2027, 1, 1), D(2027, 12, 31)),
    ("ejercicio presupuestario 2028", ("ESP",), D(2028, 1, 1), D(2028, 12, 31)),
    ("FY2028", ("NOR",), D(2028, 1, 1), D(2028, 12, 31)),
    ("FY 2027-2029", ("DEU",), D(2027, 1, 1), D(2029, 12, 31)),
    # plural words or "and": two fiscal years, not one
    ("exercices 2027 et 2028", ("CAN",), D(2027, 4, 1), D(2029, 3, 31)),
    ("fiscal years 2027-2028", ("GBR",), D(2027, 4, 1), D(2029, 3, 31)),
    ("años fiscales 2027 y 2028", ("AUS",), D(2026, 7, 1), D(2028, 6, 30)),
    ("exercice financier 2027", ("CAN",), D(2027, 4, 1), D(2028, 3, 31)),
    # two states of one writer that count alike
    ("FY2028", ("AUS", "NZL"), D(2027, 7, 1), D(2028, 6, 30)),
    # months written beside the fiscal year say it whoever writes
    ("FY2028 (October 2027 – September 2028)", (), D(2027, 10, 1), D(2028, 9, 30)),
    ("exercice 2027 (avril 2027 à mars 2028)", (), D(2027, 4, 1), D(2028, 3, 31)),
]


@pytest.mark.parametrize(("text", "countries", "start", "end"), FISCAL)
def test_a_fiscal_year_is_read_by_the_writers_country(
    text: str, countries: tuple[str, ...], start: date, end: date
) -> None:
    assert period(text, countries) == (start, end)


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("FY2028", ()),  # an organisation, or a writer not known yet
        ("fiscal year 2027", ()),
        ("exercice 2027", ()),
        ("año fiscal 2027", ()),
        ("2027/28 financial year", ()),
        ("FY2028", ("USA", "GBR")),  # two states that count differently
    ],
)
def test_a_fiscal_year_no_country_decides_is_asked(text: str, countries: tuple[str, ...]) -> None:
    with pytest.raises(FieldError) as caught:
        period(text, countries)
    assert (caught.value.code, caught.value.value) == ("ambiguous", text)


def test_a_year_without_fiscal_words_stays_the_calendar_year() -> None:
    assert period("2027/28", ("USA",)) == (D(2027, 1, 1), D(2028, 12, 31))
    assert period("2028", ("GBR",)) == (D(2028, 1, 1), D(2028, 12, 31))


def test_the_parser_reads_a_fiscal_year_by_the_writers_countries() -> None:
    text = "Type: offer\nTitle: Grants\nCountry: Laos\nAreas: clearance\nAssistance: financial\n"
    text += "Amount: USD 2M\nPeriod: FY2028\nDescription: Grants.\n"
    read = parse_submission(text, writer_countries=("USA",))
    assert read.ok
    assert (read.submission.period_start, read.submission.period_end) == (
        D(2027, 10, 1),
        D(2028, 9, 30),
    )
    asked = parse_submission(text)
    assert [(p.field, p.code, p.value) for p in asked.problems] == [
        ("period", "ambiguous", "FY2028")
    ]


APART = [
    # en
    ("until end of 2028, starting March 2027", D(2027, 3, 1), D(2028, 12, 31)),
    ("until the end of June 2028 (from January 2027)", D(2027, 1, 1), D(2028, 6, 30)),
    ("from March 2027 (until December 2028)", D(2027, 3, 1), D(2028, 12, 31)),
    ("to end 2029 (start: Q2 2027)", D(2027, 4, 1), D(2029, 12, 31)),
    ("from April 2027 to the end of 2028", D(2027, 4, 1), D(2028, 12, 31)),
    ("March 2027 – end-2028", D(2027, 3, 1), D(2028, 12, 31)),
    # fr
    ("jusqu'à fin 2029 (à partir de juin 2027)", D(2027, 6, 1), D(2029, 12, 31)),
    ("jusqu'à la fin de 2028, à compter de septembre 2027", D(2027, 9, 1), D(2028, 12, 31)),
    ("à partir d'avril 2027 (jusqu'à fin mars 2028)", D(2027, 4, 1), D(2028, 3, 31)),
    ("de janvier 2027 à fin 2028", D(2027, 1, 1), D(2028, 12, 31)),
    # es
    ("hasta finales de 2029 (desde abril de 2027)", D(2027, 4, 1), D(2029, 12, 31)),
    ("hasta fines de 2028, a partir de mayo de 2027", D(2027, 5, 1), D(2028, 12, 31)),
    ("desde julio de 2027 (hasta diciembre de 2028)", D(2027, 7, 1), D(2028, 12, 31)),
    ("de enero de 2027 a finales de 2028", D(2027, 1, 1), D(2028, 12, 31)),
]


@pytest.mark.parametrize(("text", "start", "end"), APART)
def test_a_start_and_an_end_written_apart(text: str, start: date, end: date) -> None:
    assert period(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("until end of 2028", "invalid"),  # no start: asked
        ("jusqu'à fin 2028", "invalid"),
        ("hasta finales de 2028", "invalid"),
        ("end of 2028", "ambiguous"),  # a day, not a period
        ("fin 2028", "ambiguous"),
        ("from end of 2027 to 2029", "ambiguous"),  # an end as a start
        ("mid-2027", "ambiguous"),
        ("mid-2027 to 2028", "ambiguous"),
        ("mi-2027", "ambiguous"),
        ("de mi-2027 à fin 2028", "ambiguous"),
        ("mediados de 2027", "ambiguous"),
        ("desde mediados de 2027 hasta finales de 2028", "ambiguous"),
    ],
)
def test_an_end_alone_or_a_middle_is_asked(text: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        period(text)
    assert (caught.value.code, caught.value.value) == (code, text)
