"""The table of words (bot/data/words.json): commands in en/fr/es, their flags, field labels."""

# Read once and checked as a whole: a mistake in the table stops the bot at its first use with a
# WordsError naming the command, field label or marker at fault, never later in a reply.

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.parsing.normalise import fold

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr", "es")
WORDS_FILE = Path(__file__).parent / "data" / "words.json"
_COMMAND_KEYS = frozenset(
    {"name", "words", "usage", "summary", "menu", "read_only", "secretariat_only", "telegram_only"}
)
_TELEGRAM_KEYS = frozenset({"name", "menu", "telegram_only"})
_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,31}")  # lower-cased, what Telegram allows in its menu
_MENU_MAX = 256  # Telegram's limit on a command's description


class WordsError(ValueError):
    """The table of words (or a command module) is wrong; the message says where."""


@dataclass(frozen=True)
class CommandWords:
    """One command's entry: its words by language, usage and summary for HELP, its flags."""

    name: str  # the English word, upper case: "CONFIRM"
    words: dict[str, tuple[str, ...]]  # by language, upper case, without accents
    usage: dict[str, str]  # by language: "CONFIRM / CONFIRMER id [id ...]"
    summary: dict[str, str]  # by language: one line for HELP
    menu: dict[str, str]  # by language: its line in the Telegram menu; empty: not in the menu
    read_only: bool = False  # answered even when the sender could not be authenticated
    secretariat_only: bool = False
    telegram_only: bool = False  # read by the Telegram chat itself: no module, no words

    @property
    def every_word(self) -> tuple[str, ...]:
        return tuple(word for lang in LANGUAGES for word in self.words.get(lang, ()))


@dataclass(frozen=True)
class Words:
    """The whole table, checked."""

    commands: tuple[CommandWords, ...]  # in the order of HELP and of the Telegram menu
    labels: dict[str, dict[str, tuple[str, ...]]]  # field -> language -> labels
    markers: dict[str, frozenset[str]]  # language -> folded words that tell it
    prose: dict[str, dict[str, tuple[str, ...]]]  # purpose -> language -> phrases, for drafts

    def command(self, name: str) -> CommandWords:
        for entry in self.commands:
            if entry.name == name:
                return entry
        raise WordsError(f"{WORDS_FILE.name}: no command {name}")

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Every label of each field, in all languages, each once."""
        return {
            field: tuple(dict.fromkeys(label for lang in LANGUAGES for label in by_lang[lang]))
            for field, by_lang in self.labels.items()
        }


@cache
def table() -> Words:
    """The table of words, read and checked once."""
    return load(WORDS_FILE)


def load(path: Path) -> Words:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WordsError(f"{path}: cannot be read: {exc}") from exc
    where = path.name
    _only(data, {"_about", "commands", "labels", "markers", "prose"}, where)
    commands = tuple(_command(item, where) for item in _list(data.get("commands"), where))
    _unique_names_and_words(commands, where)
    labels = _labels(data.get("labels"), where)
    markers = _markers(data.get("markers"), commands, labels, where)
    words = Words(commands, labels, markers, _prose(data.get("prose", {}), where))
    log.debug("%s: %d commands, %d fields", where, len(commands), len(labels))
    return words


def plain(word: str) -> str:
    """A word as bot.commands.find compares it: upper case, without accents or * and /."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip("*/ ").upper()


def _command(item: Any, where: str) -> CommandWords:
    name = item.get("name") if isinstance(item, dict) else None
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise WordsError(f"{where}: a command without a name in upper case: {item!r:.80}")
    where = f"{where}: command {name}"
    if item.get("telegram_only"):
        _only(item, _TELEGRAM_KEYS, where)
        return CommandWords(name, {}, {}, {}, _texts(item, "menu", where), telegram_only=True)
    _only(item, _COMMAND_KEYS, where)
    here = f"{where}: words"
    words = {lang: tuple(_strings(item.get("words"), lang, here)) for lang in LANGUAGES}
    for word in (w for ws in words.values() for w in ws):
        if plain(word) != word:
            raise WordsError(f"{where}: the word {word!r} is never matched; write {plain(word)!r}")
    flags = {flag: item.get(flag, False) for flag in ("read_only", "secretariat_only")}
    for flag, value in flags.items():
        if not isinstance(value, bool):
            raise WordsError(f"{where}: {flag} is true or false, not {value!r}")
    return CommandWords(
        name,
        words,
        _texts(item, "usage", where),
        _texts(item, "summary", where),
        _texts(item, "menu", where) if "menu" in item else {},
        **flags,
    )


