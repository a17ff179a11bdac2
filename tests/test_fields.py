"""Vocabularies and normalisers: areas, assistance, regions, countries, languages, money, period."""

from datetime import date
from decimal import Decimal

import pycountry
import pytest

from bot.parsing.fields import Vocabulary, country, country_name, language
from bot.parsing.language_list import languages
from bot.parsing.lists import resolve_list
from bot.parsing.money import money
from bot.parsing.normalise import FieldError, fold
from bot.parsing.periods import period

VOCAB = Vocabulary.load()
VICTIM_ASSISTANCE = (
    "art5.data_needs_assessment",
    "art5.medical_care",
    "art5.rehabilitation",
    "art5.psychosocial_support",
    "art5.socio_economic_inclusion",
    "art5.laws_policies_coordination",
)
SURVEY = ("art4.survey.non_technical", "art4.survey.technical")


def test_vocabulary_keeps_every_reference_code() -> None:
    assert len(VOCAB.area_codes) == 27
    assert VOCAB.area_codes[:3] == (
        "art3.stockpile_destruction.planning",
        "art3.stockpile_destruction.operations",
        "art3.retention_reporting",
    )
    assert VOCAB.assistance_codes == (
        "financial",
        "technical_expertise",
        "material_equipment",
        "training_capacity_development",
        "best_practice_exchange",
        "information_technology_exchange",
        "expert_roster_contacts",
        "personnel_secondment",
        "trust_fund_contribution",
        "emergency_assistance",
    )


def test_vocabulary_is_loaded_once() -> None:
    assert Vocabulary.load() is VOCAB


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("technical survey", ("art4.survey.technical",)),
        ("Technical Surveys", ("art4.survey.technical",)),
        ("art4.survey.technical", ("art4.survey.technical",)),
        ("CMRS", ("art4.survey.technical",)),
        ("enquête technique", ("art4.survey.technical",)),
        ("ENQUETES TECHNIQUES", ("art4.survey.technical",)),
        ("estudio técnico", ("art4.survey.technical",)),
        ("non-technical survey", ("art4.survey.non_technical",)),
        ("non technical survey", ("art4.survey.non_technical",)),
        ("clearance", ("art4.clearance",)),
        ("demining", ("art4.clearance",)),
        ("déminage", ("art4.clearance",)),
        ("dépollution", ("art4.clearance",)),
        ("desminado", ("art4.clearance",)),
        ("limpieza", ("art4.clearance",)),
        ("risk education", ("art4.risk_reduction_education",)),
        ("EORE", ("art4.risk_reduction_education",)),
        ("éducation aux risques", ("art4.risk_reduction_education",)),
        ("educación sobre el riesgo", ("art4.risk_reduction_education",)),
        ("(information management).", ("cross.information_management",)),
        ("victim assistance — medical care", ("art5.medical_care",)),
        ("victim assistance - medical care", ("art5.medical_care",)),
        ("prothèses", ("art5.rehabilitation",)),
        ("evaluaciones de necesidades", ("art5.data_needs_assessment",)),
        ("mise en oeuvre nationale", ("art9.national_implementation",)),
        ("national capacity", ("cross.national_capacity",)),
        ("capacités nationales", ("cross.national_capacity",)),
        ("survey", SURVEY),
        ("enquête", SURVEY),
        ("estudio", SURVEY),
        ("victim assistance", VICTIM_ASSISTANCE),
        ("assistance aux victimes", VICTIM_ASSISTANCE),
        ("asistencia a víctimas", VICTIM_ASSISTANCE),
        (
            "Stockpile destruction",
            (
                "art3.stockpile_destruction.planning",
                "art3.stockpile_destruction.operations",
            ),
        ),
        (
            "destruction des stocks",
            (
                "art3.stockpile_destruction.planning",
                "art3.stockpile_destruction.operations",
            ),
        ),
    ],
)
def test_area_words_in_three_languages(text: str, codes: tuple[str, ...]) -> None:
    assert VOCAB.area(text) == codes


