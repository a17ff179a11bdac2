"""French and Spanish focal points: templates, receipts and corrections in their language."""

from __future__ import annotations

import pytest

from bot.people import registry
from store.db import transaction
from store.records import list_records
from tests.flows.test_conversation import new_mail
from tests.harness import RunningPortal, email, reply

BESOIN = """Type : besoin
Titre : Éducation aux risques dans les écoles du Sud
Domaines : éducation aux risques
Assistance : formation, équipement
Montant : environ 300 000
Période : 2027-01 au 2027-12
Langues : arabe, français
Description :
Séances dans 120 écoles des cazas de Nabatieh et de Tyr.
"""

NECESIDAD = """Tipo: necesidad
Título: Asistencia a víctimas en el Cauca
Áreas: asistencia a víctimas
Asistencia: financiera, capacitación
Monto: 480.000 USD
Período: pronto
Idiomas: español
Descripción:
Rehabilitación física y apoyo psicosocial para 300 sobrevivientes.
"""

CASES = [
    # sender, actor, language, template, fix, error subject, receipt subject, update subject
    (
        "rana@lmac.example",
        "LBN",
        "fr",
        BESOIN,
        ("Montant : environ 300 000", "Montant : 300 000 USD"),
        "Veuillez corriger votre besoin : 1 problème relevé",
        "Accusé de réception : N-2026-0001",
        "Montant : 320 000 USD",
        "Fiche modifiée : N-2026-0001",
    ),
    (
        "ana.perez@cancilleria.example",
        "COL",
        "es",
        NECESIDAD,
        ("Período: pronto", "Período: 2027-01 a 2027-12"),
        "Por favor, corrija su necesidad: 1 problema encontrado",
        "Acuse de recibo: N-2026-0001",
        "Monto: 500.000 USD",
        "Ficha modificada: N-2026-0001",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=["french", "spanish"])
def test_submit_correct_and_update_in_ones_language(running: RunningPortal, case) -> None:  # type: ignore[no-untyped-def]
    (
        sender,
        actor,
        language,
        template,
        (wrong, right),
        error_subject,
        receipt_subject,
        change,
        update_subject,
    ) = case
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(session, actor_name=actor, email=sender, language=language)

    running.send(email(sender, "", template))
    (error_mail,) = new_mail(running, 0, 1)
    assert error_mail["Subject"] == error_subject
    refilled = error_mail.get_content()
    assert wrong in refilled.splitlines()

    corrected = template.replace(wrong, right)
    message, rcpt = reply(error_mail, sender, corrected)
    running.send(message, recipients=rcpt)
    (receipt,) = new_mail(running, 1, 1)
    assert receipt["Subject"].startswith(receipt_subject)

    message, rcpt = reply(receipt, sender, change)
    running.send(message, recipients=rcpt)
    (update,) = new_mail(running, 2, 1)
    assert update["Subject"].startswith(update_subject)
    with running.portal.sessions() as session:
        (only,) = list_records(session)
        assert (only.public_id, only.actor.code, only.status) == ("N-2026-0001", actor, "pending")
        assert only.amount in (320000, 500000)


def test_an_unregistered_sender_is_answered_in_the_language_they_wrote(
    running: RunningPortal,
) -> None:
    running.send(email("inconnu@ministere.example", "BESOIN", BESOIN))
    running.send(email("desconocido@ministerio.example", "NECESIDAD", NECESIDAD))
    french, spanish = new_mail(running, 0, 2)
    assert (
        french["Subject"] == "Votre adresse n'est pas enregistrée auprès de Portail de coopération"
    )
    assert spanish["Subject"] == "Su dirección no está registrada en Portal de Cooperación"


def test_an_unregistered_sender_also_hears_what_to_correct_in_their_template(
    running: RunningPortal,
) -> None:
    running.send(email("desconocido@ministerio.example", "NECESIDAD", NECESIDAD))
    (answer,) = new_mail(running, 0, 1)
    body = answer.get_body(preferencelist=("plain",)).get_content()
    assert answer["Subject"] == "Su dirección no está registrada en Portal de Cooperación"
    assert "Antes de volver a enviarlo, corrija también este punto de su mensaje:" in body
    assert "- Período: «pronto» no es un período que podamos leer" in body
    assert "País" not in body  # a need's country is the sender's: nothing to ask once registered
