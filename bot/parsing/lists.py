"""Lists as people write them: split at commas, "and"/"et"/"y", slashes; brackets qualify."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from bot.parsing.normalise import fold

T = TypeVar("T")

_SEPARATORS = re.compile(r"[,;\n•·▪]+")  # and bullets between items: "clearance • EORE"
_SEPARATOR_CHARS = ",;\n•·▪"
# Each try starts where a run of spaces starts (never inside one): linear in the text.
_CONJUNCTIONS = re.compile(
    r"(?<!\s)(?:\s+(?:and|et|y|e|&|\+|or|ou|o|u|as well as|ainsi que|así como)\s+|\s*/\s*)",
    re.IGNORECASE,
)


def resolve_list(
    text: str,
    find: Callable[[str], T | None],
    qualifiers: frozenset[str] = frozenset(),
    fillers: frozenset[str] = frozenset(),
    within: Callable[[T, Sequence[T]], bool] | None = None,
) -> tuple[list[T], list[str]]:
    """Split a list ("a, b; c and d") and look each item up: (found values, unknown items).

    Commas inside a name are tried first ("Korea, Republic of"), and "and"/"et"/"y" only split an
    item that is not known as a whole ("Bosnia and Herzegovina" stays one). Text in brackets is a
    qualifier or an abbreviation, never an item of its own: "financial (grant, multi-year)" is
    financial, "technical survey (TS)" technical survey, and "other (risk education)" what the
    brackets say when the words outside them mean nothing. Parts that share a head are read
    with it ("West and Central Africa", "Afrique de l'Ouest et centrale", "technical and
    non-technical survey"), and known words followed by one of `qualifiers` (folded: "for",
    "de"…) are qualified by the rest ("training for national staff and EOD technicians").
    Brackets that name members of a group narrow it: "victim assistance (rehabilitation)", and
    `within(value, group values)` says what a member is (default: a tuple of codes within one
    of the group's, "Sahel (Mali, Niger)" for places). Items that are `fillers` (folded: "etc",
    "among others") are no items.
    """
    within = within or _within
    pieces = [p.strip(" \t-*•·–—▪◦") for p in _split_outside_brackets(text)]
    pieces = [p for p in pieces if fold(p) and fold(p) not in fillers]
    found: list[T] = []
    unknown: list[str] = []
    i = 0
    while i < len(pieces):
        for n in (3, 2, 1):
            hit = find(", ".join(pieces[i : i + n])) if i + n <= len(pieces) else None
            if hit is not None:
                found.append(hit)
                i += n
                break
        else:
            outside, inside = _brackets(pieces[i])
            hits, missing = _look_up(outside, find, qualifiers, fillers)
            if inside and not hits:  # the words outside mean nothing: the brackets may say it
                said = [hit for hit in map(find, inside) if hit is not None]
                if not said:  # or list them: "local languages (Bosnian, Albanian)"
                    said, unsaid = resolve_list(", ".join(inside), find, qualifiers, fillers)
                    said = [] if unsaid else said
                if said:
                    hits, missing = said, []
            elif inside and len(hits) == 1:  # the brackets may name members of a group
                said, unsaid = resolve_list(", ".join(inside), _member(outside, hits, find))
                if said and not unsaid and all(within(hit, hits) for hit in said):
                    hits = said
            found.extend(hits)
            unknown.extend(missing)
            i += 1
    return found, unknown


def _member(
    group: str, hits: Sequence[object], find: Callable[[str], T | None]
) -> Callable[[str], T | None]:
    """Look a word up as a member of `group` first: "planning" in "stockpile destruction
    (planning, operations)" is "stockpile destruction — planning"."""

    def member(text: str) -> T | None:
        hit = find(f"{group} — {text}")
        return hit if hit is not None and _within(hit, hits) else find(text)

    return member


def _within(inner: object, outer: Sequence[object]) -> bool:
    """A value that is one of `outer`, or a tuple of codes within one of theirs."""
    if isinstance(inner, tuple):
        return any(isinstance(o, tuple) and set(inner) <= set(o) for o in outer)
    return inner in outer


