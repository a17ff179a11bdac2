"""Areas and forms of assistance worded otherwise than the vocabulary: function words, endings,
abbreviations, a group and a qualifier, and values that fit several terms (en/fr/es)."""

import pytest

from bot.parsing.fields import Vocabulary, read_list
from bot.parsing.parser import Problem, parse_submission

VOCAB = Vocabulary.load()
AREA_LABELS = tuple(VOCAB.area_label(code) for code in VOCAB.area_codes)
VA = (
    "art5.data_needs_assessment",
    "art5.medical_care",
    "art5.rehabilitation",
    "art5.psychosocial_support",
    "art5.socio_economic_inclusion",
    "art5.laws_policies_coordination",
)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # other function words and endings than the vocabulary's
        ("reporting on retained munitions", ("art3.retention_reporting",)),
        ("déclaration de munitions conservées", ("art3.retention_reporting",)),
        ("informes sobre las municiones retenidas", ("art3.retention_reporting",)),
        ("rehabilitation of victims", ("art5.rehabilitation",)),
        ("enquêtes non techniques", ("art4.survey.non_technical",)),
        # an abbreviation inside a value is its long form
        ("VA policy", ("art5.laws_policies_coordination",)),
        ("politiques d'AV", ("art5.laws_policies_coordination",)),
        ("políticas de AV", ("art5.laws_policies_coordination",)),
        ("VA coordinator", ("art5.laws_policies_coordination",)),
        ("IM system", ("cross.information_management",)),
        # every content word in the terms of one area only
        ("clearance of cluster munitions", ("art4.clearance",)),
        ("dépollution de restes d'armes", ("art4.clearance",)),
        ("remoción de restos de municiones", ("art4.clearance",)),
        # community liaison is risk education work in mine action (IMAS 12.10)
        ("community liaison", ("art4.risk_reduction_education",)),
        ("liaison communautaire", ("art4.risk_reduction_education",)),
        ("enlace comunitario", ("art4.risk_reduction_education",)),
    ],
)
def test_an_area_worded_otherwise(text: str, codes: tuple[str, ...]) -> None:
    assert VOCAB.area(text) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("equipos informáticos", ("material_equipment",)),
        ("equipamiento informático", ("material_equipment",)),
        ("training of the trainers", ("training_capacity_development",)),
        ("formations de formateurs", ("training_capacity_development",)),
        ("formación de los formadores", ("training_capacity_development",)),
        ("contacts of experts", ("expert_roster_contacts",)),
        ("fichiers d'experts", ("expert_roster_contacts",)),
        ("contactos de los expertos", ("expert_roster_contacts",)),
    ],
)
def test_a_form_of_assistance_worded_otherwise(text: str, codes: tuple[str, ...]) -> None:
    assert VOCAB.assistance(text) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("VA – prosthetics workshop", ("art5.rehabilitation",)),
        ("AV : prothèses et orthèses", ("art5.rehabilitation",)),
        ("AV – salud mental comunitaria", ("art5.psychosocial_support",)),
        (
            "victim assistance - school inclusion of child survivors",
            ("art5.socio_economic_inclusion",),
        ),
        ("AV - données", ("art5.data_needs_assessment",)),
        ("survey – technical", ("art4.survey.technical",)),
        ("enquête : non technique", ("art4.survey.non_technical",)),
        ("estudio – técnico", ("art4.survey.technical",)),
        ("VA – everything else", VA),
        ("aide aux victimes : divers", VA),
        ("asistencia a víctimas – varios", VA),
    ],
)
def test_a_group_and_a_qualifier_is_the_member_it_points_to_else_the_group(
    text: str, codes: tuple[str, ...]
) -> None:
    assert VOCAB.area(text) == codes


