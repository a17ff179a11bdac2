"""Template label lines in a mail, and whether a text holds a filled template."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.label_line import split_label, split_label_otherwise
from bot.parsing.normalise import fold
from bot.parsing.parser import LABELS

_FIELD_OF = {fold(alias): name for name, aliases in LABELS.items() for alias in aliases}
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\.\.\.|…|_+|-)?$")
FILLED_MIN = 3  # "several": fewer filled fields than this is a blank template or a stray line


@dataclass(frozen=True)
class Labels:
    """The template labels of a text: fields given a value, and label lines left blank."""

    filled: frozenset[str]
    filled_lines: int
    blank_lines: int


def field_of(line: str) -> tuple[str, str] | None:
    """(field name, value) of a template line in any of the parser's labels, or None."""
    for split in (split_label, split_label_otherwise):
        found = split(line)
        name = _FIELD_OF.get(fold(found[0])) if found else None
        if found and name:
            return name, found[1].strip()
    return None


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
