""" "Did you mean …?": the closest known values for a value we do not know, in en/fr/es replies."""

from types import SimpleNamespace

import pytest

from bot.parsing.fields import Vocabulary
from bot.parsing.parser import Problem, parse_submission
from bot.parsing.suggestions import Choices
from bot.render import render_text

VOCAB = Vocabulary.load()
AREA_LABELS = tuple(VOCAB.area_label(code) for code in VOCAB.area_codes)
FORM_LABELS = tuple(VOCAB.assistance_label(code) for code in VOCAB.assistance_codes)


def problems(**fields: str) -> tuple[Problem, ...]:
    sent = {
        "type": "offer",
        "title": "t",
        "country": "any",
        "areas": "clearance",
        "assistance": "financial",
        "description": "d",
        **fields,
    }
    return parse_submission("\n".join(f"{k}: {v}" for k, v in sent.items())).problems


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        ("areas", "desminado humanitaro", "art4.clearance"),
        ("areas", "rehabilitacion fisca", "art5.rehabilitation"),
        ("assistance", "financement bilatéral", "financial"),
        ("assistance", "matériel orthopédique", "material_equipment"),
        ("assistance", "orthopaedic equipment", "material_equipment"),
    ],
)
def test_a_known_head_word_with_an_unknown_qualifier_is_that_value(
    field: str, typed: str, code: str
) -> None:
    assert [p for p in problems(**{field: typed}) if p.field == field] == []
    text = "Type: offer\nTitle: t\nCountry: any\nAreas: clearance\nAssistance: training\n"
    result = parse_submission(text + f"{field}: {typed}\nDescription: d\n")
    found = result.submission.areas if field == "areas" else result.submission.assistance
    assert code in found


def test_two_ends_that_name_different_values_are_asked() -> None:
    (problem,) = [p for p in problems(assistance="technical training") if p.field == "assistance"]
    assert problem.code == "unknown_value"


@pytest.mark.parametrize(
    ("field", "typed", "allowed", "suggested"),
    [
        ("areas", "clearence", AREA_LABELS, ("clearance",)),
        ("areas", "desminnado humanitario", AREA_LABELS, ("desminado humanitario",)),
        ("areas", "déminnage", AREA_LABELS, ("déminage",)),
        ("areas", "rehabilitasion fisica", AREA_LABELS, ("rehabilitación física",)),
        ("areas", "knitting", AREA_LABELS, ()),
        ("assistance", "traning", FORM_LABELS, ("training",)),
        ("assistance", "finacement bilatéral", FORM_LABELS, ()),
        ("country", "Lebanonn", (), ("Lebanon",)),
        ("country", "Colmbia", (), ("Colombia",)),
        ("country", "Narnia", (), ()),
    ],
)
def test_an_unknown_value_gets_the_closest_known_ones(
    field: str, typed: str, allowed: tuple[str, ...], suggested: tuple[str, ...]
) -> None:
    assert problems(**{field: typed}) == (
        Problem(field, "unknown_value", typed, allowed, suggested),
    )


def test_suggestions_are_one_per_value_best_first_and_at_most_three() -> None:
    choices = Choices.of(
        [("technical survey", "ts"), ("technical surveys", "ts"), ("non-technical survey", "nts")]
        + [("rehabilitation", "r"), ("rehabilitación", "r-es")]
        + [(f"survey {n}", f"s{n}") for n in range(9)]
    )
    assert choices.closest("techncal survey") == ("technical survey",)  # 97; the next is 86
    assert choices.closest("rehabilitacio") == ("rehabilitación", "rehabilitation")  # 96, 89
    assert choices.closest("survey") == ("survey 0", "survey 1", "survey 2")


AREA_TYPO = Problem("areas", "unknown_value", "clearence", AREA_LABELS, ("clearance",))
TWO = Problem("areas", "unknown_value", "techncal survey", AREA_LABELS, ("technical survey", "NTS"))
THREE = Problem("languages", "unknown_value", "Arabc", (), ("Arabic", "arabe", "árabe"))
NOTHING_CLOSE = Problem("assistance", "unknown_value", "hugs", ("financial", "training"))
COUNTRY = Problem("country", "unknown_value", "Lebanonn", (), ("Lebanon",))


