"""Tell the language of a message: the writer's own words first, then labels and command words."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache, lru_cache
from pathlib import Path

from bot.parsing.label_line import split_label
from bot.parsing.normalise import fold
from bot.parsing.subjects import is_reply_or_forward
from bot.parsing.template import MAIL_HEADER, field_of
from bot.words import LANGUAGES, table

COMMON_WORDS_FILE = Path(__file__).parent.parent / "data" / "common_words.json"

# A common word of the writer's own text counts this many times a label or command word: the
# template's labels are often copied from a mail in another language, the prose never is.
OWN_WORDS_WEIGHT = 3

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Fields whose values name things (documents, places, languages) or are figures: their words
# are those of the names, often English whatever the writer's language.
NAMES = frozenset(
    {"reference", "country", "actor", "on_behalf_of", "languages", "amount", "period"}
)
_TEMPLATE_LABELS = 3  # label lines with a value that make a template
_PLACEHOLDER = re.compile(r"^\s*<[^>]*>\s*$")
_QUOTE_MARK = re.compile(r"^\s*>")
_FRENCH_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)'[^\W\d_]")
_ENGLISH_CONTRACTION = re.compile(r"[^\W\d_](?:n't|'s|'re|'ll|'ve|'m|'d)$")


def detect_language(subject: str, text: str, quoted: str = "") -> str | None:
    """ "fr", "es" or "en" when the message says so, else None.

    The vote: each common word of the writer's own text (the subject unless it is a reply's
    or a forward's, the lines of the body less their labels) for its language, weighted
    OWN_WORDS_WEIGHT, and each label or command word that marks one language only. A filled
    template that is not in the writer's text but below it (bottom-posted, or forwarded) is
    the text they send, and votes as theirs; the rest of a quote never votes.
    """
    if is_reply_or_forward(subject):
        subject = ""  # a reply's or a forward's subject is someone else's words
    labels, own = _labels_and_text(text)
    if len(labels) < _TEMPLATE_LABELS:
        more, template = _labels_and_text(_filled_template(quoted))
        if len(more) >= _TEMPLATE_LABELS:
            labels, own = labels + more, own + "\n" + template
    votes = Counter[str]()
    for word in _words(subject + "\n" + own):
        language = _language_of_word(word)
        if language is not None:
            votes[language] += OWN_WORDS_WEIGHT
    marked = [fold(label) for label in labels] + [fold(w) for w in subject.split()[:2]]
    markers = table().markers.items()
    votes.update(lang for word in marked for lang, marks in markers if word in marks)
    return _winner(votes)


def language_of_words(text: str) -> str | None:
    """The language whose common words the text uses most, or None when none does."""
    return _winner(Counter(filter(None, map(_language_of_word, _words(text)))))


@lru_cache(maxsize=16384)  # the same words come back in every message
def _language_of_word(word: str) -> str | None:
    """A common word's language; an elided French word (l'équipe, qu'il) is French, an
    English contraction or possessive (don't, we're, Lebanon's) English."""
    found = common_words().get(word)
    if found is None and _FRENCH_ELISION.match(word):
        return "fr"
    if found is None and _ENGLISH_CONTRACTION.search(word):
        return "en"
    return found


@cache
def common_words() -> dict[str, str]:
    """{word: language} of bot/data/common_words.json, less the words listed in two languages."""
    data = json.loads(COMMON_WORDS_FILE.read_text(encoding="utf-8"))
    seen = Counter(word for lang in LANGUAGES for word in set(data[lang]))
    return {word: lang for lang in LANGUAGES for word in data[lang] if seen[word] == 1}


def _winner(votes: Counter[str]) -> str | None:
    if not votes:
        return None
    (best, count), *rest = votes.most_common()
    return best if not rest or rest[0][1] < count else None


def _words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(text.casefold())]


def _labels_and_text(text: str) -> tuple[list[str], str]:
    """The known labels of `Label: value` lines (less bullets and bold markers), and the rest."""
    labels, rest = [], []
    for line in text.splitlines():
        label, value = _known_label(line)
        if label:
            labels.append(label)
            rest.append("" if field_of(label) in NAMES else value)
        else:
            rest.append(line)
    return labels, "\n".join(rest)


def _filled_template(quoted: str) -> str:
    """The label lines with a value of `quoted` (not those of a blank template, nor lines
    marked quoted with ">"), and the paragraph after a label without a value (Description:)."""
    kept: list[str] = []
    following, taken = False, 0  # in the paragraph after a label without a value
    for line in quoted.splitlines():
        label, value = ("", "") if _QUOTE_MARK.match(line) else _known_label(line)
        if label:
            following, taken = not value.strip(), 0
            if value.strip() and not _PLACEHOLDER.match(value):
                kept.append(line)
        elif following and line.strip() and not _QUOTE_MARK.match(line):
            kept.append(line)
            taken += 1
        elif following and (taken or _QUOTE_MARK.match(line)):
            following = False  # the paragraph ends at a blank line, or where the quote starts
    return "\n".join(kept)


def _known_label(line: str) -> tuple[str, str]:
    """(label as written, value) of a line that starts with a known label, else ("", "")."""
    found = split_label(line, _as_written)
    return found if found is not None else ("", "")


def _as_written(label: str) -> str | None:
    """The label itself when it names a field (not a mail header's "De :")."""
    return label if field_of(label) not in (None, MAIL_HEADER) else None
