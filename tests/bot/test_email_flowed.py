"""format=flowed (RFC 3676): soft line breaks are joined before anything reads the text."""

from __future__ import annotations

from bot.channels.email.flowed import unflowed
from bot.channels.email.reading import read_email
from bot.parsing.parser import parse_submission


def test_a_line_ending_in_a_space_goes_on_on_the_next() -> None:
    assert unflowed("Title: Survey of the \nsouthern provinces\nCountry: Chad\n") == (
        "Title: Survey of the southern provinces\nCountry: Chad\n"
    )


def test_delsp_removes_the_space_the_client_added() -> None:
    assert unflowed("Titre : Dépollu \ntion du Borkou\n", delsp=True) == (
        "Titre : Dépollution du Borkou\n"
    )


def test_quote_depth_and_stuffing_and_signature_separator() -> None:
    text = "> Type: need \n> continued\n>> older \n>> text\n From the start\n-- \nAna\n"
    assert unflowed(text) == "> Type: need continued\n>> older text\nFrom the start\n-- \nAna\n"


def test_a_flowed_line_before_a_quote_ends_where_the_quote_starts() -> None:
    assert unflowed("Hello \n> quoted\n") == "Hello \n> quoted\n"


def test_thunderbird_flowed_mail_is_unwrapped_before_it_is_parsed() -> None:
    body = (
        "Buenos días:\r\n\r\nTipo: oferta\r\n"
        "Título: Capacitación en estudio no técnico para las autoridades \r\n"
        "nacionales de la región\r\n"
        "País: Colombia, Perú\r\nÁreas: estudio no técnico\r\nAsistencia: capacitación\r\n"
        "Descripción:\r\nUn curso de tres semanas, con práctica de campo, para \r\n"
        "dieciséis personas.\r\n\r\nSaludos cordiales,\r\nMarta\r\n"
    )
    raw = (
        "From: Marta <marta@oea.example>\r\nTo: submit@portal.test\r\nSubject: Oferta\r\n"
        "User-Agent: Mozilla Thunderbird\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + body
    ).encode()
    inbound = read_email(raw, "marta@oea.example", ["submit@portal.test"])
    submission = parse_submission(inbound.text, inbound.subject).submission
    assert submission.title == (
        "Capacitación en estudio no técnico para las autoridades nacionales de la región"
    )
    assert submission.description == (
        "Un curso de tres semanas, con práctica de campo, para dieciséis personas."
    )


def test_text_that_is_not_flowed_keeps_its_trailing_spaces_and_lines() -> None:
    raw = (
        b"From: a@b.example\r\nTo: submit@portal.test\r\nSubject: need\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nTitle: one \r\ntwo\r\n"
    )
    assert read_email(raw, "a@b.example", ["submit@portal.test"]).text == "Title: one \ntwo\n"