@pytest.mark.parametrize("text", ["", "   ", "gardening", "clearance survey", "art4"])
def test_unknown_area_word_is_none(text: str) -> None:
    assert VOCAB.area(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("financial", "financial"),
        ("Funding", "financial"),
        ("grants", "financial"),
        ("financement", "financial"),
        ("financiación", "financial"),
        ("technical expertise", "technical_expertise"),
        ("technical_expertise", "technical_expertise"),
        ("experts", "technical_expertise"),
        ("expertos", "technical_expertise"),
        ("equipment", "material_equipment"),
        ("équipements", "material_equipment"),
        ("in-kind", "material_equipment"),
        ("training", "training_capacity_development"),
        ("trainings", "training_capacity_development"),
        ("formation", "training_capacity_development"),
        ("capacitaciones", "training_capacity_development"),
        ("best-practice exchange", "best_practice_exchange"),
        ("échange de bonnes pratiques", "best_practice_exchange"),
        ("intercambio de buenas prácticas", "best_practice_exchange"),
        ("study visits", "best_practice_exchange"),
        ("secondment", "personnel_secondment"),
        ("trust fund", "trust_fund_contribution"),
    ],
)
def test_assistance_words_in_three_languages(text: str, code: str) -> None:
    assert VOCAB.assistance(text) == (code,)


def test_assistance_does_not_know_area_words() -> None:
    assert VOCAB.assistance("clearance") is None


@pytest.mark.parametrize(
    ("code", "lang", "label"),
    [
        ("art4.survey.technical", "en", "technical survey"),
        ("art4.survey.technical", "fr", "enquête technique"),
        ("art4.survey.technical", "es", "estudio técnico"),
        ("art5.medical_care", "en", "victim assistance — medical care"),
        ("art4.clearance", "de", "clearance"),
        ("no.such.code", "en", "no.such.code"),
    ],
)
def test_area_label(code: str, lang: str, label: str) -> None:
    assert VOCAB.area_label(code, lang) == label


@pytest.mark.parametrize(
    ("code", "lang", "label"),
    [
        ("financial", "en", "financial"),
        ("best_practice_exchange", "en", "best-practice exchange"),
        ("training_capacity_development", "fr", "formation"),
        ("material_equipment", "es", "equipo"),
    ],
)
def test_assistance_label(code: str, lang: str, label: str) -> None:
    assert VOCAB.assistance_label(code, lang) == label


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("South-eastern Asia", "035"),
        ("south eastern asia", "035"),
        ("Southeast Asia", "035"),
        ("Asie du Sud-Est", "035"),
        ("Asia sudoriental", "035"),
        ("Asia", "142"),
        ("142", "142"),
        ("Afrique", "002"),
        ("the Caribbean", "029"),
        ("el Caribe", "029"),
        ("Latin America", "419"),
        ("Afrique de l'Ouest", "011"),
        ("Sub-Saharan Africa", "202"),
        ("Micronesia", "057"),
        ("Narnia", None),
    ],
)
def test_region_names_in_three_languages(text: str, code: str | None) -> None:
    assert VOCAB.region(text) == code