EN_FR_ES = {
    "typo": (
        '- Areas: we do not know "clearence"; did you mean "clearance"?',
        "- Domaines : nous ne connaissons pas « clearence » ; vouliez-vous dire « clearance » ?",
        "- Áreas: no reconocemos «clearence»; ¿quiso decir «clearance»?",
    ),
    "two": (
        '- Areas: we do not know "techncal survey"; did you mean "technical survey" or "NTS"?',
        "- Domaines : nous ne connaissons pas « techncal survey » ;"
        " vouliez-vous dire « technical survey » ou « NTS » ?",
        "- Áreas: no reconocemos «techncal survey»; ¿quiso decir «technical survey» o «NTS»?",
    ),
    "three": (
        '- Languages: "Arabc" is not a language we know;'
        ' did you mean "Arabic", "arabe" or "árabe"?',
        "- Langues : « Arabc » n'est pas une langue que nous connaissons ;"
        " vouliez-vous dire « Arabic », « arabe » ou « árabe » ?",
        "- Idiomas: «Arabc» no es un idioma que conozcamos;"
        " ¿quiso decir «Arabic», «arabe» o «árabe»?",
    ),
    "nothing close": (
        '- Assistance: we do not know "hugs". Allowed values: financial, training.',
        "- Assistance : nous ne connaissons pas « hugs ». Valeurs admises : financial, training.",
        "- Asistencia: no reconocemos «hugs». Valores admitidos: financial, training.",
    ),
    "country": (
        '- Country: we do not know "Lebanonn"; did you mean "Lebanon"?',
        "- Pays : nous ne connaissons pas « Lebanonn » ; vouliez-vous dire « Lebanon » ?",
        "- País: no reconocemos «Lebanonn»; ¿quiso decir «Lebanon»?",
    ),
}
CASES = {
    "typo": AREA_TYPO,
    "two": TWO,
    "three": THREE,
    "nothing close": NOTHING_CLOSE,
    "country": COUNTRY,
}


@pytest.mark.parametrize(
    ("lang", "problem", "line"),
    [
        (lang, CASES[case], lines[i])
        for case, lines in EN_FR_ES.items()
        for i, lang in enumerate(("en", "fr", "es"))
    ],
)
def test_did_you_mean_in_the_reply(lang: str, problem: Problem, line: str) -> None:
    text = render_text("problem.txt.j2", lang, problem=problem, secretariat_name="ISU")
    assert text == line + "\n"


@pytest.mark.parametrize(
    ("lang", "line"), [(lang, EN_FR_ES["typo"][i]) for i, lang in enumerate(("en", "fr", "es"))]
)
def test_the_parse_error_reply_says_did_you_mean_instead_of_every_allowed_value(
    lang: str, line: str
) -> None:
    (problem,) = problems(areas="clearence")
    text = render_text(
        "parse_error.txt.j2",
        lang,
        problems=[problem],
        fields={"areas": "clearence"},
        kind="offer",
        subject="OFFER",
        public_id="",
        bot_name="Cooperation Portal",
        submit_address="submit@portal.test",
        secretariat_name="Implementation Support Unit",
        person=SimpleNamespace(name="Ana", language=lang),
    )
    assert line + "\n" in text
    assert AREA_LABELS[0] not in text


def test_when_nothing_is_close_the_allowed_values_are_grouped() -> None:
    problem = Problem("areas", "unknown_value", "knitting", AREA_LABELS)
    text = render_text("problem.txt.j2", "en", problem=problem, secretariat_name="ISU")
    assert text.startswith(
        '- Areas: we do not know "knitting". Allowed values: stockpile destruction (planning,'
        " operations), retained munitions reporting, non-technical survey,"
    )
    assert (
        "victim assistance (data and needs assessment, medical care, rehabilitation, psychosocial"
        " support, social and economic inclusion, policy and coordination), emergency assistance"
    ) in text


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_the_grouped_allowed_values_read_back_as_every_area(lang: str) -> None:
    labels = tuple(VOCAB.area_label(code, lang) for code in VOCAB.area_codes)
    problem = Problem("areas", "unknown_value", "knitting", labels)
    text = render_text("problem.txt.j2", lang, problem=problem, secretariat_name="ISU")
    allowed = text.rstrip(".\n").split(": ")[-1]
    result = parse_submission(
        f"Type: offer\nTitle: t\nCountry: any\nAreas: {allowed}\nAssistance: grant\nDescription: d"
    )
    assert (result.submission.areas, result.problems) == (VOCAB.area_codes, ())


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("victim assistance (policy and coordination)", ("art5.laws_policies_coordination",)),
        ("stockpile destruction (planning)", ("art3.stockpile_destruction.planning",)),
        ("destrucción de existencias (operaciones)", ("art3.stockpile_destruction.operations",)),
        ("assistance aux victimes (réadaptation)", ("art5.rehabilitation",)),
    ],
)
def test_brackets_name_members_of_a_group(text: str, codes: tuple[str, ...]) -> None:
    result = parse_submission(
        f"Type: offer\nTitle: t\nCountry: any\nAreas: {text}\nAssistance: grant\nDescription: d"
    )
    assert (result.submission.areas, result.problems) == (codes, ())
