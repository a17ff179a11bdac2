"""List values as people write them: the sector's abbreviations, wordings, countries, languages."""

import pytest

from bot.parsing.fields import Vocabulary, language, read_list
from bot.parsing.parser import parse_submission
from bot.parsing.places import means_any, place

VOCAB = Vocabulary.load()
VA = (
    "art5.data_needs_assessment",
    "art5.medical_care",
    "art5.rehabilitation",
    "art5.psychosocial_support",
    "art5.socio_economic_inclusion",
    "art5.laws_policies_coordination",
)
SD = ("art3.stockpile_destruction.planning", "art3.stockpile_destruction.operations")


def areas(text: str) -> tuple[tuple[str, ...], list[str]]:
    found, unknown = read_list(text, VOCAB.area)
    return tuple(dict.fromkeys(code for codes in found for code in codes)), unknown


def forms(text: str) -> tuple[tuple[str, ...], list[str]]:
    found, unknown = read_list(text, VOCAB.assistance)
    return tuple(dict.fromkeys(code for codes in found for code in codes)), unknown


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # clearance
        ("BAC", ("art4.clearance",)),
        ("EOD", ("art4.clearance",)),
        ("ERW clearance", ("art4.clearance",)),
        ("dépollution des REG", ("art4.clearance",)),
        ("limpieza de submuniciones", ("art4.clearance",)),
        ("despeje de áreas de batalla", ("art4.clearance",)),
        # survey
        ("NTS", ("art4.survey.non_technical",)),
        ("ENT", ("art4.survey.non_technical",)),
        ("estudio no técnico (ENT)", ("art4.survey.non_technical",)),
        ("TS", ("art4.survey.technical",)),
        ("ET", ("art4.survey.technical",)),
        ("RT", ("art4.survey.technical",)),
        (
            "technical and non-technical survey",
            ("art4.survey.technical", "art4.survey.non_technical"),
        ),
        (
            "enquête technique et non technique",
            ("art4.survey.technical", "art4.survey.non_technical"),
        ),
        ("estudio técnico y no técnico", ("art4.survey.technical", "art4.survey.non_technical")),
        # risk education
        ("RE", ("art4.risk_reduction_education",)),
        ("EORE", ("art4.risk_reduction_education",)),
        ("ERE", ("art4.risk_reduction_education",)),
        ("ERAEM", ("art4.risk_reduction_education",)),
        ("ERM", ("art4.risk_reduction_education",)),
        ("MRE", ("art4.risk_reduction_education",)),
        ("éducation aux risques des mines", ("art4.risk_reduction_education",)),
        ("educación en el riesgo de minas", ("art4.risk_reduction_education",)),
        # victim assistance: the group, and one of its areas after a prefix
        ("VA", VA),
        ("AV", VA),
        ("assistance aux victimes", VA),
        ("VA - rehabilitation", ("art5.rehabilitation",)),
        ("VA: medical care", ("art5.medical_care",)),
        ("AV – apoyo psicosocial", ("art5.psychosocial_support",)),
        ("AV — réadaptation", ("art5.rehabilitation",)),
        ("victim assistance (VA) – socio-economic inclusion", ("art5.socio_economic_inclusion",)),
        (
            "assistance aux victimes (réadaptation, soutien psychosocial)",
            (
                "art5.rehabilitation",
                "art5.psychosocial_support",
            ),
        ),
        ("asistencia a víctimas – inclusión socioeconómica", ("art5.socio_economic_inclusion",)),
        # stockpile destruction, information and quality management
        ("SD", SD),
        ("DS", SD),
        ("IM", ("cross.information_management",)),
        ("GI", ("cross.information_management",)),
        ("gestión de información", ("cross.information_management",)),
        ("QM", ("cross.quality_management",)),
        ("QA/QC", ("cross.quality_management",)),
        ("GQ", ("cross.quality_management",)),
        ("AQ", ("cross.quality_management",)),
        # national capacity in three languages
        ("national capacity building", ("cross.national_capacity",)),
        ("renforcement des capacités nationales", ("cross.national_capacity",)),
        ("fortalecimiento de capacidades nacionales", ("cross.national_capacity",)),
        # a qualifier after known words
        ("clearance of the northern districts", ("art4.clearance",)),
        ("dépollution du secteur nord", ("art4.clearance",)),
        ("limpieza en la región de Arica", ("art4.clearance",)),
    ],
)
def test_areas_abbreviations_and_wordings(text: str, codes: tuple[str, ...]) -> None:
    assert areas(text) == (codes, [])


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("technical experts", ("technical_expertise",)),
        ("experts techniques", ("technical_expertise",)),
        ("expertos técnicos", ("technical_expertise",)),
        ("deployment of experts", ("personnel_secondment",)),
        ("détachement d'experts", ("personnel_secondment",)),
        ("adscripción de monitores", ("personnel_secondment",)),
        ("adscripción de expertos", ("personnel_secondment",)),
        ("adscripción de un experto de la cancillería", ("personnel_secondment",)),
        ("in-kind equipment", ("material_equipment",)),
        ("équipement en nature", ("material_equipment",)),
        ("equipo informático", ("material_equipment",)),
        ("equipo (en especie) o financiera", ("material_equipment", "financial")),
        ("contribution au fonds d'affectation spéciale", ("trust_fund_contribution",)),
        ("contribución al fondo fiduciario", ("trust_fund_contribution",)),
        ("training for national staff and EOD technicians", ("training_capacity_development",)),
        ("formation de formateurs", ("training_capacity_development",)),
        ("capacitaciones", ("training_capacity_development",)),
        ("knowledge sharing", ("best_practice_exchange",)),
        ("partage d'expériences", ("best_practice_exchange",)),
        ("intercambio de conocimientos", ("best_practice_exchange",)),
        ("technical expertise – survey advisers", ("technical_expertise",)),
        ("financial (grant, multi-year)", ("financial",)),
        ("asesoría técnica y financiera", ("technical_expertise", "financial")),
    ],
)
def test_forms_of_assistance_wordings(text: str, codes: tuple[str, ...]) -> None:
    assert forms(text) == (codes, [])


