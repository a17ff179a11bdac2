"""The Languages field never blocks a record: known languages are kept, phrases that name no
language are dropped, families are their members, unknown names are set aside (en/fr/es)."""

import pytest

from bot.parsing.language_list import read_languages
from bot.parsing.parser import parse_submission


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("English, local languages", ("en",)),
        ("English and national languages", ("en",)),
        ("français, langues locales", ("fr",)),
        ("français et langues nationales", ("fr",)),
        ("español, lenguas locales", ("es",)),
        ("español e idiomas indígenas", ("es",)),
        ("English, other", ("en",)),
        ("français, autres", ("fr",)),
        ("español, otros", ("es",)),
    ],
)
def test_phrases_that_name_no_language_are_dropped(text: str, codes: tuple[str, ...]) -> None:
    assert read_languages(text) == (codes, [])


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("English, local languages (Somali, Swahili)", ("en", "so", "sw")),
        ("français, langues nationales (haoussa, zarma)", ("fr", "ha", "dje")),
        ("español, lenguas locales (quechua, aymara)", ("es", "qu", "ay")),
    ],
)
def test_languages_named_in_brackets_after_a_generic_phrase_are_kept(
    text: str, codes: tuple[str, ...]
) -> None:
    assert read_languages(text) == (codes, [])


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Kichwa", ("qu",)),
        ("quichua", ("qu",)),
        ("Somali language", ("so",)),
        ("langue wolof", ("wo",)),
        ("lengua guaraní", ("gn",)),
        ("Englsh", ("en",)),
        ("Portugese", ("pt",)),
        ("BCMS", ("bs", "hr", "sr")),
        ("English, B/C/S", ("en", "bs", "hr", "sr")),
    ],
)
def test_a_name_not_known_as_written_is_looked_up_harder(text: str, codes: tuple[str, ...]) -> None:
    assert read_languages(text) == (codes, [])


@pytest.mark.parametrize(
    ("text", "codes", "unknown"),
    [
        ("English, Elvish", ("en",), ["Elvish"]),
        ("français, elfique", ("fr",), ["elfique"]),
        ("español, TBD", ("es",), ["TBD"]),
    ],
)
def test_an_unknown_name_is_set_aside(
    text: str, codes: tuple[str, ...], unknown: list[str]
) -> None:
    assert read_languages(text) == (codes, unknown)


def test_an_unknown_language_does_not_block_the_record_and_is_kept_for_the_receipt() -> None:
    result = parse_submission(
        "Tipo: necesidad\nTítulo: t\nPaís: Ecuador\nÁreas: limpieza\nAsistencia: financiera\n"
        "Idiomas: español, kichwa, lenguas locales, élfico\nDescripción: d\n"
    )
    assert result.problems == ()
    assert result.submission.languages == ("es", "qu")
    assert result.submission.unknown_languages == ("élfico",)
