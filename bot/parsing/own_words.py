"""The writer's own words in a message: less the greeting above them and the closing below."""

from __future__ import annotations

import logging

from bot.parsing import prose
from bot.parsing.normalise import fold

log = logging.getLogger(__name__)

_GREETING_WORDS = 5  # "Dear colleagues," / "Bonjour Madame," — longer is a sentence
_CLOSING_WORDS = 14  # "Veuillez agréer, Madame, Monsieur, l'expression de …"
_SENTENCE_ENDS = (".", "!", "?", "…")  # a line after one of these starts a sentence


def writers_text(text: str) -> str:
    """The writer's own words: without the greeting above them, the closing and what follows.

    A closing starts a paragraph or a sentence: "merci" inside a wrapped line is no closing."""
    lines = text.strip().splitlines()
    if lines:
        lines[0] = _without_greeting(lines[0])
    for i, line in enumerate(lines):
        above = lines[i - 1].rstrip()
        starts_paragraph = not above or above.endswith(_SENTENCE_ENDS) or len(line.split()) <= 4
        if i > 0 and starts_paragraph and _is_closing(line):
            lines = lines[:i]
            break
    return "\n".join(lines).strip()


def _is_closing(line: str) -> bool:
    """ "Best regards,", "Thank you for your help.", "Veuillez agréer, …" — not "Thanks to last
    year's grant we cleared 3 km2." (a one-word thanks followed by a sentence)."""
    words = fold(line)
    phrase = prose.starts_with_phrase(words, prose.phrases("closing"))
    if phrase is None or len(line.split()) > _CLOSING_WORDS:
        return False
    rest = words[len(phrase) :].split()
    return len(rest) <= 3 or line.rstrip().endswith(",") or len(phrase.split()) >= 2


def _without_greeting(line: str) -> str:
    """A first line less its greeting: "Hello," → "", "Hola: España podría…" → "España podría…"."""
    for separator in (",", ":", "!", ".", " - ", " – "):
        head, found, rest = line.partition(separator)
        short = found and len(head.split()) <= _GREETING_WORDS
        if short and prose.starts_with_phrase(fold(head), prose.phrases("greeting")):
            return _without_greeting(rest.strip())
    if len(line.split()) <= 2 and prose.starts_with_phrase(fold(line), prose.phrases("greeting")):
        return ""
    return line
