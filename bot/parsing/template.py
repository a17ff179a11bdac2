"""Read the filled template in a message: the value of each known label, as sent."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from bot.parsing.fields import qualifiers
from bot.parsing.label_line import heading, looks_like_label, split_label
from bot.parsing.normalise import fold, lookup, with_singulars
from bot.words import table

log = logging.getLogger(__name__)

# The labels of a mail header block ("From:", "De :") are in the table but name no field;
# "Start date:" and "End date:" lines are read as one period; a "Subject:" line is the title
# of a template, never one on its own (a formal letter's "Objet :" line is no template).
MAIL_HEADER = "mail_header"
PERIOD_START, PERIOD_END = "period_start", "period_end"
SUBJECT = "subject"
# Every label of each field, in en/fr/es: bot/data/words.json.
LABELS: dict[str, tuple[str, ...]] = {
    name: aliases
    for name, aliases in table().aliases().items()
    if name not in (MAIL_HEADER, PERIOD_START, PERIOD_END, SUBJECT)
}
LIST_FIELDS = frozenset({"country", "areas", "assistance", "languages"})
_IES = re.compile(r"y\(ies\)", re.IGNORECASE)  # "Country(ies)"
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "un", "une", "el", "los", "las", "una"})
_ELIDED = re.compile(r"^l'")  # "l'appui"
_PLURAL_MARK = re.compile(r"\((e?s|x)\)", re.IGNORECASE)  # "pays bénéficiaire(s)", "país(es)"
# "Amount (USD):", "Montant (€) :": a currency in brackets before the separator.
_CURRENCY_NOTE = re.compile(
    r"[^:：=\t|()]{1,40}\(\s*(?:[Ii]n |[Ee]n )?([A-Z$€£¥]{1,3}[A-Z$€£¥.]?)\s*\)"
)
_CURRENCY = re.compile(r"\b[A-Z]{3}\b|[$€£¥]")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_BULLET = re.compile(r"[-*•·+–—▪◦]\s")
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\.\.\.|…|_+|[-–—]|n/?a)$", re.IGNORECASE)
# Bidirectional controls (they can make "N-2026-0001 withdrawn" read as something else in a
# digest or a list) and the other invisible control characters; tab and newline stay.
_UNSAFE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def label_key(label: str) -> str:
    """A label reduced for matching: no case, accents nor articles; a plural mark in brackets
    is a plural ("Date(s)" is "dates", "País(es) beneficiario(s)" "países beneficiarios",
    "Country(ies)" "countries"); "Title of the project" is "title of project"."""
    folded = fold(_PLURAL_MARK.sub(r"\1", _IES.sub("ies", label)))
    return " ".join(_ELIDED.sub("", word) for word in folded.split() if word not in _ARTICLES)


_INDEX = with_singulars(
    {label_key(alias): name for name, aliases in table().aliases().items() for alias in aliases}
)
# Fields whose label may go on with a qualifier ("Description of the need", "Montant de la
# contribution", "Período de ejecución del proyecto"); not "Type of activity" (a kind?),
# "Country of origin" (a donor's) nor a mail header's "Date of …".
_QUALIFIED = frozenset(
    {"title", "areas", "assistance", "amount", "period", "languages", "reference", "description"}
)


@lru_cache(maxsize=4096)  # each line's candidate labels, for every message: the same few words
def field_of(label: str) -> str | None:
    """The field a label names, or None: "Pays bénéficiaire(s)" → "country", "Amount
    (optional)" → "amount", the alternatives of "Titre / Title" or "Dates/Period" when they
    name one field, and a label a qualifier follows ("Brief description of the need")."""
    plain = _BRACKETS.sub(" ", label)
    name = lookup(_INDEX, label_key(label)) or lookup(_INDEX, label_key(plain))
    if name is None and "/" in plain:
        names = {lookup(_INDEX, label_key(part)) for part in plain.split("/")} - {None}
        name = names.pop() if len(names) == 1 else None
    return name or _qualified(label_key(plain))


def _qualified(key: str) -> str | None:
    words = key.split()
    for n in range(len(words) - 1, 0, -1):
        if words[n] in qualifiers() or words[n].endswith("'"):
            name = lookup(_INDEX, " ".join(words[:n]))
            if name in _QUALIFIED:
                return name
    return None


def read_fields(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(canonical field name → value as sent, the (field, value) that repeat a field differently).

    A label starts a field only at the start of a line (after bullets, numbers or bold markers);
    the value runs on over the next lines until a blank line or a line with a label we do not
    know ("Focal point: …"); a list or the description runs on until the next known label. A
    list field given twice is one list; a start and an end date are one period. The lines of a
    mail header block ("From:", "De :", "Enviado el:" …) are no fields, nor its "Subject:"."""
    fields, repeated, _ = read_template(text)
    return fields, repeated


