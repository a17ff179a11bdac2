"""Split a `Label: value` line as people type it: bullets, numbers, bold markers, any separator."""

from __future__ import annotations

import re
from collections.abc import Callable

# What may stand before a label: indentation, one bullet, a number or letter of a numbered list
# ("1.", "2)", "(3)", "a)", "4 -"), in any order people combine them ("- 1. Title:").
_LEAD = re.compile(
    r"\s*(?:[-*•·+–—▪◦►‣|#]\s*)?"
    r"(?:(?:\(?(?:\d{1,2}|[a-zA-Z])[.)]|\d{1,2}\s*[-–—])(?=\s)\s*)?"
)
# After a label: a colon (spaces before it, as in French "Titre :"), "=", a tab, the bar of a
# table row ("Title | …", as html2text writes a table), or a dash followed by a space
# ("Title – …", "Budget- 200k"); never a hyphen inside a word.
_SEPARATORS = ":：=\t|"
_DASHES = "-–—"
BOLD = "*_"
_NOT_IN_LABEL = "*_:：=\t|"
LABEL_MAX = 40
_SEARCH_MAX = LABEL_MAX + 12  # a label and its bold markers, spaces apart
_FAR = re.compile(rf"(?:\s*\S){{{_SEARCH_MAX + 1}}}")  # through the first character too far
_CANDIDATE = re.compile("[" + re.escape(_SEPARATORS + _DASHES) + "]")  # _separates() decides


def split_label(line: str, known: Callable[[str], str | None]) -> tuple[str, str] | None:
    """(what `known` calls the label, the value) of a template line, or None.

    The label is what precedes a separator, less what may stand before it (see _LEAD) and bold
    markers (** or __ or * around it); it has 1 to 40 characters, a letter and neither * nor _.
    The first separator whose label `known` names wins: "Type – Dates: x" is the type "Dates: x",
    and "Type of support we seek is: …" is no label at all. The value follows the separator,
    less bold markers and the spaces around it. One pass over the line, whatever it holds."""
    lead = _LEAD.match(line)
    start = lead.end() if lead else 0
    # Past the _SEARCH_MAX-th character other than a space after `start`, no label starts: the
    # regular expressions find that place and the separators before it, in C.
    far = _FAR.match(line, start)
    end = far.end() - 1 if far else len(line)
    for candidate in _CANDIDATE.finditer(line, start, end):
        at = candidate.start()
        if not _separates(line, at):
            continue
        label = _label(line[start:at])
        name = known(label) if label else None
        if name is not None:
            return name, _value(line[at + 1 :], bold=line[start : start + 1] in tuple(BOLD))
    return None


def _separates(line: str, at: int) -> bool:
    """A separator at `at`: the first tab of a run, a colon or "=", a dash before a space."""
    char = line[at]
    if char == "\t":
        return at == 0 or line[at - 1] != "\t"
    if char in _SEPARATORS:
        return True
    return char in _DASHES and (at + 1 == len(line) or line[at + 1].isspace())


def looks_like_label(line: str) -> bool:
    """A line that reads as `Label: value` whatever the label ("Focal point: …", "Tel.: …"): at
    most four words before a colon that a space or the line end follows."""
    lead = _LEAD.match(line)
    start = lead.end() if lead else 0
    colon = line.find(":", start, start + _SEARCH_MAX)
    if colon < 0 or colon + 1 < len(line) and not line[colon + 1].isspace():
        return False
    label = _label(line[start:colon])
    return label is not None and label[0].isalpha() and len(label.split()) <= 4


def heading(line: str, known: Callable[[str], str | None]) -> str | None:
    """What `known` calls a line that is a label alone, without separator ("Description" over
    its text), or None."""
    lead = _LEAD.match(line)
    label = _label(line[lead.end() if lead else 0 :])
    return known(label) if label else None


def _label(head: str) -> str | None:
    core = head.strip().strip(BOLD).strip()
    if 0 < len(core) <= LABEL_MAX and not any(c in _NOT_IN_LABEL for c in core):
        return core if any(c.isalpha() for c in core) else None
    return None


def _value(text: str, bold: bool) -> str:
    """The value after the separator, less the bold markers that closed or wrap it."""
    value = text.strip()
    if value.endswith("|"):  # the last cell of a table row
        value = value[:-1].rstrip()
    if value.startswith(("**", "__")):
        value = value[2:].lstrip()
    elif value[:1] in BOLD and value[1:2].isspace():
        value = value[1:].lstrip()
    if bold and value.endswith(("**", "__")):
        value = value[:-2].rstrip()
    return value


def strip_around(text: str, lead: str, trail: str) -> str:
    """`text` without the whitespace and the characters of `lead` at its start, nor those of
    `trail` at its end."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in lead):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in trail):
        end -= 1
    return text[start:end]
