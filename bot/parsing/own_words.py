"""The writer's own words in a message: less the greeting above them and the closing below."""

from __future__ import annotations

import logging
import re

from bot.parsing import prose
from bot.parsing.normalise import fold

log = logging.getLogger(__name__)

_GREETING_WORDS = 5  # "Dear colleagues," / "Bonjour Madame," — longer is a sentence
_CLOSING_WORDS = 14  # "Veuillez agréer, Madame, Monsieur, l'expression de …"
_SENTENCE_ENDS = (".", "!", "?", "…")  # a line after one of these starts a sentence
NOTE_WORDS = 30  # a paragraph about the message itself is short; a longer one says more
_PARAGRAPHS = re.compile(r"\n\s*\n")


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


def without_notes(text: str) -> str:
    """The writer's paragraphs less the short ones about the message itself ("Here is our offer
    for the portal.", "Vous trouverez ci-dessous notre besoin.", "Les envío la plantilla.")."""
    kept = [p.strip("\n") for p in _PARAGRAPHS.split(text) if p.strip() and not _is_note(p)]
    return "\n\n".join(kept)


def _is_note(paragraph: str) -> bool:
    if len(paragraph.split()) > NOTE_WORDS:
        return False
    return prose.count_phrases(fold(paragraph), prose.phrases("about_message")) > 0
