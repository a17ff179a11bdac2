"""Read the filled template in a message: the value of each known label, as sent."""

from __future__ import annotations

import logging
import re

from bot.parsing.label_line import heading, split_label
from bot.parsing.normalise import fold, lookup, with_singulars
from bot.words import table

log = logging.getLogger(__name__)

# The labels of a mail header block ("From:", "De :") are in the table but name no field.
MAIL_HEADER = "mail_header"
# Every label of each field, in en/fr/es: bot/data/words.json.
LABELS: dict[str, tuple[str, ...]] = {
    name: aliases for name, aliases in table().aliases().items() if name != MAIL_HEADER
}
LIST_FIELDS = frozenset({"country", "areas", "assistance", "languages"})
_PLURAL_MARK = re.compile(r"\((e?s|x)\)", re.IGNORECASE)  # "pays bénéficiaire(s)", "país(es)"
_BULLET = re.compile(r"[-*•·+–—▪◦]\s")
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\.\.\.|…|_+|[-–—]|n/?a)$", re.IGNORECASE)
# Bidirectional controls (they can make "N-2026-0001 withdrawn" read as something else in a
# digest or a list) and the other invisible control characters; tab and newline stay.
_UNSAFE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def label_key(label: str) -> str:
    """A label reduced for matching: no case nor accents; a plural mark in brackets is a plural
    ("Date(s)" is "dates", "País(es) beneficiario(s)" "países beneficiarios")."""
    return fold(_PLURAL_MARK.sub(r"\1", label))


_INDEX = with_singulars(
    {label_key(alias): name for name, aliases in table().aliases().items() for alias in aliases}
)


def field_of(label: str) -> str | None:
    """The field a label names ("Pays bénéficiaire(s)" → "country"), or None."""
    return lookup(_INDEX, label_key(label))


def read_fields(text: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(canonical field name → value as sent, the (field, value) that repeat a field differently).

    A label starts a field only at the start of a line (after bullets, numbers or bold markers);
    the value runs on over the next lines until a blank line (a list or the description: until
    the next label). A list field given twice is one list. The lines of a mail header block
    ("From:", "De :", "Enviado el:" …) are no fields, nor is the "Subject:" among them."""
    found: list[tuple[str, list[str]]] = []
    closed = in_header = False
    for line in text.splitlines():
        if line.rstrip() == "--":
            break
        if not line.strip():
            in_header = False
        match = split_label(line, field_of)
        after_field = found and found[-1][0] != "description"
        if (
            match is None
            and after_field
            and (name := heading(line, field_of)) not in (None, MAIL_HEADER)
        ):
            match = (name, "")  # "Description" alone on its line, over its text
        if match and match[0] == "description" and found and found[-1][0] == "description":
            match = None  # "Objective: …" or "Context:" inside a description is its text
        if match and (match[0] == MAIL_HEADER or in_header and match[0] == "title"):
            in_header, closed = True, True  # "Subject:" of a header block is no title
        elif match:
            in_header = False
            found.append((match[0], [match[1].strip()]))
            closed = False
        elif found and found[-1][0] == "description":
            found[-1][1].append(line.rstrip())
        elif found and not closed and line.strip():
            found[-1][1].append(line.strip())
        elif found:
            closed = True  # a blank line ends a one-line field
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