def _look_up(
    item: str, find: Callable[[str], T | None], qualifiers: frozenset[str], fillers: frozenset[str]
) -> tuple[list[T], list[str]]:
    """An item known as a whole once its brackets are out ("policies and coordination (CRPD)"),
    else split at "and", "et", "y", "&", "+" and "/"."""
    whole = find(item) if item and _CONJUNCTIONS.search(item) else None
    if whole is not None:
        return [whole], []
    parts = [part.strip() for part in _CONJUNCTIONS.split(item) if fold(part)]
    parts = [_unpadded(part, fillers) for part in parts if fold(part) not in fillers]
    hits: list[T] = []
    missing: list[str] = []
    qualifying = False  # the previous part was known words and a qualifier: this one goes on
    for i, part in enumerate(parts):
        hit = find(part)
        if hit is None:
            hit = _with_shared_head(parts, i, find)
        if hit is None:
            hit = _qualified(part, find, qualifiers)
            if hit is None and qualifying:
                continue
            qualifying = hit is not None
        else:
            qualifying = False
        if hit is None:
            missing.append(part)
        else:
            hits.append(hit)
    return hits, missing


def _unpadded(part: str, fillers: frozenset[str]) -> str:
    """A part without the filler that ends it ("risk education among others")."""
    words = part.split()
    for n in (3, 2, 1):
        if len(words) > n and fold(" ".join(words[-n:])) in fillers:
            return " ".join(words[:-n])
    return part


def _with_shared_head(parts: list[str], i: int, find: Callable[[str], T | None]) -> T | None:
    """parts[i] read with the head it shares with its neighbour: the last words of the next
    part ("West" and "Central Africa": "West Africa") or the first words of the previous one
    ("Afrique de l'Ouest" and "centrale": "Afrique centrale")."""
    if i + 1 < len(parts) and find(parts[i + 1]) is not None:
        words = parts[i + 1].split()
        for n in range(1, len(words)):
            hit = find(f"{parts[i]} {' '.join(words[-n:])}")
            if hit is not None:
                return hit
    if i > 0 and find(parts[i - 1]) is not None:
        words = parts[i - 1].split()
        for n in range(1, len(words)):
            hit = find(f"{' '.join(words[:n])} {parts[i]}")
            if hit is not None:
                return hit
    return None


def _qualified(part: str, find: Callable[[str], T | None], qualifiers: frozenset[str]) -> T | None:
    """The longest known words of `part` that a qualifier follows: "deployment of experts",
    "adscripción de un experto de la DDPS", "dépollution du secteur nord"."""
    words = part.split()
    cuts = [
        n
        for n in range(1, len(words))
        if fold(words[n]) in qualifiers or _elided(words[n], qualifiers)
    ]
    for n in reversed(cuts):
        hit = find(" ".join(words[:n]))
        if hit is not None:
            return hit
    return None


def _elided(word: str, qualifiers: frozenset[str]) -> bool:
    """A word that starts with an elided qualifier: "d'experts", "l'"."""
    head, apostrophe, _ = word.replace("’", "'").partition("'")
    return bool(apostrophe) and f"{fold(head)}'" in qualifiers


def _split_outside_brackets(text: str) -> list[str]:
    """Split on commas, semicolons and line ends that are not inside brackets. Brackets that
    are not closed on their line split as if they were not there (one pass: linear)."""
    if not _balanced(text):
        return _SEPARATORS.split(text)
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif char in _SEPARATOR_CHARS and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:
                return False
        elif char == "\n" and depth:
            return False
    return depth == 0


def _brackets(item: str) -> tuple[str, list[str]]:
    """(the words outside the brackets, what each bracket holds); an item without balanced
    brackets is all outside."""
    if "(" not in item and "[" not in item or not _balanced(item):
        return item, []
    outside: list[str] = []
    inside: list[str] = []
    current: list[str] = []
    depth = 0
    for char in item:
        if char in "([":
            if depth == 0:
                outside.append(" ")
                current = []
            else:
                current.append(char)
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth == 0:
                inside.append("".join(current).strip())
                outside.append(" ")
            else:
                current.append(char)
        elif depth:
            current.append(char)
        else:
            outside.append(char)
    return " ".join("".join(outside).split()), [part for part in inside if fold(part)]
