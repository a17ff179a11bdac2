"""Telling a message's language: the writer's own words first, then labels and command words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.understanding import CORPUS, corpus
from bot.channels.email.reading import read_email
from bot.parsing.language import common_words, detect_language, language_of_words

ENGLISH_TEMPLATE = """Type: need
Title: {title}
Country: {country}
Areas: clearance
Assistance: financial
Amount: 300000 USD
Period: 2027
Description:
{description}
"""

OWN_MAILS = [
    # (subject, text, language told)
    ("Besoin", "Bonjour, ci-joint notre besoin", "fr"),
    ("Oferta", "Hola, adjunto la oferta", "es"),
    ("", "Hello, please find our need below.", "en"),
    (
        "Demande d'appui",
        "Bonjour,\nNous avons besoin de deux équipes pour le Sud.\nCordialement",
        "fr",
    ),
    ("Solicitud", "Estimados colegas:\nLes enviamos nuestra necesidad para 2027.\nSaludos", "es"),
    (
        "Survey support",
        "Dear colleagues,\nWe would like to submit the need below.\nBest regards",
        "en",
    ),
    # Greetings and closings alone are enough.
    ("", "Merci d'avance, cordialement", "fr"),
    ("", "Muchas gracias, atentamente", "es"),
    ("", "Thanks and regards", "en"),
]


@pytest.mark.parametrize(("subject", "text", "language"), OWN_MAILS)
def test_the_writers_own_words_tell_the_language(subject: str, text: str, language: str) -> None:
    assert detect_language(subject, text) == language


def test_a_french_mail_with_the_english_template_labels_is_french() -> None:
    text = "Bonjour,\nVoici notre besoin pour le déminage, avec nos remerciements.\n\n" + (
        ENGLISH_TEMPLATE.format(
            title="Dépollution des zones à sous-munitions",
            country="Liban",
            description="Trois équipes pendant un an dans le Sud, avec le matériel.",
        )
    )
    assert detect_language("Re: Cooperation Portal - template", text) == "fr"


def test_a_spanish_template_under_english_labels_is_spanish() -> None:
    text = ENGLISH_TEMPLATE.format(
        title="Limpieza de restos de municiones en racimo",
        country="Colombia",
        description="Dos equipos durante un año para las zonas del sur, con su equipo.",
    )
    assert detect_language("", text) == "es"


def test_an_english_writer_with_french_labels_is_english() -> None:
    text = (
        "Dear colleagues,\nWe only had the French template, so please excuse the labels.\n\n"
        "Titre : Secondment of an adviser\nPays : Mauritania\nDomaines : information management\n"
        "Montant : 200000 CHF\nDescription :\nThe adviser will help the authority with its "
        "database for six months.\n"
    )
    assert detect_language("Offer", text) == "en"


def test_labels_and_command_words_tell_when_no_words_do() -> None:
    assert detect_language("", "Titre : x\nPays : Liban\nMontant : 2000 USD") == "fr"
    assert detect_language("", "Título: x\nPaís: Chile\nMonto: 2000 USD") == "es"
    assert detect_language("BESOIN", "") == "fr"
    assert detect_language("NECESIDAD", "") == "es"


def test_nothing_to_tell_is_none() -> None:
    assert detect_language("", "") is None
    assert detect_language("", "N-2026-0001") is None
    assert detect_language("", "Type: need\nAssistance: x") is None  # the same in en and fr


def test_a_replys_subject_is_someone_elses_words() -> None:
    assert detect_language("Re: Thank you for your need", "WITHDRAW") is None
    assert detect_language("TR: Votre besoin", "") is None
    assert detect_language("RV: Su oferta", "") is None


def test_a_template_below_the_quote_is_the_writers_text() -> None:
    """Bottom-posting: the writer's template sits after the quoted help mail."""
    quoted = (
        "Le lun. 30 nov. 2026, Portail de coopération <submit@portal.example> a écrit :\n"
        "> Type : besoin\n> Titre : <une ligne>\n> Pays : <pays>\n\n"
        "Tipo: necesidad\nTítulo: Limpieza de los campos de tiro\nPaís: Chile\n"
        "Monto: 1.200.000 USD\nDescripción:\nLimpieza de las áreas confirmadas por el estudio.\n"
    )
    assert detect_language("Re: Portail de coopération", "", quoted) == "es"


