"""Periods as focal points write them, in English, French and Spanish."""

from __future__ import annotations

from datetime import date

import pytest

from bot.parsing.normalise import FieldError
from bot.parsing.parser import parse_submission
from bot.parsing.periods import period, period_if_any

D = date


def case(text: str, start: date, end: date) -> tuple[str, date, date]:
    return text, start, end


MONTHS = [
    # en
    case("May 2027 to April 2028", D(2027, 5, 1), D(2028, 4, 30)),
    case("Sept. 2027", D(2027, 9, 1), D(2027, 9, 30)),
    case("sep 2027 - mar 2028", D(2027, 9, 1), D(2028, 3, 31)),
    case("AUGUST 2027", D(2027, 8, 1), D(2027, 8, 31)),
    case("February to October 2028", D(2028, 2, 1), D(2028, 10, 31)),
    case("Feb–Oct 2028", D(2028, 2, 1), D(2028, 10, 31)),
    case("between March and June 2027", D(2027, 3, 1), D(2027, 6, 30)),
    case("March 2027 to June", D(2027, 3, 1), D(2027, 6, 30)),
    # fr
    case("janvier 2027 – juin 2028", D(2027, 1, 1), D(2028, 6, 30)),
    case("févr. 2027 à déc. 2027", D(2027, 2, 1), D(2027, 12, 31)),
    case("fevrier 2027 a decembre 2027", D(2027, 2, 1), D(2027, 12, 31)),
    case("de mai à août 2027", D(2027, 5, 1), D(2027, 8, 31)),
    case("d'octobre à décembre 2027", D(2027, 10, 1), D(2027, 12, 31)),
    case("juillet 2027 jusqu'à mars 2028", D(2027, 7, 1), D(2028, 3, 31)),
    case("septembre 2027", D(2027, 9, 1), D(2027, 9, 30)),
    case("entre mars et juin 2027", D(2027, 3, 1), D(2027, 6, 30)),
    # es
    case("de abril de 2027 a marzo de 2028", D(2027, 4, 1), D(2028, 3, 31)),
    case("DE ENERO A JUNIO DE 2028", D(2028, 1, 1), D(2028, 6, 30)),
    case("ene–sept 2027", D(2027, 1, 1), D(2027, 9, 30)),
    case("desde agosto 2027 hasta julio 2028", D(2027, 8, 1), D(2028, 7, 31)),
    case("setiembre de 2027", D(2027, 9, 1), D(2027, 9, 30)),
    case("noviembre 2027", D(2027, 11, 1), D(2027, 11, 30)),
]

