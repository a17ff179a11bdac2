"""The table of words: what it gives is exactly what was hand-written before, and its mistakes
are refused with the command, label or marker at fault named.

tests/data/words/ was captured from the code before the table existed (commit 0c51497): the
commands' words, usage, summary and flags, READ_ONLY, the language markers, the parser's labels,
the Telegram menus and the HELP message in each language, for the secretariat and the public.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot import commands
from bot.channels.email.front import READ_ONLY
from bot.channels.telegram.menu import commands_by_language
from bot.parsing.language import detect_language
from bot.parsing.normalise import fold
from bot.parsing.parser import LABELS
from bot.render import LANGUAGES
from bot.words import WORDS_FILE, WordsError, load, table
from tests.bot.test_templates import help_context, text_of

BEFORE = Path(__file__).parent.parent / "data" / "words"
WAS = json.loads((BEFORE / "before.json").read_text(encoding="utf-8"))


# ---- the table gives what the code said before ----------------------------------------------


def test_the_commands_have_their_words_usage_summary_and_flags_as_before() -> None:
    now = [
        {
            "name": c.name,
            "words": sorted(c.words),
            "usage": c.usage,
            "summary": c.summary,
            "secretariat_only": c.secretariat_only,
        }
        for c in commands.COMMANDS
    ]
    assert now == WAS["commands"]
    assert len(now) == 21


def test_read_only_markers_and_labels_are_as_before_or_more() -> None:
    """Labels and markers grew with the synonyms people use (issue 15): none was lost."""
    assert sorted(READ_ONLY) == WAS["read_only"] == ["CALL", "HELP", "LIST", "PENDING", "SHOW"]
    markers = table().markers
    assert {lang: set(WAS["markers"][lang]) - markers[lang] for lang in markers} == {
        "en": set(),
        "fr": set(),
        "es": set(),
    }
    assert list(LABELS) == list(WAS["labels"])
    assert {
        field: set(WAS["labels"][field]) - {fold(a) for a in aliases}
        for field, aliases in LABELS.items()
    } == {field: set() for field in WAS["labels"]}


def test_the_telegram_menus_are_as_before() -> None:
    was = {lang: [tuple(pair) for pair in pairs] for lang, pairs in WAS["menus"].items()}
    assert commands_by_language() == was


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("who", ["public", "secretariat"])
def test_help_reads_as_before(lang: str, who: str) -> None:
    context = lambda lg: help_context(lg, secretariat=who == "secretariat")  # noqa: E731
    before = (BEFORE / f"help.{lang}.{who}.txt").read_text(encoding="utf-8")
    assert text_of("help", lang, context) == before


def test_the_markers_still_tell_the_language() -> None:
    assert detect_language("", "Titre : x\nPériode : 2027") == "fr"
    assert detect_language("", "Título: x\nDescripción: y") == "es"
    assert detect_language("RENOUVELER N-2026-0001", "") == "fr"
    assert detect_language("", "Type: need\nAssistance: x\nDescription: z") is None


# ---- a mistake in the table is named ---------------------------------------------------------


def _entry(data: dict[str, Any], name: str) -> dict[str, Any]:
    (entry,) = [c for c in data["commands"] if c["name"] == name]
    return entry


def _drop_es_usage(data: dict[str, Any]) -> None:
    del _entry(data, "CONFIRM")["usage"]["es"]


def _accented_word(data: dict[str, Any]) -> None:
    _entry(data, "UNSUBSCRIBE")["words"]["fr"].append("DÉSINSCRIRE")


def _word_of_two(data: dict[str, Any]) -> None:
    _entry(data, "LIST")["words"]["es"].append("VER")


def _misspelt_key(data: dict[str, Any]) -> None:
    _entry(data, "SHOW")["sumary"] = _entry(data, "SHOW").pop("summary")


def _flag_not_bool(data: dict[str, Any]) -> None:
    _entry(data, "PENDING")["secretariat_only"] = "yes"


def _menu_without_spanish(data: dict[str, Any]) -> None:
    del _entry(data, "CANCEL")["menu"]["es"]


def _label_of_two(data: dict[str, Any]) -> None:
    data["labels"]["period"]["en"].append("Budget")


def _label_missing_language(data: dict[str, Any]) -> None:
    data["labels"]["actor"]["es"] = []


def _marker_unknown(data: dict[str, Any]) -> None:
    data["markers"]["en"].append("zebra")


def _marker_of_two(data: dict[str, Any]) -> None:
    data["markers"]["en"].append("budget")
    data["markers"]["fr"].append("budget")


def _command_twice(data: dict[str, Any]) -> None:
    words = {"en": ["X"], "fr": ["Y"], "es": ["Z"]}
    data["commands"].append(dict(_entry(data, "LINK"), words=words))


MISTAKES: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_drop_es_usage, "words.json: command CONFIRM: usage has no one-line text in 'es'"),
    (
        _accented_word,
        "words.json: command UNSUBSCRIBE: the word 'DÉSINSCRIRE' is never matched;"
        " write 'DESINSCRIRE'",
    ),
    (_word_of_two, "words.json: the word VER calls both LIST and SHOW"),
    (_misspelt_key, "words.json: command SHOW: unknown key(s) sumary"),
    (_flag_not_bool, "words.json: command PENDING: secretariat_only is true or false, not 'yes'"),
    (_menu_without_spanish, "words.json: command CANCEL: menu has no one-line text in 'es'"),
    (_label_of_two, "words.json: label period: 'Budget' is also a label of amount"),
    (_label_missing_language, "words.json: label actor: nothing in 'es'"),
    (_marker_unknown, "words.json: marker 'zebra' is no label or command word in 'en'"),
    (_marker_of_two, "words.json: marker 'budget' marks both en and fr"),
    (_command_twice, "words.json: command LINK is listed twice"),
]


@pytest.mark.parametrize(("mistake", "message"), MISTAKES, ids=[m.__name__ for m, _ in MISTAKES])
def test_a_mistake_in_the_table_is_named(
    tmp_path: Path, mistake: Callable[[dict[str, Any]], None], message: str
) -> None:
    data = json.loads(WORDS_FILE.read_text(encoding="utf-8"))
    load(_write(tmp_path, data))  # the copy itself is fine
    mistake(data)
    with pytest.raises(WordsError) as raised:
        load(_write(tmp_path, data))
    assert str(raised.value) == message


def test_an_unreadable_table_is_named(tmp_path: Path) -> None:
    path = tmp_path / "words.json"
    path.write_text('{"commands": [', encoding="utf-8")
    with pytest.raises(WordsError) as raised:
        load(path)
    assert str(raised.value).startswith(f"{path}: cannot be read: ")


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "words.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