def _texts(item: dict[str, Any], key: str, where: str) -> dict[str, str]:
    """One non-empty line per language."""
    texts = item.get(key)
    if not isinstance(texts, dict):
        raise WordsError(f"{where}: {key} needs a text in each of {', '.join(LANGUAGES)}")
    _only(texts, set(LANGUAGES), f"{where}: {key}")
    for lang in LANGUAGES:
        text = texts.get(lang)
        if not isinstance(text, str) or not text.strip() or "\n" in text:
            raise WordsError(f"{where}: {key} has no one-line text in {lang!r}")
        if key == "menu" and len(text) > _MENU_MAX:
            raise WordsError(f"{where}: menu in {lang!r} is over {_MENU_MAX} characters")
    return {lang: texts[lang] for lang in LANGUAGES}


def _strings(by_lang: Any, lang: str, where: str) -> list[str]:
    """A non-empty list of non-empty strings for `lang`."""
    if not isinstance(by_lang, dict):
        raise WordsError(f"{where}: needs a list in each of {', '.join(LANGUAGES)}")
    _only(by_lang, set(LANGUAGES), where)
    found = by_lang.get(lang)
    if not isinstance(found, list) or not found:
        raise WordsError(f"{where}: nothing in {lang!r}")
    if not all(isinstance(s, str) and s.strip() for s in found):
        raise WordsError(f"{where}: {lang!r} holds something that is not a word: {found!r}")
    return found


def _unique_names_and_words(commands: tuple[CommandWords, ...], where: str) -> None:
    names: set[str] = set()
    called: dict[str, str] = {}
    for entry in commands:
        if entry.name in names:
            raise WordsError(f"{where}: command {entry.name} is listed twice")
        names.add(entry.name)
        for word in entry.every_word:
            other = called.setdefault(word, entry.name)
            if other != entry.name:
                raise WordsError(f"{where}: the word {word} calls both {other} and {entry.name}")


def _labels(data: Any, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    if not isinstance(data, dict) or not data:
        raise WordsError(f"{where}: labels: none")
    labels: dict[str, dict[str, tuple[str, ...]]] = {}
    field_of: dict[str, str] = {}
    for field, by_lang in data.items():
        here = f"{where}: label {field}"
        labels[field] = {lang: tuple(_strings(by_lang, lang, here)) for lang in LANGUAGES}
        for label in (label for ls in labels[field].values() for label in ls):
            other = field_of.setdefault(fold(label), field)
            if other != field:
                raise WordsError(f"{here}: {label!r} is also a label of {other}")
    return labels


def _markers(
    data: Any,
    commands: tuple[CommandWords, ...],
    labels: dict[str, dict[str, tuple[str, ...]]],
    where: str,
) -> dict[str, frozenset[str]]:
    """Each marker is a label or a command word of its language, and marks one language only."""
    markers: dict[str, frozenset[str]] = {}
    language_of: dict[str, str] = {}
    for lang in LANGUAGES:
        known = {fold(label) for by_lang in labels.values() for label in by_lang[lang]}
        known |= {fold(word) for entry in commands for word in entry.words.get(lang, ())}
        folded = set()
        for marker in _strings(data, lang, f"{where}: markers"):
            if fold(marker) not in known:
                raise WordsError(
                    f"{where}: marker {marker!r} is no label or command word in {lang!r}"
                )
            other = language_of.setdefault(fold(marker), lang)
            if other != lang:
                raise WordsError(f"{where}: marker {marker!r} marks both {other} and {lang}")
            folded.add(fold(marker))
        markers[lang] = frozenset(folded)
    return markers


def _prose(data: Any, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Phrases that read a message in prose (bot.parsing.prose): purpose -> language -> phrases."""
    _only(data, set(data) if isinstance(data, dict) else set(), f"{where}: prose")
    return {
        purpose: {
            lang: tuple(_strings(by_lang, lang, f"{where}: prose {purpose}")) for lang in LANGUAGES
        }
        for purpose, by_lang in data.items()
        if purpose != "_about"
    }


def _only(data: Any, allowed: set[str] | frozenset[str], where: str) -> None:
    if not isinstance(data, dict):
        raise WordsError(f"{where}: expected an object, found {data!r:.80}")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise WordsError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _list(data: Any, where: str) -> list[Any]:
    if not isinstance(data, list) or not data:
        raise WordsError(f"{where}: commands: none")
    return data