def test_a_group_prefix_whose_qualifier_names_no_member_is_the_group() -> None:
    assert areas("VA – knitting") == (VA, [])


@pytest.mark.parametrize(
    "text",
    [
        "any",
        "all",
        "any affected State Party",
        "all affected States Parties",
        "any State Party with remaining clearance obligations",
        "tous les États touchés parties à la Convention",
        "tout État partie qui en fait la demande",
        "tous les pays",
        "cualquier Estado interesado",
        "cualquier Estado Parte que lo solicite",
        "abierto a todos los Estados Parte afectados",
        "todos los países",
    ],
)
def test_phrases_that_mean_any_country(text: str) -> None:
    result = parse_submission(
        f"Type: offer\nTitle: t\nCountry: {text}\nAreas: clearance\nAssistance: financial\n"
        "Description: d\n"
    )
    assert (result.submission.countries, result.problems) == (("any",), ())


@pytest.mark.parametrize(
    "text", ["Affected States", "Party congress", "Lebanon", "the whole of the south"]
)
def test_phrases_without_both_any_and_a_state_mean_no_country(text: str) -> None:
    assert means_any(text) is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("West and Central Africa", ("region:011", "region:017")),
        ("Afrique de l'Ouest et centrale", ("region:011", "region:017")),
        ("África occidental y central", ("region:011", "region:017")),
        ("Asie du Sud et du Sud-Est", ("region:034", "region:035")),
        ("América Central y del Sur", ("region:013", "region:005")),
        ("Iraq (Federal), Lebanon (South)", ("IRQ", "LBN")),
    ],
)
def test_regions_that_share_a_head_and_countries_with_qualifiers(
    text: str, expected: tuple[str, ...]
) -> None:
    result = parse_submission(
        f"Type: offer\nTitle: t\nCountry: {text}\nAreas: clearance\nAssistance: financial\n"
        "Description: d\n"
    )
    assert (result.submission.countries, result.problems) == (expected, ())


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Dari", "prs"),
        ("dari", "prs"),
        ("Pashto", "ps"),
        ("pachto", "ps"),
        ("pastún", "ps"),
        ("Tetum", "tet"),
        ("tétoum", "tet"),
        ("Nasa Yuwe", "pbb"),
        ("Quechua", "qu"),
        ("quechua", "qu"),
        ("Wayuunaiki", "guc"),
        ("wayuu", "guc"),
        ("arabe tchadien", "shu"),
        ("Chadian Arabic", "shu"),
        ("Hassaniya", "mey"),
        ("Emberá", "emp"),
        ("ES", "es"),
        ("fra", "fr"),
        ("amharique", "am"),
        ("amárico", "am"),
    ],
)
def test_any_real_language_by_its_name_in_three_languages_or_its_code(name: str, code: str) -> None:
    assert language(name) == code


@pytest.mark.parametrize("word", ["Elvish", "TBD", "and", "the"])
def test_words_that_are_no_language(word: str) -> None:
    assert language(word) is None


@pytest.mark.parametrize(
    ("text", "expected", "unknown"),
    [
        ("Lao PDR – Savannakhet province; Iraq - Federal Iraq", ("LAO", "IRQ"), []),
        ("Liban : Sud; Tchad – Borkou", ("LBN", "TCD"), []),
        ("Perú – región de Puno, Colombia", ("PER", "COL"), []),
        ("any State Party, Lebanon", ("any", "LBN"), []),
        ("Narnia – North", (), ["Narnia – North"]),
    ],
)
def test_a_country_and_the_part_of_it_that_is_meant(
    text: str, expected: tuple[str, ...], unknown: list[str]
) -> None:
    found, missing = read_list(text, place(VOCAB))
    assert (tuple(found), missing) == (expected, unknown)


@pytest.mark.parametrize(
    "text",
    [
        "clearance – northern districts, risk education",
        "dépollution : zone nord ; ERM",
        "limpieza – zona norte, ERM",
    ],
)
def test_a_qualified_item_does_not_swallow_the_next_one(text: str) -> None:
    assert areas(text) == (("art4.clearance", "art4.risk_reduction_education"), [])


@pytest.mark.parametrize(
    "text",
    [
        "clearance, risk education, etc.",
        "clearance and risk education among others",
        "dépollution, ERM, etc",
        "dépollution, ERM et autres",
        "limpieza, ERM, entre otros",
        "limpieza y ERM, etcétera",
    ],
)
def test_what_pads_a_list_is_no_item(text: str) -> None:
    assert areas(text) == (("art4.clearance", "art4.risk_reduction_education"), [])


@pytest.mark.parametrize(
    "text",
    [
        "clearance • risk education",
        "dépollution · ERM",
        "limpieza ▪ ERM",
        "clearance; risk education",
        "clearance / risk education",
        "dépollution et ERM",
        "limpieza y ERM",
        "clearance\n- risk education",
    ],
)
def test_a_list_splits_at_separators_conjunctions_slashes_and_bullets(text: str) -> None:
    assert areas(text) == (("art4.clearance", "art4.risk_reduction_education"), [])