@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("data", ("victim data", "data management")),
        ("données", ("collecte de données", "base de données")),
        ("datos", ("datos sobre víctimas", "base de datos")),
        ("education", ("risk education", "inclusive education")),
        ("educación", ("educación en el riesgo", "educación inclusiva")),
    ],
)
def test_a_word_that_fits_several_areas_is_a_did_you_mean_with_them(
    text: str, fits: tuple[str, ...]
) -> None:
    result = parse_submission(
        f"Type: offer\nTitle: t\nCountry: any\nAreas: {text}\nAssistance: financial\n"
        "Description: d\n"
    )
    assert result.problems == (Problem("areas", "unknown_value", text, AREA_LABELS, fits),)
    assert VOCAB.area(text) is None


@pytest.mark.parametrize(
    "text",
    ["technical and non-technical survey", "enquête technique et non technique"],
)
def test_two_items_joined_are_never_read_as_one_term(text: str) -> None:
    assert VOCAB.area_terms is not None
    assert VOCAB.area_terms.find(text) is None
    assert VOCAB.area(text) is None  # the list reader splits it: both surveys


def test_community_liaison_in_a_whole_message() -> None:
    result = parse_submission(
        "Type: need\nTitle: t\nCountry: Somalia\n"
        "Areas: community liaison, marking\nAssistance: expert contacts, equipos informáticos\n"
        "Description: d\n"
    )
    assert result.problems == ()
    assert result.submission.areas == (
        "art4.risk_reduction_education",
        "art4.marking_protection",
    )
    assert result.submission.assistance == ("expert_roster_contacts", "material_equipment")


@pytest.mark.parametrize(
    ("field", "text", "codes"),
    [
        ("areas", "MHPSS", ("art5.psychosocial_support",)),
        ("areas", "santé mentale et soutien psychosocial", ("art5.psychosocial_support",)),
        ("areas", "SMAPS", ("art5.psychosocial_support",)),
        ("areas", "national disability plan", ("art5.laws_policies_coordination",)),
        ("areas", "plan national handicap", ("art5.laws_policies_coordination",)),
        ("areas", "plan nacional de discapacidad", ("art5.laws_policies_coordination",)),
        ("areas", "landmine impact survey", ("art4.survey.non_technical",)),
        ("areas", "enquête communautaire", ("art4.survey.non_technical",)),
        ("areas", "estudio de impacto", ("art4.survey.non_technical",)),
        ("areas", "awareness campaigns", ("art4.risk_reduction_education",)),
        ("areas", "campagnes de sensibilisation", ("art4.risk_reduction_education",)),
        ("areas", "campañas de sensibilización", ("art4.risk_reduction_education",)),
        ("areas", "environmental impact assessment", ("cross.environment",)),
        ("areas", "étude d'impact environnemental", ("cross.environment",)),
        ("areas", "evaluación de impacto ambiental", ("cross.environment",)),
        ("assistance", "personal protective equipment", ("material_equipment",)),
        ("assistance", "machines de déminage", ("material_equipment",)),
        ("assistance", "máquinas de desminado", ("material_equipment",)),
        ("assistance", "peer-to-peer exchange", ("best_practice_exchange",)),
        ("assistance", "échanges entre pairs", ("best_practice_exchange",)),
        ("assistance", "intercambio entre pares", ("best_practice_exchange",)),
    ],
)
def test_the_sector_s_usual_wordings_in_three_languages(
    field: str, text: str, codes: tuple[str, ...]
) -> None:
    find = VOCAB.area if field == "areas" else VOCAB.assistance
    assert find(text) == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("policies and coordination", ("art5.laws_policies_coordination",)),
        ("politiques et coordination (CDPH)", ("art5.laws_policies_coordination",)),
        ("políticas y coordinación", ("art5.laws_policies_coordination",)),
        ("data & needs assessments", ("art5.data_needs_assessment",)),
        ("déminage humanitair", ("art4.clearance",)),  # one letter short: the same stem
    ],
)
def test_a_member_named_without_its_group_and_words_with_another_ending(
    text: str, codes: tuple[str, ...]
) -> None:
    found, unknown = read_list(text, VOCAB.area)
    assert (tuple(c for cs in found for c in cs), unknown) == (codes, [])
