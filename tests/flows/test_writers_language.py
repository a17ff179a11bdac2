"""Answered in the writer's language, through real SMTP: told by the message, else the person's
language, which is learned from what they write when they registered without one."""

from __future__ import annotations

from sqlalchemy import select

from bot.people import registry
from store.db import transaction
from store.people import person_by_email
from store.records import Record
from store.registrations import RegistrationRequest
from tests.flows.test_conversation import new_mail
from tests.harness import RunningPortal, email

FRENCH_NEED = """Bonjour,

Veuillez trouver ci-dessous notre besoin pour la dépollution du Sud.

Type : besoin
Titre : Dépollution des terres agricoles du Sud
Pays : Liban
Domaines : dépollution
Assistance : financière
Montant : 400 000 USD
Période : 2027
Langues : arabe, français
Description :
Deux équipes pendant un an dans les cazas de Tyr et de Nabatieh.

Cordialement,
Rana
"""

SPANISH_NEED_ENGLISH_LABELS = """Buenos días:

Les enviamos nuestra necesidad con la plantilla que nos mandaron.

Type: need
Title: Asistencia a víctimas en el Cauca
Country: Colombia
Areas: asistencia a víctimas
Assistance: financiera
Amount: mucho dinero
Period: 2027
Languages: español
Description:
Rehabilitación física y apoyo psicosocial para los sobrevivientes del Cauca.

Saludos cordiales,
Ana
"""

ENGLISH_NOTE = "Hello,\n\nPlease send us the list of our records, thank you.\n\nLIST\n"


def test_a_french_focal_point_registered_without_a_language_is_answered_in_french(
    running: RunningPortal,
) -> None:
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(session, actor_name="LBN", email="rana@lmac.example")
    with running.portal.sessions() as session:
        assert person_by_email(session, "rana@lmac.example").language is None  # type: ignore[union-attr]

    running.send(email("rana@lmac.example", "Besoin du Liban", FRENCH_NEED))
    (receipt,) = new_mail(running, 0, 1)
    assert receipt["Subject"].startswith("Accusé de réception : N-2026-0001")
    assert "Titre : Dépollution des terres agricoles du Sud" in receipt.get_content()
    with running.portal.sessions() as session:
        assert person_by_email(session, "rana@lmac.example").language == "fr"  # type: ignore[union-attr]
        (record,) = session.scalars(select(Record)).all()
        assert (record.public_id, record.countries) == ("N-2026-0001", ["LBN"])

    # A message that tells no language is answered in the one learned.
    running.send(email("rana@lmac.example", "LIST", ""))
    (listing,) = new_mail(running, 1, 1)
    assert listing["Subject"] == "Vos fiches : 1"

    # An English message is answered in English, and does not change the language learned.
    running.send(email("rana@lmac.example", "Our records", ENGLISH_NOTE))
    (english,) = new_mail(running, 2, 1)
    assert english["Subject"] == "Your records: 1"
    with running.portal.sessions() as session:
        assert person_by_email(session, "rana@lmac.example").language == "fr"  # type: ignore[union-attr]


def test_a_spanish_writers_error_reply_has_spanish_examples_and_labels(
    running: RunningPortal,
) -> None:
    """Spanish words under the English labels of the help mail: the reply, its examples and
    the template it re-fills are Spanish."""
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(session, actor_name="COL", email="ana@cancilleria.example")
    running.send(email("ana@cancilleria.example", "Re: Portal", SPANISH_NEED_ENGLISH_LABELS))
    (error,) = new_mail(running, 0, 1)
    assert error["Subject"] == "Por favor, corrija su necesidad: 1 problema encontrado"
    lines = error.get_content().splitlines()
    assert (
        "- Monto: la asistencia incluye apoyo financiero; indique el monto («mucho dinero» no da"
        " una suma), por ejemplo «250.000 USD» o «1,2 millones EUR»; o quite «financiera» de la"
        " asistencia."
    ) in lines
    refilled = lines[lines.index("Tipo: necesidad") :]
    assert refilled[:9] == [
        "Tipo: necesidad",
        "Título: Asistencia a víctimas en el Cauca",
        "País: Colombia",
        "Áreas: asistencia a víctimas",
        "Asistencia: financiera",
        "Monto: mucho dinero",
        "Período: 2027",
        "Idiomas: español",
        "Referencia: ",
    ]
    assert "Descripción:" in refilled
    with running.portal.sessions() as session:
        assert person_by_email(session, "ana@cancilleria.example").language == "es"  # type: ignore[union-attr]


def test_a_person_with_a_language_set_keeps_it(running: RunningPortal) -> None:
    """Set by the person or the secretariat, a language is not changed by what they write."""
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="LBN", email="rana@lmac.example", language="en"
        )
    running.send(email("rana@lmac.example", "Besoin du Liban", FRENCH_NEED))
    (receipt,) = new_mail(running, 0, 1)
    assert receipt["Subject"].startswith("Accusé de réception : N-2026-0001")  # as she wrote
    with running.portal.sessions() as session:
        assert person_by_email(session, "rana@lmac.example").language == "en"  # type: ignore[union-attr]


def test_register_without_a_language_takes_the_one_written_in_or_none(
    people: RunningPortal,
) -> None:
    people.send(
        email(
            "jean@defense.example",
            "REGISTER",
            "Bonjour,\nJe suis le nouveau point focal du Tchad.\nNom : Jean Dupont\nActeur : Tchad",
        )
    )
    people.send(email("new@ministry.example", "REGISTER", "Name: N. Ew\nActor: Chile"))
    received, _, other, _ = new_mail(people, 0, 4)
    assert received["Subject"] == "Accusé de réception : votre demande d'inscription (R-1)"
    assert "Langue : français" in received.get_content().splitlines()
    assert "Language: (not given)" in other.get_content().splitlines()
    with people.portal.sessions() as session:
        requests = session.scalars(select(RegistrationRequest).order_by(RegistrationRequest.id))
        assert [(r.email, r.language) for r in requests] == [
            ("jean@defense.example", "fr"),
            ("new@ministry.example", None),
        ]
    with transaction(people.portal.sessions) as session:
        registry.add_focal_point(session, actor_name="CHL", email="new@ministry.example")
    with people.portal.sessions() as session:
        assert person_by_email(session, "new@ministry.example").language is None  # type: ignore[union-attr]


def test_a_registered_person_sets_their_language_with_register(people: RunningPortal) -> None:
    people.send(email("rana@lmac.example", "REGISTER", "Language: Spanish"))
    (answer,) = new_mail(people, 0, 1)
    assert answer["Subject"] == "Su dirección ya está registrada"
    assert "En adelante, el portal le escribe en español." in answer.get_content().splitlines()
    with people.portal.sessions() as session:
        assert person_by_email(session, "rana@lmac.example").language == "es"  # type: ignore[union-attr]
    people.send(email("rana@lmac.example", "Besoin du Liban", FRENCH_NEED))
    (receipt, _) = new_mail(people, 1, 2)
    assert receipt["Subject"].startswith("Accusé de réception")  # the message's language
    with people.portal.sessions() as session:
        assert person_by_email(session, "rana@lmac.example").language == "es"  # type: ignore[union-attr]