def test_region_labels_and_members() -> None:
    assert VOCAB.region_label("035", "en") == "South-eastern Asia"
    assert VOCAB.region_label("035", "fr") == "Asie du Sud-Est"
    assert VOCAB.region_label("035", "es") == "Asia sudoriental"
    assert VOCAB.region_countries("035") == frozenset(
        {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM"}
    )
    assert VOCAB.region_countries("999") == frozenset()


def test_regions_cover_every_country_once() -> None:
    world = ("002", "019", "142", "150", "009")
    members = [VOCAB.region_countries(code) for code in world]
    everyone = {c.alpha_3 for c in pycountry.countries} - {"ATA", "TWN"}
    assert sum(len(m) for m in members) == len(everyone)
    assert frozenset().union(*members) == everyone


@pytest.mark.parametrize(
    ("parent", "children"),
    [
        ("142", ("143", "030", "035", "034", "145")),
        ("202", ("014", "017", "018", "011")),
        ("419", ("029", "013", "005")),
        ("019", ("419", "021")),
    ],
)
def test_region_is_the_union_of_its_parts(parent: str, children: tuple[str, ...]) -> None:
    parts = [VOCAB.region_countries(c) for c in children]
    assert frozenset().union(*parts) == VOCAB.region_countries(parent)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("LA", "LAO"),
        ("lao", "LAO"),
        ("Lao PDR", "LAO"),
        ("Laos", "LAO"),
        ("Lao People's Democratic Republic", "LAO"),
        ("République démocratique populaire lao", "LAO"),
        ("República Democrática Popular Lao", "LAO"),
        ("Lebanon", "LBN"),
        ("Liban", "LBN"),
        ("Líbano", "LBN"),
        ("Germany", "DEU"),
        ("Allemagne", "DEU"),
        ("Alemania", "DEU"),
        ("Tchad", "TCD"),
        ("the Gambia", "GMB"),
        ("Korea, Republic of", "KOR"),
        ("South Korea", "KOR"),
        ("Corée du Sud", "KOR"),
        ("DRC", "COD"),
        ("DR Congo", "COD"),
        ("RDC", "COD"),
        ("République démocratique du Congo", "COD"),
        ("Congo", "COG"),
        ("Bosnia", "BIH"),
        ("Bosnia and Herzegovina", "BIH"),
        ("Bosnie-Herzégovine", "BIH"),
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Syria", "SYR"),
        ("Iran", "IRN"),
        ("Bolivia", "BOL"),
        ("Moldova", "MDA"),
        ("Macedonia", "MKD"),
        ("Holy See", "VAT"),
        ("Saint-Siège", "VAT"),
        ("Palestine", "PSE"),
        ("Côte d’Ivoire", "CIV"),
        ("COTE D'IVOIRE", "CIV"),
        ("Ivory Coast", "CIV"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Turquía", "TUR"),
        ("Cabo Verde", "CPV"),
        ("Cape Verde", "CPV"),
        ("U.S.A.", "USA"),
        ("EE. UU.", "USA"),
        ("États-Unis", "USA"),
        ("Narnia", None),
        ("", None),
    ],
)
def test_country_from_codes_names_and_aliases(text: str, code: str | None) -> None:
    assert country(text) == code


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [
        ("LAO", "en", "Laos"),
        ("LBN", "fr", "Liban"),
        ("LBN", "es", "Líbano"),
        ("KOR", "fr", "Corée du Sud"),
        ("COD", "en", "The Democratic Republic of the Congo"),
        ("RUS", "fr", "Fédération de Russie"),
        ("XXX", "en", "XXX"),
    ],
)
def test_country_name(code: str, lang: str, name: str) -> None:
    assert country_name(code, lang) == name


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("English, français, Lao", ("en", "fr", "lo")),
        ("en; fr; es", ("en", "fr", "es")),
        ("Anglais et espagnol", ("en", "es")),
        ("inglés y francés", ("en", "fr")),
        ("Arabic\nSomali", ("ar", "so")),
        ("eng, fra, English", ("en", "fr")),
        ("Farsi, Pashto", ("fa", "ps")),
        ("", ()),
    ],
)
def test_languages(text: str, codes: tuple[str, ...]) -> None:
    assert languages(text) == codes


