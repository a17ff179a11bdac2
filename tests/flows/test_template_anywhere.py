"""End to end through the real SMTP server: the filled template below a quote of the help mail,
in a .docx attachment, or below the quoted call, becomes one record."""

from __future__ import annotations

from email.message import EmailMessage

from bot.people import registry
from store.db import transaction
from store.records import list_records
from tests.documents import docx_bytes
from tests.flows.test_calls import SECOND_NEED, called  # noqa: F401 (the `called` fixture)
from tests.flows.test_conversation import new_mail
from tests.harness import RunningPortal, email

SPANISH_NEED = """\
Tipo: necesidad
Título: Limpieza de restos de municiones en racimo en Antioquia
País: Colombia
Áreas: limpieza
Asistencia: financiera
Monto: 500000 USD
Período: 2027
Descripción:
Dos equipos de limpieza durante un año en tres municipios.
"""


def add_colombian_focal_point(running: RunningPortal) -> None:
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="COL", email="ana@cancilleria.example", name="Ana Gómez",
            language="es",
        )  # fmt: skip


def test_a_spanish_reply_to_the_help_mail_with_the_template_below_the_quote_becomes_a_record(
    people: RunningPortal,
) -> None:
    add_colombian_focal_point(people)
    people.send(email("Ana Gómez <ana@cancilleria.example>", "HELP", ""))
    (help_mail,) = people.mail(1)
    help_text = help_mail.get_body(preferencelist=("plain",))
    assert help_text is not None
    quoted = "\n".join(f"> {line}".rstrip() for line in help_text.get_content().splitlines())
    attribution = (
        "El lun, 30 nov 2026 a las 10:02, Portal de Cooperación (<submit@portal.test>) escribió:"
    )
    body = (
        f"{attribution}\n{quoted}\n\n{SPANISH_NEED}\nSaludos cordiales,\nAna Gómez\nCancillería\n"
    )
    people.send(
        email(
            "Ana Gómez <ana@cancilleria.example>",
            f"RE: {help_mail['Subject']}",
            body,
            to=help_mail["Reply-To"],
            In_Reply_To=help_mail["Message-ID"],
        ),
        recipients=[help_mail["Reply-To"]],
    )
    receipt, to_secretariat = people.mail(3)[1:]
    assert receipt["To"] == "ana@cancilleria.example"
    assert receipt["Subject"].endswith(
        "N-2026-0001 Limpieza de restos de municiones en racimo en Antioquia"
    )
    assert to_secretariat["To"] == "isu@ccm.example"
    with people.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.public_id, record.kind, record.actor.code) == ("N-2026-0001", "need", "COL")
        assert (record.countries, record.areas, record.amount) == (
            ["COL"],
            ["art4.clearance"],
            500000,
        )
        assert record.description == "Dos equipos de limpieza durante un año en tres municipios."


def test_a_need_in_a_docx_attachment_becomes_a_record(people: RunningPortal) -> None:
    message = email(
        "Rana Haddad <rana@lmac.example>",
        "Besoin - dépollution au Sud-Liban",
        "Bonjour,\n\nVeuillez trouver ci-joint notre besoin.\n\nCordialement,\nRana Haddad\n",
    )
    document = docx_bytes(
        ["Besoin du LMAC pour le portail de coopération"],
        (
            ("Type", "besoin"),
            ("Titre", "Dépollution des zones à sous-munitions au Sud-Liban"),
            ("Domaines", "dépollution"),
            ("Assistance", "financière"),
            ("Montant", "1 200 000 USD"),
            ("Période", "2027"),
            ("Description", "Quatre équipes de dépollution pendant deux ans."),
        ),
    )
    attach_docx(message, "besoin-lmac.docx", document)
    people.send(message)
    receipt, _ = people.mail(2)
    assert receipt["To"] == "rana@lmac.example"
    assert receipt["Subject"].endswith(
        "N-2026-0001 Dépollution des zones à sous-munitions au Sud-Liban"
    )
    with people.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.kind, record.actor.code, record.countries) == ("need", "LBN", ["LBN"])
        assert (record.amount, record.currency) == (1200000, "USD")
        assert record.description == "Quatre équipes de dépollution pendant deux ans."


def attach_docx(message: EmailMessage, name: str, data: bytes) -> None:
    message.add_attachment(
        data,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=name,
    )


def test_a_need_bottom_posted_under_the_quoted_call_makes_one_record(
    called: RunningPortal,  # noqa: F811 (the fixture, imported above)
) -> None:
    call = {m["To"]: m for m in new_mail(called, 3, 3)}["vong@nra.example"]
    text = call.get_body(preferencelist=("plain",))
    assert text is not None
    quoted = "\n".join(f"> {line}".rstrip() for line in text.get_content().splitlines())
    attribution = "On Fri, 27 Nov 2026 at 10:00, Cooperation Portal <submit@portal.test> wrote:"
    body = f"{attribution}\n{quoted}\n\n{SECOND_NEED}\nBest regards,\nVong Saysana\n"
    message = email(
        "vong@nra.example",
        f"Re: {call['Subject']}",
        body,
        to=call["Reply-To"],
        In_Reply_To=call["Message-ID"],
    )
    called.send(message, recipients=[call["Reply-To"]])
    assert sorted(mail["To"] for mail in new_mail(called, 6, 2)) == [
        "isu@ccm.example",
        "vong@nra.example",
    ]
    with called.portal.sessions() as session:
        titles = sorted(record.title for record in list_records(session))
    assert titles == [
        "Technical survey teams for two districts of Savannakhet",
        "Victim assistance in Xieng Khouang",
    ]
