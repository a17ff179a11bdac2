"""The submission parser: labels in three languages, every problem at once, kind from subject."""

from datetime import date
from decimal import Decimal

import pytest

from bot.parsing.fields import Vocabulary
from bot.parsing.parser import (
    MONEY_EXAMPLES,
    PERIOD_EXAMPLES,
    ParseResult,
    Problem,
    Submission,
    parse_submission,
)

VOCAB = Vocabulary.load()
AREA_LABELS = tuple(VOCAB.area_label(code) for code in VOCAB.area_codes)
FORM_LABELS = tuple(VOCAB.assistance_label(code) for code in VOCAB.assistance_codes)
KINDS = ("need", "offer")

LAO_NEED = """\
Dear colleagues of the ISU,

please register the need below.

Type: need
Title: Technical survey teams for two districts of Savannakhet
Country: Lao PDR
Areas: technical survey, land release, IMSMA
Assistance: funding, secondment of personnel
Amount: 250k USD
Period: 2027-01 to 2027-12
Languages: Lao, English
Reference: National Strategic Plan for the UXO/Mine Action Sector 2021-2030
Description: Village-level non-technical survey is complete. The NRA needs
six technical survey teams to define hazardous-area boundaries.

Data will be recorded in IMSMA and reported in our Article 7 report.

"""
SIGNATURE = "-- \nOperations Division, NRA\nTitle: not a field, this is the signature\n"

NORWAY_OFFER = """\
Type: offer
Title: Grant window for survey and clearance of cluster munition remnants
Country: South-eastern Asia, Lebanon
Areas: survey, clearance, risk education
Assistance: financial
Amount: EUR 1.2m
Period: 2027-2028
Languages: English, French
On behalf of: Norway
Description: Multi-year grants, implemented through operators accredited by the national
authority. Proposals must reference the national plan.
"""


def test_realistic_need() -> None:
    result = parse_submission(LAO_NEED + SIGNATURE, "NEED Savannakhet survey")
    description = (
        "Village-level non-technical survey is complete. The NRA needs\n"
        "six technical survey teams to define hazardous-area boundaries.\n\n"
        "Data will be recorded in IMSMA and reported in our Article 7 report."
    )
    assert result == ParseResult(
        Submission(
            kind="need",
            title="Technical survey teams for two districts of Savannakhet",
            countries=("LAO",),
            areas=("art4.survey.technical", "art4.land_release", "cross.information_management"),
            assistance=("financial", "personnel_secondment"),
            amount=Decimal("250000"),
            currency="USD",
            period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            languages=("lo", "en"),
            reference="National Strategic Plan for the UXO/Mine Action Sector 2021-2030",
            description=description,
            fields={
                "type": "need",
                "title": "Technical survey teams for two districts of Savannakhet",
                "country": "Lao PDR",
                "areas": "technical survey, land release, IMSMA",
                "assistance": "funding, secondment of personnel",
                "amount": "250k USD",
                "period": "2027-01 to 2027-12",
                "languages": "Lao, English",
                "reference": "National Strategic Plan for the UXO/Mine Action Sector 2021-2030",
                "description": description,
            },
        ),
        (),
    )
    assert result.ok is True


def test_realistic_offer() -> None:
    result = parse_submission(NORWAY_OFFER)
    submission = result.submission
    assert result.problems == ()
    assert submission.kind == "offer"
    assert submission.countries == ("region:035", "LBN")
    assert submission.areas == (
        "art4.survey.non_technical",
        "art4.survey.technical",
        "art4.clearance",
        "art4.risk_reduction_education",
    )
    assert submission.assistance == ("financial",)
    assert (submission.amount, submission.currency) == (Decimal("1200000"), "EUR")
    assert (submission.period_start, submission.period_end) == (
        date(2027, 1, 1),
        date(2028, 12, 31),
    )
    assert submission.languages == ("en", "fr")
    assert submission.on_behalf_of == "Norway"
    assert submission.actor is None
    assert submission.description == (
        "Multi-year grants, implemented through operators accredited by the national\n"
        "authority. Proposals must reference the national plan."
    )


