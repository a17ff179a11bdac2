"""Half prose, half template: the writer's prose is the description, and says the kind."""

import pytest

from bot.parsing.own_words import writers_text
from bot.parsing.parser import Problem, parse_submission
from bot.parsing.template import outside_fields

EN_NOTE_ABOVE = """\
Dear ISU team,

Our centre in Kampot trains deminers from the whole region every dry season. We can offer
places on the 2027 courses to any affected State, instructors and manuals included.

Title: EOD level 1-3 courses in Kampot
Country: any
Areas: clearance
Assistance: training

Kind regards,
Sok Dara
Training Manager
"""

FR_NOTE_BELOW = """\
Bonjour,

Type : besoin
Titre : Prothèses pour les survivants de la région de Kidal
Domaines : réadaptation
Assistance : équipement

Le centre orthopédique de Gao ne reçoit plus de composants depuis 2025 et les listes
d'attente dépassent désormais deux cents personnes.

Bien cordialement,
Aminata Traoré
"""

ES_NOTE_BOTH = """\
Buenos días:

Desde la Dirección queremos mejorar la gestión de datos de víctimas en los tres departamentos.

Tipo: necesidad
Título: Base de datos de sobrevivientes
Áreas: asistencia a víctimas - datos
Asistencia: asesoramiento técnico

Se trabajaría con las secretarías de salud departamentales durante todo el año.

Un cordial saludo,
Ana Pérez
"""


def test_prose_above_the_fields_is_the_description_less_greeting_and_closing() -> None:
    result = parse_submission(EN_NOTE_ABOVE, "Courses 2027")
    assert result.problems == ()
    assert result.submission.description == (
        "Our centre in Kampot trains deminers from the whole region every dry season. We can"
        " offer\nplaces on the 2027 courses to any affected State, instructors and manuals"
        " included."
    )
    assert result.submission.kind == "offer"  # "we can offer", in the prose


def test_prose_below_the_fields_is_the_description() -> None:
    result = parse_submission(FR_NOTE_BELOW)
    assert result.problems == ()
    assert result.submission.description == (
        "Le centre orthopédique de Gao ne reçoit plus de composants depuis 2025 et les listes\n"
        "d'attente dépassent désormais deux cents personnes."
    )


def test_prose_above_and_below_are_one_description_one_blank_line_apart() -> None:
    result = parse_submission(ES_NOTE_BOTH)
    assert result.submission.description == (
        "Desde la Dirección queremos mejorar la gestión de datos de víctimas en los tres"
        " departamentos.\n\n"
        "Se trabajaría con las secretarías de salud departamentales durante todo el año."
    )
    assert [p for p in result.problems if p.field == "description"] == []


def test_a_template_without_prose_nor_description_is_described_by_its_title() -> None:
    text = "Hello,\n\nType: need\nTitle: Two technical survey teams\nCountry: Laos\n"
    text += "Areas: technical survey\nAssistance: financial\n\nThanks,\nBounmy\n"
    result = parse_submission(text)
    assert result.problems == ()
    assert result.submission.description == "Two technical survey teams"


def test_a_short_note_is_no_description() -> None:
    text = "Please see below.\n\nType: offre\nTitre : Formation NEDEX\nPays : Bénin\n"
    text += "Domaines : dépollution\nAssistance : formation\n"
    assert parse_submission(text).submission.description == "Formation NEDEX"


def test_a_few_labelled_lines_in_prose_are_no_template_to_describe() -> None:
    text = "We would need help with marking next year.\nTitle: Marking\nAmount: 20000 USD\n"
    result = parse_submission(text, "NEED")
    assert result.submission.description is None
    assert Problem("description", "missing") in result.problems


@pytest.mark.parametrize(
    "description",
    [
        "Description:\nTeams lack detectors.\nThey need four more.",
        "DESCRIPTION\nTeams lack detectors.\nThey need four more.",
        "Descripción del proyecto:\nTeams lack detectors.\nThey need four more.",
        "Description :\nTeams lack detectors.\nThey need four more.",
    ],
)
def test_a_description_field_wins_over_the_prose(description: str) -> None:
    text = "Dear all, some words on our situation before the template itself.\n\n"
    text += "Type: need\nTitle: Detectors\nCountry: Chad\nAreas: clearance\n"
    text += f"Assistance: equipment\n{description}\n"
    result = parse_submission(text)
    assert result.problems == ()
    assert result.submission.description == "Teams lack detectors.\nThey need four more."


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("We can provide two trainers for the whole of 2027 at no cost to the State.", "offer"),
        ("Nous proposons deux formateurs pour l'année 2027, sans frais pour l'État.", "offer"),
        ("Ofrecemos dos formadores durante todo 2027, sin costo para el Estado.", "offer"),
        ("We are looking for two trainers for the whole of 2027 for our national centre.", "need"),
        ("Nous souhaiterions être accompagnés par deux formateurs pendant l'année 2027.", "need"),
        ("Necesitamos dos formadores durante todo 2027 para el centro nacional.", "need"),
    ],
)
def test_the_kind_said_in_prose_below_the_fields(note: str, kind: str) -> None:
    text = f"Title: Trainers\nCountry: Chad\nAreas: clearance\nAssistance: training\n\n{note}\n"
    result = parse_submission(text, "Trainers 2027")
    assert result.submission.kind == kind
    assert result.problems == ()


