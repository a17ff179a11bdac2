"""A form of assistance written among the areas, or an area among the forms, goes where it
belongs: "Areas: national capacity, exchange of experience" names the best-practice exchange."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.parsing.fields import Vocabulary
from bot.parsing.normalise import fold, lookup

if TYPE_CHECKING:  # the parser imports this module
    from bot.parsing.parser import Problem

Lookup = Callable[[str], tuple[str, ...] | None]


def uncrossed(
    areas: tuple[str, ...],
    forms: tuple[str, ...],
    problems: list[Problem],
    vocab: Vocabulary,
    missing: Callable[[str], Problem],
) -> tuple[tuple[str, ...], tuple[str, ...], list[Problem]]:
    """(areas, forms, problems) with each value unknown in its field but known in the other
    moved there and its problem dropped; a field left empty by the move is asked for."""
    found: dict[str, list[str]] = {"areas": list(areas), "assistance": list(forms)}
    # only a value the other field knows as written (a label, synonym or abbreviation): a word
    # that merely fits some term there ("data") stays a question in its own field
    other: dict[str, tuple[str, Lookup]] = {
        "areas": ("assistance", lambda word: lookup(vocab.assistance_index, fold(word))),
        "assistance": ("areas", lambda word: lookup(vocab.area_index, fold(word))),
    }
    kept: list[Problem] = []
    moved_from: set[str] = set()
    for problem in problems:
        if problem.field in other and problem.code == "unknown_value":
            there, known = other[problem.field]
            codes = known(problem.value)
            if codes:
                found[there] += [c for c in codes if c not in found[there]]
                moved_from.add(problem.field)
                continue
        kept.append(problem)
    for name in moved_from:
        if not found[name] and not any(p.field == name for p in kept):
            kept.append(missing(name))
    return tuple(found["areas"]), tuple(found["assistance"]), kept