def test_french_labels() -> None:
    text = """\
Type : besoin
Titre : Éducation aux risques pour les familles déplacées
Pays : Liban
Domaines : éducation aux risques, assistance aux victimes
Type d'assistance : formation, matériel
Montant : 2,5 millions EUR
Période : du 2027-01 au 2027-12
Langues : arabe, français
Référence : Plan national 2025
Description : Séances dans 40 villages du Sud.
Acteur : LBN
"""
    result = parse_submission(text)
    assert result.problems == ()
    submission = result.submission
    assert (submission.kind, submission.title, submission.countries) == (
        "need",
        "Éducation aux risques pour les familles déplacées",
        ("LBN",),
    )
    assert submission.areas == (
        "art4.risk_reduction_education",
        *(
            "art5.data_needs_assessment",
            "art5.medical_care",
            "art5.rehabilitation",
            "art5.psychosocial_support",
            "art5.socio_economic_inclusion",
            "art5.laws_policies_coordination",
        ),
    )
    assert submission.assistance == ("training_capacity_development", "material_equipment")
    assert (submission.amount, submission.currency) == (Decimal("2500000"), "EUR")
    assert (submission.period_start, submission.period_end) == (
        date(2027, 1, 1),
        date(2027, 12, 31),
    )
    assert submission.languages == ("ar", "fr")
    assert (submission.reference, submission.description, submission.actor) == (
        "Plan national 2025",
        "Séances dans 40 villages du Sud.",
        "LBN",
    )


def test_spanish_labels() -> None:
    text = """\
Tipo: necesidad
Título: Desminado de restos de municiones en racimo en Antofagasta
País: Chile
Áreas: limpieza, estudio técnico
Tipo de asistencia: capacitación, asesoramiento técnico
Monto: USD 300.000
Período: de 2027-03 a 2027-11
Idiomas: español, inglés
Descripción: Apoyo para dos equipos.
En nombre de: Chile
"""
    result = parse_submission(text)
    assert result.problems == ()
    submission = result.submission
    assert (submission.kind, submission.countries, submission.areas, submission.assistance) == (
        "need",
        ("CHL",),
        ("art4.clearance", "art4.survey.technical"),
        ("training_capacity_development", "technical_expertise"),
    )
    assert (submission.amount, submission.currency) == (Decimal("300000"), "USD")
    assert (submission.period_start, submission.period_end) == (
        date(2027, 3, 1),
        date(2027, 11, 30),
    )
    assert (submission.languages, submission.on_behalf_of) == (("es", "en"), "Chile")


def test_description_keeps_lines_and_unknown_labels_as_text() -> None:
    text = """\
Type: need
Title: Prosthetics workshop
Areas: rehabilitation
Assistance: equipment
Description: We need materials for the workshop.
Phone: 123 456 789
Contact: the rehabilitation centre

Note: deliveries go to Vientiane.
Languages: en
"""
    result = parse_submission(text)
    assert result.problems == ()
    assert result.submission.description == (
        "We need materials for the workshop.\n"
        "Phone: 123 456 789\n"
        "Contact: the rehabilitation centre\n\n"
        "Note: deliveries go to Vientiane."
    )
    assert result.submission.languages == ("en",)


def test_description_may_start_on_the_next_line() -> None:
    text = (
        "Type: offer\nTitle: t\nCountry: any\nAreas: gis\nAssistance: training\n"
        "Description:\n  one\n  two\n"
    )
    result = parse_submission(text)
    assert result.problems == ()
    assert result.submission.description == "one\n  two"
    assert result.submission.countries == ("any",)


COMPLETE_BODY = "Title: t\nCountry: Chad\nAreas: clearance\nAssistance: funding\nDescription: d\n"


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        ("NEED Survey teams", "need"),
        ("need: survey teams", "need"),
        ("OFFER grant window", "offer"),
        ("Re: OFFER grant window", "offer"),
        ("RE : besoin de formation", "need"),
        ("Fwd: TR: Offre de formation", "offer"),
        ("RV: NECESIDAD desminado", "need"),
        ("oferta", "offer"),
        ("[External] Needs for 2027", "need"),
    ],
)
def test_subject_gives_the_kind(subject: str, kind: str) -> None:
    result = parse_submission(COMPLETE_BODY, subject)
    assert (result.submission.kind, result.problems) == (kind, ())


def test_type_field_wins_over_subject() -> None:
    result = parse_submission("Type: offer\n" + COMPLETE_BODY, "NEED")
    assert (result.submission.kind, result.problems) == ("offer", ())


@pytest.mark.parametrize("subject", ["", "Hello", "Re: question about needs"])
def test_kind_missing(subject: str) -> None:
    result = parse_submission(COMPLETE_BODY, subject)
    assert result.problems == (Problem("type", "missing", "", KINDS),)


