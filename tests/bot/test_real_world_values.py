"""Values focal points really write, found missing by the .eml corpus and now read."""

from decimal import Decimal

from bot.channels.email.reading import html_to_text
from bot.parsing.fields import country
from bot.parsing.language_list import languages
from bot.parsing.money import money


def test_cfa_francs_as_written_in_west_and_central_africa() -> None:
    assert money("1 200 000 FCFA", ("SEN",)) == (Decimal("1200000"), "XOF")
    assert money("150 millions FCFA", ("TCD",)) == (Decimal("150000000"), "XAF")


def test_spanish_e_before_i_joins_a_list() -> None:
    assert languages("español e inglés") == ("es", "en")
    assert country("Santo Tomé y Príncipe") == "STP"  # a name with a conjunction stays whole


def test_html_mail_keeps_accents_and_bullets() -> None:
    text = html_to_text("<p>T&iacute;tulo: Estudio</p><p>- clearance<br>1. survey</p>")
    assert [line.strip() for line in text.splitlines() if line.strip()] == [
        "Título: Estudio",
        "- clearance",
        "1. survey",
    ]
