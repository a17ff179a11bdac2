"""Split a `Label: value` line with string operations, in one pass (no regex backtracking)."""

from __future__ import annotations

import re

_COLON = re.compile("[:：]")
BULLETS = "-*•+"
BOLD = ("**", "__")
LABEL_MAX = 40


def split_label(line: str) -> tuple[str, str] | None:
    """(label, value) of a template line such as `- **Title:** Mine action`, or None.

    The label is what precedes the first colon, less the indentation, one bullet (- * • +) and
    bold markers (** or __) around it; it has 1 to 40 characters and neither * nor _. The value
    follows the colon, less a bold marker and the spaces around it."""
    colon = _COLON.search(line)
    if colon is None:
        return None
    label = _label(line[: colon.start()])
    if label is None:
        return None
    value = line[colon.end() :].lstrip()
    if value.startswith(BOLD):
        value = value[2:].lstrip()
    return label, value


# What people type instead of a colon after a label: a tab, "=", or a dash between spaces.
OTHER_SEPARATORS = ("\t", "=", " - ", " – ", " — ")


def split_label_otherwise(line: str) -> tuple[str, str] | None:
    """(label, value) of a line whose label is followed by a tab, "=" or a spaced dash instead of
    a colon (`Title – Mine action`, `AREAS = clearance`), cut at the first such separator; the
    caller keeps it only when the label is one it knows."""
    cut: tuple[int, str] | None = None
    for separator in OTHER_SEPARATORS:
        at = line.find(separator, 1)
        if at > 0 and (cut is None or at < cut[0]):
            cut = (at, separator)
    if cut is None:
        return None
    label = _label(line[: cut[0]])
    if label is None:
        return None
    value = line[cut[0] + len(cut[1]) :].strip()
    if value.startswith(BOLD):
        value = value[2:].lstrip()
    return label, value


def _label(head: str) -> str | None:
    core = head.strip()
    if core.endswith(BOLD):
        core = core[:-2].rstrip()
    choices = [core[1:].lstrip(), core] if core and core[0] in BULLETS else [core]
    for choice in choices:
        if choice.startswith(BOLD):
            choice = choice[2:].lstrip()
        if 0 < len(choice) <= LABEL_MAX and "*" not in choice and "_" not in choice:
            return choice
    return None


def strip_around(text: str, lead: str, trail: str) -> str:
    """`text` without the whitespace and the characters of `lead` at its start, nor those of
    `trail` at its end."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in lead):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in trail):
        end -= 1
    return text[start:end]
