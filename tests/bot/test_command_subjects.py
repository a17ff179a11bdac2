"""A subject (or a first line) is a command only when it is essentially the command."""

from __future__ import annotations

import pytest

from bot.commands import command_in, read_command

COMMANDS = [
    # (subject, command, its arguments)
    ("HELP", "HELP", ""),
    ("help?", "HELP", ""),
    ("?", "HELP", ""),
    ("Aide", "HELP", ""),
    ("AYUDA.", "HELP", ""),
    ("NEED", "NEED", ""),
    ("Besoin :", "NEED", ""),
    ("Necesidad", "NEED", ""),
    ("**OFFER**", "OFFER", ""),
    ("Offre", "OFFER", ""),
    ("Oferta", "OFFER", ""),
    ("LIST", "LIST", ""),
    ("Liste", "LIST", ""),
    ("lista", "LIST", ""),
    ("SHOW N-2026-0001", "SHOW", "N-2026-0001"),
    ("Voir N-2026-0001.", "SHOW", "N-2026-0001"),
    ("Mostrar: O-2026-0012", "SHOW", "O-2026-0012"),
    ("UPDATE n-2026-0003", "UPDATE", "n-2026-0003"),
    ("Modifier N-2026-0003", "UPDATE", "N-2026-0003"),
    ("Actualizar N-2026-0003", "UPDATE", "N-2026-0003"),
    ("WITHDRAW N-2026-0001 no longer needed", "WITHDRAW", "N-2026-0001 no longer needed"),
    (
        "Retirer N-2026-0001 - financé par ailleurs",
        "WITHDRAW",
        "N-2026-0001 - financé par ailleurs",
    ),
    ("RETIRAR N-2026-0001", "WITHDRAW", "N-2026-0001"),
    ("CONFIRM N-2026-0001 N-2026-0002", "CONFIRM", "N-2026-0001 N-2026-0002"),
    (
        "Confirmer N-2026-0001, N-2026-0002 et N-2026-0003",
        "CONFIRM",
        "N-2026-0001, N-2026-0002 et N-2026-0003",
    ),  # fmt: skip
    ("darse de baja", "UNSUBSCRIBE", ""),
    ("Désabonner", "UNSUBSCRIBE", ""),
    ("REGISTER", "REGISTER", ""),
    ("Inscription", "REGISTER", ""),
    ("Registro", "REGISTER", ""),
    ("CALL STATUS 3", "CALL", "STATUS 3"),
    ("Appel statut 3", "CALL", "statut 3"),
    ("ENDORSE", "ENDORSE", ""),  # the record replied to
    ("[Portal] LIST", "LIST", ""),
]

NOT_COMMANDS = [
    # Replies and forwards, whatever follows.
    "Re: HELP",
    "RE: RE: LIST",
    "AW: NEED",
    "TR: Offre",
    "RV: Oferta AECID",
    "Fwd: OFFER",
    "Fw: Need",
    "WG: Angebot",
    "RIF: NEED",
    "SV: LIST",
    "VS: HELP",
    "Antw: NEED",
    "R: Aiuto",
    "RE[2]: SHOW N-2026-0001",
    "[EXTERNAL] LIST",
    "RE: [EXTERNAL] NEED",
    # Ordinary words that happen to start a subject.
    "Call for proposals 2027",
    "Solicitud de apoyo para el desminado",
    "Aide pour le déminage au Tchad",
    "Liste des besoins du Liban",
    "Need for survey teams in Savannakhet",
    "Besoin d'appui en dépollution",
    "Necesidad de equipos de despeje",
    "Offer of two EOD experts",
    "Offre de formation pour 2027",
    "Update on our clearance work",
    "Registro de víctimas en el Cauca",
    "Withdraw from the programme",
    "Show me the records",
    "Help with the template please",
    "Confirmation of our pledge",
]


@pytest.mark.parametrize(("subject", "name", "args"), COMMANDS)
def test_a_subject_that_is_the_command_calls_it(subject: str, name: str, args: str) -> None:
    found = read_command(subject, "")
    assert found is not None
    assert (found[0].name, found[1]) == (name, args)


@pytest.mark.parametrize("subject", NOT_COMMANDS)
def test_a_reply_a_forward_or_ordinary_words_are_no_command(subject: str) -> None:
    assert read_command(subject, "") is None


def test_a_first_line_of_the_body_that_is_the_command_calls_it() -> None:
    found = read_command("Re: Your need N-2026-0001", "ENDORSE\n\nThank you")
    assert found is not None and (found[0].name, found[1]) == ("ENDORSE", "")
    found = read_command("", "Bonjour,\nRETIRER N-2026-0004\nMerci")
    assert found is not None and (found[0].name, found[1]) == ("WITHDRAW", "N-2026-0004")


def test_a_body_line_of_ordinary_words_is_no_command() -> None:
    assert read_command("", "Need for two teams in the north.\nThanks") is None
    assert read_command("", "Aide pour la formation des démineurs") is None
    assert read_command("", "Hello,\n\nType: need\nTitle: Clearance") is None


def test_only_the_first_three_lines_are_read() -> None:
    assert read_command("", "Hello\nteam\nplease see below\nHELP") is None


@pytest.mark.parametrize("line", ["", "   ", "—", "N-2026-0001", "SHOW SHOW"])
def test_lines_that_are_no_command(line: str) -> None:
    assert command_in(line) is None