def test_unknown_type() -> None:
    result = parse_submission("Type: request\n" + COMPLETE_BODY)
    assert result.problems == (Problem("type", "unknown_value", "request", KINDS),)


def test_four_mistakes_give_four_problems() -> None:
    text = """\
Type: need
Areas: clearance, gardening
Assistance: training
Amount: 250 000
Period: 2027-13
Description: Clearance of a school yard.
"""
    result = parse_submission(text)
    assert result.problems == (
        Problem("title", "missing"),
        Problem("areas", "unknown_value", "gardening", AREA_LABELS),
        Problem("amount", "invalid", "250 000", MONEY_EXAMPLES),
        Problem("period", "invalid", "2027-13", PERIOD_EXAMPLES),
    )
    assert result.ok is False
    assert result.submission.areas == ("art4.clearance",)
    assert result.submission.amount is None


def test_no_labels_at_all() -> None:
    result = parse_submission("Hello, could you tell me how this works?\nThanks", "NEED")
    assert result == ParseResult(Submission(kind="need"), (Problem("template", "no_fields"),))


def test_blank_template_placeholders_count_as_empty() -> None:
    text = """\
Type: offer
Title: <one line>
Country: [...]
Areas: <clearance, survey, ...>
Assistance: ...
Amount: <optional>
Description:
<free text, several lines>
"""
    result = parse_submission(text)
    assert result.problems == (
        Problem("title", "missing"),
        Problem("country", "missing"),
        Problem("areas", "missing", "", AREA_LABELS),
        Problem("assistance", "missing", "", FORM_LABELS),
        Problem("description", "missing"),
    )
    assert result.submission.fields["title"] == ""


def test_bullets_and_bold_labels() -> None:
    text = """\
- **Type:** offer
* Title: IMSMA training
**Country**: any
- Areas: IMSMA
- __Assistance:__ trainings
• Description: Two weeks in Geneva.
"""
    result = parse_submission(text)
    assert result.problems == ()
    submission = result.submission
    assert (submission.kind, submission.title, submission.countries) == (
        "offer",
        "IMSMA training",
        ("any",),
    )
    assert (submission.areas, submission.assistance, submission.description) == (
        ("cross.information_management",),
        ("training_capacity_development",),
        "Two weeks in Geneva.",
    )


def test_continuation_lines_and_blank_line_end_a_field() -> None:
    text = """\
Type: need
Title: Survey and clearance
  in two districts
Areas: clearance,
  risk education

we are grateful for any help
Assistance: funding
Description: d
"""
    result = parse_submission(text)
    assert result.problems == ()
    assert result.submission.title == "Survey and clearance in two districts"
    assert result.submission.areas == ("art4.clearance", "art4.risk_reduction_education")


def test_bulleted_list_values() -> None:
    text = """\
Type: need
Title: Survey
Areas:
- technical survey
- risk
  education
Assistance: grant
Description: d
"""
    result = parse_submission(text)
    assert result.problems == ()
    assert result.submission.areas == ("art4.survey.technical", "art4.risk_reduction_education")
    assert result.submission.fields["areas"] == "- technical survey\n- risk education"


def test_title_too_long() -> None:
    title = "x" * 201
    result = parse_submission(
        f"Type: need\nTitle: {title}\nAreas: gis\nAssistance: grant\nDescription: d"
    )
    assert result.problems == (Problem("title", "too_long", title),)
    assert result.submission.title is None


def test_each_unknown_word_is_its_own_problem() -> None:
    text = """\
Type: offer
Title: t
Country: Narnia, Lebanon, Atlantis
Areas: clearance, knitting
Assistance: money, hugs
Languages: English, Elvish
Description: d
"""
    result = parse_submission(text)
    assert result.problems == (
        Problem("country", "unknown_value", "Narnia"),
        Problem("country", "unknown_value", "Atlantis"),
        Problem("areas", "unknown_value", "knitting", AREA_LABELS),
        Problem("assistance", "unknown_value", "hugs", FORM_LABELS),
    )  # a language we do not know blocks nothing: it is set aside
    assert result.submission.countries == ("LBN",)
    assert result.submission.unknown_languages == ("Elvish",)


