"""A filled template in a .txt, .docx or .pdf attachment is read when the body holds none."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import pytest

from bot.channels.email import attachments
from bot.channels.email.reading import read_email
from bot.parsing.parser import parse_submission
from tests.documents import docx_bytes, pdf_bytes

BODY = "Dear colleagues,\n\nPlease find attached our need.\n\nBest regards,\nRana Haddad\n"


def mail(body: str, *files: tuple[str, str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "Rana Haddad <rana@lmac.example>"
    message["To"] = "submit@portal.test"
    message["Subject"] = "Need - clearance in the South"
    message.set_content(body)
    for name, content_type, data in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def read(raw: bytes) -> dict[str, str]:
    inbound = read_email(raw, "rana@lmac.example", ["submit@portal.test"])
    return parse_submission(inbound.text, inbound.subject).submission.fields


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_docx_with_the_template_as_a_table() -> None:
    document = docx_bytes(
        ["Besoin du Liban pour le portail"],
        (
            ("Type", "besoin"),
            ("Titre :", "Dépollution (BAC) au Sud-Liban"),
            ("Pays", "Liban"),
            ("Domaines", "dépollution"),
            ("Assistance", "financière"),
            ("Description", "Quatre équipes BAC.\nDeux ans."),
        ),
    )
    found = read(mail(BODY, ("besoin-liban.docx", DOCX, document)))
    assert found == {
        "type": "besoin",
        "title": "Dépollution (BAC) au Sud-Liban",
        "country": "Liban",
        "areas": "dépollution",
        "assistance": "financière",
        "description": "Quatre équipes BAC.\nDeux ans.",
    }


def test_a_docx_with_the_template_as_paragraphs() -> None:
    lines = ["Tipo: necesidad", "Título: Limpieza en Antioquia", "País: Colombia"]
    document = docx_bytes([*lines, "Áreas: limpieza", "Asistencia: financiera", "Descripción:"])
    found = read(mail("Adjunto la plantilla.\n", ("plantilla.docx", DOCX, document)))
    assert (found["title"], found["country"]) == ("Limpieza en Antioquia", "Colombia")


def test_a_pdf_with_the_template() -> None:
    pdf = pdf_bytes(
        [
            "Type: need",
            "Title: Survey teams for Salavan",
            "Country: Lao PDR",
            "Areas: technical survey",
            "Assistance: financial",
            "Description:",
            "Two teams for 2027.",
        ]
    )
    found = read(mail(BODY, ("need.pdf", "application/pdf", pdf)))
    assert found["title"] == "Survey teams for Salavan"
    assert found["description"] == "Two teams for 2027."


def test_a_txt_attachment() -> None:
    text = b"Type: offer\nTitle: Detector training\nCountry: any\nAreas: clearance\n"
    found = read(mail(BODY, ("offer.txt", "text/plain", text)))
    assert found["title"] == "Detector training"


def test_the_body_wins_over_an_attachment() -> None:
    body = "Type: need\nTitle: From the body\nCountry: Chad\nAreas: clearance\n"
    text = b"Type: need\nTitle: From the file\nCountry: Chad\nAreas: clearance\n"
    assert read(mail(body, ("need.txt", "text/plain", text)))["title"] == "From the body"


def test_a_broken_or_oversized_attachment_is_skipped_not_raised(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.email.attachments")
    raw = mail(
        BODY,
        ("need.docx", DOCX, b"PK\x03\x04 not a zip"),
        ("need.pdf", "application/pdf", b"%PDF-1.4 broken"),
    )
    assert read(raw) == {}
    assert "attachment 'need.docx' not read" in caplog.text
    monkeypatch.setattr(attachments, "ATTACHMENT_MAX_BYTES", 10)
    text = b"Type: offer\nTitle: Too big\nCountry: any\nAreas: clearance\n"
    assert read(mail(BODY, ("offer.txt", "text/plain", text))) == {}
    assert "attachment 'offer.txt' not read: empty or over 10 bytes" in caplog.text


def test_a_docx_that_unzips_past_the_limit_is_not_opened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(attachments, "DOCX_MAX_UNZIPPED", 1000)
    document = docx_bytes(["Type: need", "Title: Big", "Country: Chad", "Areas: clearance"])
    assert read(mail(BODY, ("big.docx", DOCX, document))) == {}


def test_a_message_forwarded_as_an_attachment() -> None:
    inner = EmailMessage()
    inner["From"] = "Ana Gómez <ana@cancilleria.example>"
    inner["To"] = "Rana Haddad <rana@lmac.example>"
    inner["Subject"] = "Necesidad"
    inner.set_content(
        "Hola Rana:\n\nTipo: necesidad\nTítulo: Limpieza en el Cauca\nPaís: Colombia\n"
        "Áreas: limpieza\nAsistencia: financiera\n\nSaludos,\nAna\n"
    )
    outer = EmailMessage()
    outer["From"] = "Rana Haddad <rana@lmac.example>"
    outer["To"] = "submit@portal.test"
    outer["Subject"] = "FW: Necesidad"
    outer.set_content("Please see the attached message.\n")
    outer.add_attachment(inner)
    found = read(outer.as_bytes())
    assert (found["title"], found["areas"]) == ("Limpieza en el Cauca", "limpieza")
    inner.replace_header("From", "Cooperation Portal <submit@portal.test>")
    outer.get_payload()[1].set_payload([inner])  # the portal's own mail, attached: not taken
    assert read(outer.as_bytes()) == {}
