"""A template without a Type line takes its kind from what the subject and the note above it say
of one kind only; when they say nothing, or both, the writer is asked."""

from __future__ import annotations

import pytest

from bot.parsing.parser import parse_submission

BODY = "Title: Survey\nCountry: Chad\nAreas: clearance\nAssistance: training\nDescription: d\n"
CORPS = (
    "Titre : Enquête\nPays : Tchad\nDomaines : dépollution\nAssistance : formation\n"
    "Description : d\n"
)
CUERPO = "Título: Estudio\nPaís: Chad\nÁreas: limpieza\nAsistencia: capacitación\nDescripción: d\n"


@pytest.mark.parametrize(
    ("subject", "text", "kind"),
    [
        ("Request for victim assistance support", BODY, "need"),
        ("RE: template", "Dear colleagues, we can provide the following.\n\n" + BODY, "offer"),
        ("Demande d'appui pour la dépollution", CORPS, "need"),
        ("TR: formation", "Bonjour,\nNous proposons ce qui suit.\n" + CORPS, "offer"),
        ("Solicitud de apoyo – Cauca", CUERPO, "need"),
        ("RV: cursos", "Buenos días: ofrecemos lo siguiente.\n" + CUERPO, "offer"),
        ("Oferta de cursos", CUERPO, "offer"),
    ],
)
def test_the_kind_is_read_from_the_subject_and_the_note(subject: str, text: str, kind: str) -> None:
    result = parse_submission(text, subject)
    assert result.submission.kind == kind
    assert [p for p in result.problems if p.field == "type"] == []


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Clearance in the north", BODY),  # nothing says which
        ("Our needs and our offer", BODY),  # kind words alone say nothing
        ("Request for the offer we can provide", BODY),  # both
        ("Survey", "Title: Survey\nDescription: we need teams and we can provide trainers\n"),
    ],
)
def test_otherwise_the_writer_is_asked(subject: str, text: str) -> None:
    result = parse_submission(text, subject)
    assert result.submission.kind is None
    assert [(p.field, p.code) for p in result.problems if p.field == "type"] == [
        ("type", "missing")
    ]