@pytest.mark.parametrize(
    ("countries", "expected"),
    [
        ("Lebanon; Iraq", ("LBN", "IRQ")),
        ("Asie du Sud-Est, Liban", ("region:035", "LBN")),
        ("Afrique, Asia", ("region:002", "region:142")),
        ("any", ("any",)),
        ("tous les pays", ("any",)),
        ("todos", ("any",)),
        ("Lebanon, Lebanon, LB", ("LBN",)),
    ],
)
def test_offer_countries_regions_and_any(countries: str, expected: tuple[str, ...]) -> None:
    result = parse_submission(
        f"Type: offer\nTitle: t\nCountry: {countries}\n"
        "Areas: gis\nAssistance: grant\nDescription: d"
    )
    assert (result.submission.countries, result.problems) == (expected, ())


def test_need_country_is_optional_but_not_a_region() -> None:
    body = "Type: need\nTitle: t\nAreas: gis\nAssistance: grant\nDescription: d\n"
    assert parse_submission(body).problems == ()
    result = parse_submission(body + "Country: South-eastern Asia")
    assert result.problems == (Problem("country", "invalid", "South-eastern Asia"),)


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("250k XYZ", Problem("amount", "unknown_value", "250k XYZ", MONEY_EXAMPLES)),
        ("200k-300k USD", Problem("amount", "ambiguous", "200k-300k USD", MONEY_EXAMPLES)),
        # no sum and no currency for financial support: how much?
        ("a lot", Problem("amount", "financial_without_amount", "a lot", MONEY_EXAMPLES)),
    ],
)
def test_amount_problems(amount: str, problem: Problem) -> None:
    result = parse_submission(
        f"Type: need\nTitle: t\nAreas: gis\nAssistance: grant\nAmount: {amount}\nDescription: d"
    )
    assert result.problems == (problem,)


def test_period_start_after_end() -> None:
    result = parse_submission(
        "Type: need\nTitle: t\nAreas: gis\nAssistance: grant\nPeriod: 2028 to 2027\nDescription: d"
    )
    assert result.problems == (Problem("period", "invalid", "2028 to 2027", PERIOD_EXAMPLES),)


def test_repeated_fields() -> None:
    text = """\
Type: need
Title: First title
Title: Second title
Areas: clearance
Areas: gis
Assistance: grant
Description: d
"""
    result = parse_submission(text)
    assert result.problems == (Problem("title", "ambiguous", "Second title"),)
    assert result.submission.title == "First title"
    assert result.submission.areas == ("art4.clearance", "cross.information_management")
    assert result.submission.fields["areas"] == "clearance, gis"


def test_vocabulary_can_be_given() -> None:
    small = Vocabulary.from_data(
        {
            "areas": [{"code": "a.one", "label": {"en": "one"}}],
            "assistance": [{"code": "help", "label": {"en": "help"}}],
            "regions": [],
        }
    )
    result = parse_submission(
        "Type: need\nTitle: t\nAreas: one, clearance\nAssistance: help\nDescription: d",
        vocabulary=small,
    )
    assert result.problems == (Problem("areas", "unknown_value", "clearance", ("one",)),)


def test_text_in_brackets_qualifies_a_value_or_spells_its_abbreviation() -> None:
    result = parse_submission(
        "Type: offer\n"
        "Title: Survey and clearance support\n"
        "Country: Lao PDR (Savannakhet, Attapeu), Iraq (Federal)\n"
        "Areas: technical survey (TS), clearance (BAC, EOD), other (risk education)\n"
        "Assistance: financial (grant, multi-year), equipment (in kind)\n"
        "Description: Teams and funding.\n"
    )
    assert result.problems == ()
    submission = result.submission
    assert submission.countries == ("LAO", "IRQ")
    assert submission.areas == (
        "art4.survey.technical",
        "art4.clearance",
        "art4.risk_reduction_education",
    )
    assert submission.assistance == ("financial", "material_equipment")


@pytest.mark.parametrize("separator", ["\t", " = ", "=", " - ", " – ", " — "])
def test_a_label_followed_by_a_tab_an_equals_sign_or_a_dash_is_a_label(separator: str) -> None:
    result = parse_submission(
        f"Type{separator}need\n"
        f"TITLE{separator}Survey teams - Savannakhet\n"
        f"- Areas{separator}technical survey and clearance\n"
        f"Assistance{separator}financial\n"
        f"Description{separator}Six teams.\n"
        "Not a label - this line stays in the description\n"
    )
    assert result.problems == ()
    submission = result.submission
    assert (submission.kind, submission.title) == ("need", "Survey teams - Savannakhet")
    assert submission.areas == ("art4.survey.technical", "art4.clearance")
    assert submission.assistance == ("financial",)
    assert submission.description == (
        "Six teams.\nNot a label - this line stays in the description"
    )