def test_a_descriptions_text_says_no_kind() -> None:
    text = "We can offer wheelchairs to survivors' associations.\n\n"
    text += "Title: Wheelchairs\nCountry: any\nAreas: rehabilitation\nAssistance: equipment\n"
    text += "Description: The survivors need light chairs for sandy ground; we need none.\n"
    result = parse_submission(text, "Wheelchairs")
    assert result.submission.kind == "offer"
    assert result.problems == ()


def test_both_kinds_said_in_prose_are_asked() -> None:
    text = "We need two trainers, and we can offer a classroom in return for them.\n\n"
    text += "Title: Trainers\nCountry: Chad\nAreas: clearance\nAssistance: training\n"
    result = parse_submission(text, "Trainers")
    assert result.submission.kind is None
    assert result.problems == (Problem("type", "missing", "", ("need", "offer")),)


def test_the_requesting_state_is_no_request() -> None:
    text = "Our instructors can provide mobile training teams in the requesting country.\n\n"
    text += "Title: Mobile teams\nCountry: any\nAreas: clearance\nAssistance: training\n"
    assert parse_submission(text, "Mobile teams").submission.kind == "offer"


def test_outside_fields_keeps_the_lines_of_no_field() -> None:
    text = "Hi,\nTitle: X\nvalue goes on\n\nFocal point: Ana\nFrom: a@b.org\nSent: today\n\nBye"
    assert outside_fields(text) == "Hi,\n\nFocal point: Ana\n\nBye"


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Hi,\n\nWe fund survey.\n\nPlease do not hesitate to contact me.\nJo", "We fund survey."),
        ("Bonjour,\nNous finançons.\nN'hésitez pas à me contacter.\nJo", "Nous finançons."),
        ("Buen día,\nFinanciamos.\n\nNo dude en escribirme.\nJo", "Financiamos."),
    ],
)
def test_offers_to_answer_questions_close_the_writers_text(text: str, own: str) -> None:
    assert writers_text(text) == own


@pytest.mark.parametrize(
    ("note", "closing"),
    [
        (
            "We need two survey teams for the southern districts next year.",
            "I remain available to answer any question you may have.",
        ),
        (
            "Nous avons besoin de deux équipes d'enquête pour le sud l'an prochain.",
            "Je reste disponible pour toute question et pourrais offrir plus de détails.",
        ),
        (
            "Necesitamos dos equipos de estudio para el sur el próximo año.",
            "Quedo disponible para cualquier consulta; podemos ofrecer más detalles.",
        ),
    ],
)
def test_an_offer_to_answer_questions_says_no_kind(note: str, closing: str) -> None:
    text = f"{note}\n\nTitle: Survey\nCountry: Chad\nAreas: technical survey\n"
    text += f"Assistance: financial\n\n{closing}\nAna\n"
    result = parse_submission(text, "Survey teams")
    assert result.submission.kind == "need"
    assert result.submission.description == note


@pytest.mark.parametrize(
    ("note", "kind_word"),
    [
        ("Maria, here's the text for the portal as cleared by our front office.", "Type: offer"),
        ("Vous trouverez ci-dessous notre besoin pour l'année prochaine.", "Type : besoin"),
        ("Les envío a continuación la plantilla con nuestra necesidad.", "Tipo: necesidad"),
    ],
)
def test_a_note_about_the_message_is_no_description(note: str, kind_word: str) -> None:
    reason = "Two teams have worked without detectors for a year and the work is now stalled."
    text = f"{note}\n\n{reason}\n\n{kind_word}\nTitle: Detectors\nCountry: Chad\n"
    text += "Areas: clearance\nAssistance: equipment\n"
    assert parse_submission(text).submission.description == reason
    only_the_note = text.replace(f"{reason}\n\n", "")
    assert parse_submission(only_the_note).submission.description == "Detectors"


def test_a_long_paragraph_that_mentions_the_portal_is_kept() -> None:
    long = (
        "The teams trained last year are ready, and as explained in the template below the "
        "province still has forty suspected hazardous areas, most of them near schools and "
        "markets, which the national authority wants surveyed before the rains."
    )
    text = f"{long}\n\nType: need\nTitle: Survey\nCountry: Chad\nAreas: technical survey\n"
    text += "Assistance: financial\n"
    assert parse_submission(text).submission.description == long


def test_a_description_label_in_word_html_is_read() -> None:
    from bot.channels.email.html import html_to_text  # the mail as Word's HTML gives it

    markup = (
        "<p class=MsoNormal><b>Type</b>&nbsp;: besoin</p>"
        "<p class=MsoNormal><b><span style='font-size:11pt'>Titre&nbsp;:</span></b> Détecteurs</p>"
        "<p class=MsoNormal><b>Pays</b>&nbsp;: Tchad</p>"
        "<p class=MsoNormal><b>Domaines&nbsp;:</b> dépollution</p>"
        "<p class=MsoNormal><b>Assistance&nbsp;:</b> équipement</p>"
        "<p class=MsoNormal><b>Description&nbsp;:</b><o:p></o:p></p>"
        "<p class=MsoNormal>Les équipes manquent de détecteurs.<o:p></o:p></p>"
        "<p class=MsoNormal>Deuxième paragraphe.<o:p></o:p></p>"
    )
    result = parse_submission(html_to_text(markup))
    assert result.problems == ()
    assert result.submission.description == (
        "Les équipes manquent de détecteurs.\n\nDeuxième paragraphe."
    )
