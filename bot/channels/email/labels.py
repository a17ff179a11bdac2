"""Template label lines in a mail, and whether a text holds a filled template."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.normalise import fold
from bot.parsing.parser import LABELS

_FIELD_OF = {fold(alias): name for name, aliases in LABELS.items() for alias in aliases}
# A label line as people type it: a bullet or a number first, bold markers around the label, a
# colon, "=", a tab, a table bar or a spaced dash after it. Which labels count is the parser's
# (LABELS); this only finds where a template is, the parser reads it.
_LINE = re.compile(  # possessive quantifiers: linear in a line's length, whatever it holds
    r"(?:[-*•·+–—▪◦]\s*+)?(?:\(?(?:\d{1,2}|[a-zA-Z])[.)]\s*+)?[*_]{0,2}+\s*+"
    r"(?P<label>[^\W\d_][^:：=\t|*_]{0,39}?)\s*+[*_]{0,2}+\s*+"
    r"(?:[:：=\t|]|(?<=\s)[-–—](?=\s|$))(?P<value>.*)$"
)
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\.\.\.|…|_+|[-–—]|n/?a)?$", re.I)
FILLED_MIN = 3  # "several": fewer filled fields than this is a blank template or a stray line


@dataclass(frozen=True)
class Labels:
    """The template labels of a text: fields given a value, and label lines left blank."""

    filled: frozenset[str]
    filled_lines: int
    blank_lines: int


def field_of(line: str) -> tuple[str, str] | None:
    """(field name, value) of a template line in any of the parser's labels, or None."""
    match = _LINE.match(line.lstrip())
    name = _FIELD_OF.get(fold(match["label"].strip())) if match else None
    if match is None or name is None:
        return None
    return name, match["value"].strip().strip("*_").strip()


def labels(text: str) -> Labels:
    filled: set[str] = set()
    filled_lines = blank_lines = 0
    for line in text.splitlines():
        found = field_of(line)
        if found is None:
            continue
        name, value = found
        if not _PLACEHOLDER.match(value):
            filled.add(name)
            filled_lines += 1
        elif name != "description":  # its value is on the lines below
            blank_lines += 1
    return Labels(frozenset(filled), filled_lines, blank_lines)


def is_filled(text: str) -> bool:
    """Several known template labels with a value (a blank template has only its type)."""
    return len(labels(text).filled) >= FILLED_MIN


def is_someone_elses_filled(text: str) -> bool:
    """A filled template that is not a blank one with notes (the portal's help mail: blank
    templates, then a line of advice for each field): more label lines filled than blank."""
    found = labels(text)
    return len(found.filled) >= FILLED_MIN and found.filled_lines > found.blank_lines


def last_label_line(lines: list[str]) -> int:
    """The index of the last template label line, -1 when there is none."""
    return max((i for i, line in enumerate(lines) if field_of(line)), default=-1)