def test_unknown_language_is_named() -> None:
    with pytest.raises(FieldError) as caught:
        languages("English, Klingonese")
    assert (caught.value.code, caught.value.value) == ("unknown_value", "Klingonese")
    assert language("Klingonese") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250k USD", (Decimal("250000"), "USD")),
        ("USD 250,000", (Decimal("250000"), "USD")),
        ("EUR 1.2m", (Decimal("1200000"), "EUR")),
        ("1.2 million EUR", (Decimal("1200000"), "EUR")),
        ("1 200 000 €", (Decimal("1200000"), "EUR")),
        ("1\u00a0200\u00a0000 €", (Decimal("1200000"), "EUR")),
        ("€1,200,000", (Decimal("1200000"), "EUR")),
        ("$ 50 000", (Decimal("50000"), "USD")),
        ("US$ 400k", (Decimal("400000"), "USD")),
        ("CHF 75'000", (Decimal("75000"), "CHF")),
        ("Fr. 5000", (Decimal("5000"), "CHF")),
        ("1.200.000 EUR", (Decimal("1200000"), "EUR")),
        ("1.200.000,50 EUR", (Decimal("1200000.50"), "EUR")),
        ("USD 1,200,000.50", (Decimal("1200000.50"), "USD")),
        ("2,5 millions EUR", (Decimal("2500000"), "EUR")),
        ("jusqu'à 2,5 millions d'euros", (Decimal("2500000"), "EUR")),
        ("1,5 millones de euros", (Decimal("1500000"), "EUR")),
        ("250 mil USD", (Decimal("250000"), "USD")),
        ("£2m", (Decimal("2000000"), "GBP")),
        ("¥ 3,000,000", (Decimal("3000000"), "JPY")),
        ("60 000 000 NOK", (Decimal("60000000"), "NOK")),
        ("about 250k usd", (Decimal("250000"), "USD")),
    ],
)
def test_money(text: str, expected: tuple[Decimal, str]) -> None:
    assert money(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("250 000", "no_currency"),
        ("1.2m", "no_currency"),
        ("250k XYZ", "unknown_currency"),
        ("250k to 300k USD", "ambiguous"),
        ("1.250m EUR", "ambiguous"),
        ("200,000-300,000 USD", "ambiguous"),
        ("USD 100 EUR", "ambiguous"),
        ("$100 EUR", "ambiguous"),
        ("lots of money", "invalid"),
        ("USD", "invalid"),
        ("0 USD", "invalid"),
        ("1,200,000,5 EUR", "invalid"),
    ],
)
def test_money_rejects(text: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        money(text)
    assert (caught.value.code, caught.value.value) == (code, text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2027-01 to 2027-12", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027-01-15 – 2027-06-30", date(2027, 1, 15), date(2027, 6, 30)),
        ("2027-01-15 - 2027-06-30", date(2027, 1, 15), date(2027, 6, 30)),
        ("2027", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027-2028", date(2027, 1, 1), date(2028, 12, 31)),
        ("from 2027-03 until 2028-02", date(2027, 3, 1), date(2028, 2, 29)),
        ("du 2027-01 au 2027-12", date(2027, 1, 1), date(2027, 12, 31)),
        ("de 2027-01 a 2027-12", date(2027, 1, 1), date(2027, 12, 31)),
        ("de 2027-01 à 2027-06", date(2027, 1, 1), date(2027, 6, 30)),
        ("desde 2027-04 hasta 2027-09", date(2027, 4, 1), date(2027, 9, 30)),
        ("2027-02", date(2027, 2, 1), date(2027, 2, 28)),
        ("2027-06-30", date(2027, 6, 30), date(2027, 6, 30)),
    ],
)
def test_period(text: str, start: date, end: date) -> None:
    assert period(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2028 to 2027", "start_after_end"),
        ("2027-12 to 2027-01", "start_after_end"),
        ("2027-13", "invalid"),
        ("2027-02-30", "invalid"),
        ("next year", "invalid"),
        ("2027, 2028, 2029", "invalid"),
        ("2027-01 to soon", "invalid"),
        ("", "invalid"),
    ],
)
def test_period_rejects(text: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        period(text)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  Côte  d’Ivoire. ", "cote d'ivoire"),
        ("Mise en Œuvre", "mise en oeuvre"),
        ("R&D", "r and d"),
        ("art4.survey.technical", "art4surveytechnical"),
        ("technical_expertise", "technical expertise"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "found", "unknown"),
    [
        ("Korea, Republic of; Lebanon", ["KOR", "LBN"], []),
        ("Bosnia and Herzegovina", ["BIH"], []),
        ("Lebanon and Iraq", ["LBN", "IRQ"], []),
        ("Liban et Narnia", ["LBN"], ["Narnia"]),
        ("- Chad\n- Lao PDR\n", ["TCD", "LAO"], []),
        ("Lao PDR/Cambodia", ["LAO", "KHM"], []),
        ("Iraq (Federal), Lebanon", ["IRQ", "LBN"], []),
        ("Lao PDR (Savannakhet, Attapeu); Cambodia", ["LAO", "KHM"], []),
        ("the south (Lebanon)", ["LBN"], []),
        ("Narnia (fictional)", [], ["Narnia"]),
        ("Chad (N'Djamena", [], ["Chad (N'Djamena"]),  # an unclosed bracket is not guessed at
    ],
)
def test_resolve_list(text: str, found: list[str], unknown: list[str]) -> None:
    assert resolve_list(text, country) == (found, unknown)
