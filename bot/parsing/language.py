"""Guess the language of a message from the template labels and command words it uses."""

from __future__ import annotations

from collections import Counter

from bot.parsing.label_line import strip_around
from bot.parsing.normalise import fold
from bot.words import table

# The labels and command words that mark one language only: bot/data/words.json.
_MARKERS = table().markers


def detect_language(subject: str, text: str) -> str | None:
    """ "fr", "es" or "en" when the labels and command words say so, else None."""
    words = [fold(label) for label in _labels(text)]
    words += [fold(w) for w in subject.split()[:2]]
    votes = Counter(lang for word in words for lang, marks in _MARKERS.items() if word in marks)
    if not votes:
        return None
    (best, count), *rest = votes.most_common()
    return best if not rest or rest[0][1] < count else None


def _labels(text: str) -> list[str]:
    """What precedes the colon on each `Label: value` line, less bullets and bold markers."""
    found = []
    for line in text.splitlines():
        head, colon, _ = line.partition(":")
        label = strip_around(head, "-*", "*") if colon else ""
        if 2 <= len(label) <= 30:
            found.append(label)
    return found