DAYS = [
    # en
    case("15 Feb 2027 – 14 Feb 2028", D(2027, 2, 15), D(2028, 2, 14)),
    case("1 – 30 June 2027", D(2027, 6, 1), D(2027, 6, 30)),
    case("20 May 2027", D(2027, 5, 20), D(2027, 5, 20)),
    case("May 20, 2027 to September 30, 2027", D(2027, 5, 20), D(2027, 9, 30)),
    case("1st March 2027 until 31st August 2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("2027-03-01 to 2027-08-31", D(2027, 3, 1), D(2027, 8, 31)),
    case("01.03.2027 – 31.08.2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("1/3/2027 - 31/8/2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("3/1/2027 - 8/31/2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("06/06/2027 - 07/07/2027", D(2027, 6, 6), D(2027, 7, 7)),
    case("03/2027 – 08/2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("Mar-27 to Aug-27", D(2027, 3, 1), D(2027, 8, 31)),
    case("1-Mar-27 – 31-Aug-27", D(2027, 3, 1), D(2027, 8, 31)),
    case("Oct '27 - Mar '28", D(2027, 10, 1), D(2028, 3, 31)),
    # fr
    case("du 1er mars au 31 août 2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("du 15 janvier 2027 au 14 janvier 2028", D(2027, 1, 15), D(2028, 1, 14)),
    case("du 03/04/2027 au 05/06/2027", D(2027, 4, 3), D(2027, 6, 5)),
    case("1.4.2027 - 31.3.2028", D(2027, 4, 1), D(2028, 3, 31)),
    case("01-avr.-2027 au 31-mars-2028", D(2027, 4, 1), D(2028, 3, 31)),
    # es
    case("del 1 de marzo al 31 de agosto de 2027", D(2027, 3, 1), D(2027, 8, 31)),
    case("del 03/04/2027 al 05/06/2027", D(2027, 4, 3), D(2027, 6, 5)),
    case("1º de julio de 2027", D(2027, 7, 1), D(2027, 7, 1)),
    case("abr-27 a mar-28", D(2027, 4, 1), D(2028, 3, 31)),
]

PARTS = [
    # en
    case("Q2 2027", D(2027, 4, 1), D(2027, 6, 30)),
    case("q4 2027", D(2027, 10, 1), D(2027, 12, 31)),
    case("Q2-Q3 2027", D(2027, 4, 1), D(2027, 9, 30)),
    case("Q4 2027 to Q1 2028", D(2027, 10, 1), D(2028, 3, 31)),
    case("Q1/2028", D(2028, 1, 1), D(2028, 3, 31)),
    case("2027 Q4", D(2027, 10, 1), D(2027, 12, 31)),
    case("Q3-Q4/2027", D(2027, 7, 1), D(2027, 12, 31)),
    case("H1 2028", D(2028, 1, 1), D(2028, 6, 30)),
    case("first half of 2028", D(2028, 1, 1), D(2028, 6, 30)),
    case("third quarter of 2027", D(2027, 7, 1), D(2027, 9, 30)),
    case("2nd semester 2027", D(2027, 7, 1), D(2027, 12, 31)),
    # fr
    case("T2 2027", D(2027, 4, 1), D(2027, 6, 30)),
    case("T2 2027 – T3 2028", D(2027, 4, 1), D(2028, 9, 30)),
    case("4e trimestre 2027", D(2027, 10, 1), D(2027, 12, 31)),
    case("premier trimestre 2028", D(2028, 1, 1), D(2028, 3, 31)),
    case("1er semestre 2028", D(2028, 1, 1), D(2028, 6, 30)),
    case("2ème semestre 2027", D(2027, 7, 1), D(2027, 12, 31)),
    case("S1 2028", D(2028, 1, 1), D(2028, 6, 30)),
    # es
    case("tercer trimestre de 2027", D(2027, 7, 1), D(2027, 9, 30)),
    case("segundo semestre de 2027", D(2027, 7, 1), D(2027, 12, 31)),
    case("primer trimestre 2027 – segundo semestre 2028", D(2027, 1, 1), D(2028, 12, 31)),
    case("T4 de 2027", D(2027, 10, 1), D(2027, 12, 31)),
]

DURATIONS = [
    # en
    case("24 months from March 2027", D(2027, 3, 1), D(2029, 2, 28)),
    case("six months starting September 2027", D(2027, 9, 1), D(2028, 2, 29)),
    case("for three years from 2027", D(2027, 1, 1), D(2029, 12, 31)),
    case("12-month project from 2027-10", D(2027, 10, 1), D(2028, 9, 30)),
    case("October 2027, for 9 months", D(2027, 10, 1), D(2028, 6, 30)),
    # fr
    case("12 mois à partir de juillet 2027", D(2027, 7, 1), D(2028, 6, 30)),
    case("dix-huit mois à compter de mai 2027", D(2027, 5, 1), D(2028, 10, 31)),
    case("pendant trois ans à partir de janvier 2028", D(2028, 1, 1), D(2030, 12, 31)),
    case("sept mois à partir de sept. 2027", D(2027, 9, 1), D(2028, 3, 31)),
    # es
    case("veinticuatro meses a partir de julio de 2027", D(2027, 7, 1), D(2029, 6, 30)),
    case("durante 2 años desde octubre de 2027", D(2027, 10, 1), D(2029, 9, 30)),
    case("6 meses a partir del 1 de marzo de 2027", D(2027, 3, 1), D(2027, 8, 31)),
]

YEARS = [
    case("2028", D(2028, 1, 1), D(2028, 12, 31)),
    case("2027-2030", D(2027, 1, 1), D(2030, 12, 31)),
    case("2027 – 2028", D(2027, 1, 1), D(2028, 12, 31)),
    case("2028/29", D(2028, 1, 1), D(2029, 12, 31)),
    case("the year 2028", D(2028, 1, 1), D(2028, 12, 31)),
    case("année 2028", D(2028, 1, 1), D(2028, 12, 31)),
    case("de 2027 à 2029", D(2027, 1, 1), D(2029, 12, 31)),
    case("de 2028 a 2030", D(2028, 1, 1), D(2030, 12, 31)),
    case("año 2028", D(2028, 1, 1), D(2028, 12, 31)),
]

REMARKS = [
    case("2028 (to be confirmed by the ministry)", D(2028, 1, 1), D(2028, 12, 31)),
    case("FY2028 (July 2027 – June 2028)", D(2027, 7, 1), D(2028, 6, 30)),
    case("juillet 2027 à juin 2028 (exercice 2027-2028)", D(2027, 7, 1), D(2028, 6, 30)),
    case("exercice budgétaire 2028 (avril 2028 – mars 2029)", D(2028, 4, 1), D(2029, 3, 31)),
    case("año fiscal 2028 (abril 2028 – marzo 2029)", D(2028, 4, 1), D(2029, 3, 31)),
    case("Q3 2027 [tentative]", D(2027, 7, 1), D(2027, 9, 30)),
]


@pytest.mark.parametrize(("text", "start", "end"), MONTHS + DAYS)
def test_months_and_days(text: str, start: date, end: date) -> None:
    assert period(text) == (start, end)


@pytest.mark.parametrize(("text", "start", "end"), PARTS)
def test_quarters_and_semesters(text: str, start: date, end: date) -> None:
    assert period(text) == (start, end)


@pytest.mark.parametrize(("text", "start", "end"), DURATIONS)
def test_durations_from_a_start(text: str, start: date, end: date) -> None:
    assert period(text) == (start, end)


@pytest.mark.parametrize(("text", "start", "end"), YEARS + REMARKS)
def test_years_spans_and_remarks(text: str, start: date, end: date) -> None:
    assert period(text) == (start, end)


NO_PERIOD = ["n/a", "N/A", "-", "none", "sans objet", "S/O", "no aplica", "not applicable"]
# Not fixed yet is not "does not apply": a reader asks when the work starts and ends.
VAGUE = [
    "ASAP",
    "as soon as possible",
    "immediately",
    "ongoing",
    "TBD",
    "to be determined once funding is secured",
    "dès que possible",
    "Dès que possible (urgence)",
    "à définir",
    "en cours",
    "lo antes posible",
    "por definir",
    "cuando haya fondos",
]


@pytest.mark.parametrize("text", NO_PERIOD)
def test_words_for_no_period_are_no_period(text: str) -> None:
    assert period_if_any(text) == (None, None)
    with pytest.raises(FieldError):
        period(text)  # a period, where one is needed (prose, the Telegram form), stays unread


@pytest.mark.parametrize("text", VAGUE)
def test_a_period_not_fixed_yet_is_asked(text: str) -> None:
    with pytest.raises(FieldError):
        period_if_any(text)


def test_a_period_is_a_period_whether_or_not_one_is_needed() -> None:
    assert period_if_any("n/a (2027)") == (None, None)
    assert period_if_any("2027 (TBD)") == period("2027 (TBD)") == (D(2027, 1, 1), D(2027, 12, 31))


@pytest.mark.parametrize("text", ["n/a", "sans objet", "no aplica", "-"])
def test_no_period_is_read_like_an_empty_period(text: str) -> None:
    def read(value: str) -> tuple[object, ...]:
        result = parse_submission(f"Type: need\nTitle: Survey\nPeriod: {value}\nDescription: x\n")
        found = result.submission
        return found.period_start, found.period_end, result.problems

    assert read(text) == read("")
    assert read(text)[:2] == (None, None)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("04/05/2027", "ambiguous"),
        ("04/05/2027 - 06/07/2027", "ambiguous"),
        ("04/05/2027 (to be confirmed)", "ambiguous"),
        ("June to December", "ambiguous"),
        ("de junio a diciembre", "ambiguous"),
        ("Q3", "ambiguous"),
        ("octobre", "ambiguous"),
        ("November to February 2028", "ambiguous"),
        ("December 2028 to March 2027", "start_after_end"),
        ("Q3 2028 – Q1 2027", "start_after_end"),
        ("du 30 juin au 1er juin 2027", "start_after_end"),
        ("2029 a 2027", "start_after_end"),
        ("from May 2027", "invalid"),
        ("until December 2027", "invalid"),
        ("jusqu'à décembre 2027", "invalid"),
        ("hasta diciembre de 2027", "invalid"),
        ("2027 –", "invalid"),
        ("18 months", "invalid"),
        ("next year", "invalid"),
        ("l'année prochaine", "invalid"),
        ("el próximo año", "invalid"),
        ("(tentative)", "invalid"),
        ("Q5 2027", "invalid"),
        ("S3 2027", "invalid"),
        ("31 February 2027", "invalid"),
        ("13/14/2027", "invalid"),
        ("2027-13", "invalid"),
        ("mid-2027", "ambiguous"),  # which day of 2027? asked, never guessed
    ],
)
def test_periods_that_are_asked_about(text: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        period(text)
    assert (caught.value.code, caught.value.value) == (code, text)


@pytest.mark.parametrize(
    "text",
    [
        "todo 2027",
        "all of 2027",
        "throughout 2027",
        "toute l'année 2027",
        "the whole of 2027",
        "todo el año 2027",
        "pendant toute l'année 2027",
    ],
)
def test_a_whole_year_said_in_words(text: str) -> None:
    assert period(text) == (D(2027, 1, 1), D(2027, 12, 31))