def test_a_blank_template_in_the_quote_does_not_vote() -> None:
    quoted = "Type: need\nTitle: <one line>\nCountry: <country>\nAmount: <e.g. 250k USD>\n"
    assert detect_language("", "Bonjour, voici notre besoin.", quoted) == "fr"
    assert detect_language("", "", quoted) is None


def test_a_forwarded_template_speaks_for_the_message() -> None:
    """A short covering note in one language over a whole template in another: the template
    is what is submitted, and the reply will be about it."""
    text = "Hello,\nforwarding the need of our colleagues.\n"
    quoted = (
        "-----Message d'origine-----\nDe : Service du déminage\n\n"
        "Type : besoin\nTitre : Appui à la dépollution des zones du Nord\nPays : Tchad\n"
        "Domaines : dépollution\nMontant : 500 000 EUR\nDescription :\n"
        "Deux équipes pendant un an dans les provinces du Nord, avec leur matériel et "
        "la formation des démineurs de la commission nationale.\n"
    )
    assert detect_language("Fwd: besoin", text, quoted) == "fr"


def test_a_word_in_two_lists_votes_for_neither() -> None:
    words = common_words()
    assert "un" not in words and "entre" not in words
    assert (words["the"], words["nous"], words["usted"]) == ("en", "fr", "es")
    assert language_of_words("le la les un entre") is None


@pytest.mark.parametrize(
    ("path", "expected"),
    corpus(CORPUS),
    ids=[p.parent.name + "/" + p.name for p, _ in corpus(CORPUS)],
)
def test_the_language_of_every_corpus_message_is_told(path: Path, expected: dict[str, Any]) -> None:
    inbound = read_email(path.read_bytes(), expected["sender"], ["submit@portal.test"])
    told = detect_language(inbound.subject, inbound.text, inbound.quoted)
    assert told == expected["writer_language"]


def test_french_elisions_and_english_contractions_tell() -> None:
    assert language_of_words("l'équipe d'enquête qu'elle") == "fr"
    assert language_of_words("Lebanon's teams don't") == "en"
    assert language_of_words("l'équipe, Lebanon's") is None  # one each


def test_names_of_documents_and_places_do_not_vote() -> None:
    """A French writer quoting an English plan's name under English labels is French."""
    text = (
        "Bonjour,\n\nType: need\nTitle: Dépollution des rizières\nCountry: Lao PDR\n"
        "Reference: National Strategic Plan for the Mine Action Sector of the Lao PDR\n"
        "Languages: English, Lao\nDescription:\nTrois équipes pour les districts du Sud.\n"
    )
    assert detect_language("", text) == "fr"


def test_the_forwarded_description_is_read_after_a_blank_line_and_ends_at_the_next() -> None:
    quoted = (
        "Tipo: necesidad\nTítulo: Limpieza\nPaís: Chile\nDescripción:\n\n"
        "Limpieza de las áreas confirmadas por el estudio, con los equipos del ejército.\n\n"
        "Kind regards, and thanks to all of you for the help with this.\n"
    )
    assert detect_language("", "", quoted) == "es"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Il y a deux équipes par an, plus le matériel", "fr"),
        ("Financed by the US, per diem included, via UNDP", "en"),
        ("Hay dos equipos por año, más el material", "es"),
    ],
)
def test_words_common_to_two_languages_do_not_mislead(text: str, language: str) -> None:
    assert detect_language("", text) == language