def outside_fields(text: str) -> str:
    """The writer's lines that belong to no field (a note above the template, a paragraph below
    it), blank lines kept between paragraphs; no mail header block, nothing after "--"."""
    return read_template(text)[2]


def read_template(text: str) -> tuple[dict[str, str], list[tuple[str, str]], str]:
    """read_fields() and outside_fields() at once, the text read once."""
    fields, repeated, outside = _read_template(text)
    return dict(fields), list(repeated), outside  # the caller's own, to change if it likes


# A message is read for its fields more than once (is it a template? then its values): the
# last few texts are remembered, as values no caller can change.
@lru_cache(maxsize=4)
def _read_template(
    text: str,
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...], str]:
    found, outside = _scan(text)
    fields, repeated = _gathered(found)
    return tuple(fields.items()), tuple(repeated), "\n".join(outside).strip()


def _scan(text: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """The fields found, each with its lines, and the lines outside every field."""
    found: list[tuple[str, list[str]]] = []
    outside: list[str] = []
    closed = in_header = False
    for line in text.splitlines():
        if line.rstrip() == "--":
            break
        if not line.strip():
            in_header = False
        match = _label_line(line, found)
        if match and (match[0] == MAIL_HEADER or in_header and match[0] == SUBJECT):
            in_header, closed = True, True  # "Subject:" of a header block is no title
        elif match:
            in_header = False
            found.append((match[0], [match[1].strip()]))
            closed = False
        elif found and found[-1][0] == "description":
            found[-1][1].append(line.rstrip())
        elif found and not closed and line.strip() and not looks_like_label(line):
            found[-1][1].append(line.strip())
        else:
            closed = bool(found)  # a blank line, or a label we do not know, ends a one-line field
            if not in_header:
                outside.append(line.rstrip())
    return found, outside


def _label_line(line: str, found: list[tuple[str, list[str]]]) -> tuple[str, str] | None:
    """(field, value) of a line that starts a field, given the fields found above it."""
    match = split_label(line, field_of)
    in_description = bool(found) and found[-1][0] == "description"
    if match is None and found and not in_description:
        name = heading(line, field_of)
        match = (name, "") if name and name != MAIL_HEADER else None  # "Description" alone
    if match and match[0] == "description" and in_description:
        return None  # "Objective: …" or "Context:" inside a description is its text
    if match and match[0] == "amount":
        return match[0], _with_currency(line, match[1])
    return match


def _with_currency(line: str, value: str) -> str:
    """An amount with the currency its label names, when it names none: "Budget (USD):
    250,000" is "250,000 USD"."""
    note = _CURRENCY_NOTE.match(line)
    if note is None or not value or _CURRENCY.search(value):
        return value
    return f"{value} {note.group(1)}"


def _gathered(found: list[tuple[str, list[str]]]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    fields: dict[str, str] = {}
    repeated: list[tuple[str, str]] = []
    for name, lines in found:
        value = _clean(_join(name, lines))
        if name not in fields or not fields[name]:
            fields[name] = value
        elif name in LIST_FIELDS:
            fields[name] = f"{fields[name]}, {value}" if value else fields[name]
        elif value and value != fields[name]:
            repeated.append((name, value))
    subject = fields.pop(SUBJECT, "")
    if subject and fields and not fields.get("title"):
        fields["title"] = subject
    start, end = fields.pop(PERIOD_START, ""), fields.pop(PERIOD_END, "")
    if (start or end) and not fields.get("period"):
        fields["period"] = f"{start} to {end}" if start and end else start or end
    return fields, repeated


def _join(name: str, lines: list[str]) -> str:
    """Description keeps its lines; a list keeps bulleted lines apart; others join with spaces."""
    if name == "description":
        return "\n".join(lines).strip()
    if name in LIST_FIELDS:
        return "".join(("\n" if _BULLET.match(line) else " ") + line for line in lines).strip()
    return " ".join(lines).strip()


def clean_text(text: str) -> str:
    """Text without bidirectional or other control characters (newlines and tabs kept)."""
    return _UNSAFE.sub("", text)


def _clean(value: str) -> str:
    value = clean_text(value).strip()
    return "" if _PLACEHOLDER.match(value) else value
