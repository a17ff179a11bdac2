"""Amounts and periods mentioned in running text, read by money() and period() in place."""

# For each number in the text, the longest span of words around it (inside its clause) that
# bot.parsing.money.money or bot.parsing.periods.period reads: whatever those two learn to read,
# prose gets too.

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TypeVar

from babel.dates import get_month_names

from bot.parsing.money import money
from bot.parsing.normalise import FieldError, fold
from bot.parsing.periods import period
from bot.parsing.prose import count_phrases, phrases
from bot.words import LANGUAGES

T = TypeVar("T")

_CLAUSE = re.compile(r"[.!?;,]+(?=\s|$)|\n\s*\n|[()\[\]]")  # amounts and periods stay inside one
_SPAN = 6  # words each side of a number that a value may take ("2 ans à partir de mai 2027")
_NUMBERS_IN_SPAN = 4  # "1 500 000 €" is three; a span with more numbers is a list, not one value
_NUMBERS_READ = 200  # numbers tried per text: prose names a few, a table of figures is no prose


def amounts(text: str) -> list[tuple[Decimal, str]]:
    """Every amount of money in the text that money() reads, in order."""
    found = _read_around_numbers(text, money, _has_digit)
    return [value for _, value in found if value is not None]


def periods(text: str) -> list[tuple[date, date] | None]:
    """Every period in the text that period() reads; of spans that overlap, the longest.

    A span next to a month's name or a part of a year was read without it ("2027" of "starting
    January 2027", "Q3 2027"): it says less than the writer did, so it comes back as None rather
    than as the whole year."""
    found = _read_around_numbers(text, period, _has_year, _names_part_of_year, _only_a_start)
    return [value for _, value in found]


def _read_around_numbers(
    text: str,
    read: Callable[[str], T],
    wanted: Callable[[str], bool],
    left_out: Callable[[str], bool] = lambda word: False,
    only_a_start: Callable[[list[str], T], bool] | None = None,
) -> list[tuple[tuple[int, int], T | None]]:
    """For each word that `wanted` picks, the longest span around it (within its clause) that
    `read` reads (None when a word next to it is `left_out`); spans inside a longer one are
    dropped."""
    found: list[tuple[tuple[int, int], T | None]] = []
    tries = 0
    for clause in _clauses(text):
        words = clause.split()
        numbers = [_has_digit(word) for word in words]
        for i, word in enumerate(words):
            if not wanted(word) or tries >= _NUMBERS_READ:
                continue
            tries += 1
            best: tuple[tuple[int, int], T] | None = None
            for start, end in _spans(i, len(words)):
                if best is not None and end - start <= best[0][1] - best[0][0]:
                    continue
                if sum(numbers[start:end]) > _NUMBERS_IN_SPAN:
                    continue
                try:
                    best = ((start, end), read(_trim(" ".join(words[start:end]))))
                except FieldError:
                    continue
            if best is None:
                continue
            (start, end), value = best
            partial = any(left_out(words[j]) for j in (start - 1, end) if 0 <= j < len(words))
            if not partial and only_a_start is not None:
                partial = only_a_start(words[max(0, start - 2) : start + 2], value)
            span = (start + clause.start, end + clause.start)
            found.append((span, None if partial else value))
    return _outermost(found)


@dataclass(frozen=True)
class _Clause:
    text: str
    start: int  # the index of its first word among all the words of the text

    def split(self) -> list[str]:
        return self.text.split()


def _clauses(text: str) -> Iterator[_Clause]:
    start = 0
    for piece in _CLAUSE.split(text):
        yield _Clause(piece, start)
        start += len(piece.split()) + 1


def _spans(i: int, count: int) -> Iterator[tuple[int, int]]:
    for before in range(_SPAN + 1):
        for after in range(_SPAN + 1):
            start, end = i - before, i + after + 1
            if start >= 0 and end <= count:
                yield start, end


def _trim(span: str) -> str:
    return span.strip(" ,:;\"'“”«»")


def _outermost(
    found: list[tuple[tuple[int, int], T | None]],
) -> list[tuple[tuple[int, int], T | None]]:
    kept: list[tuple[tuple[int, int], T | None]] = []
    for (start, end), value in found:
        inside = any(s <= start and end <= e and (s, e) != (start, end) for (s, e), _ in found)
        if not inside and all((start, end) != span for span, _ in kept):
            kept.append(((start, end), value))
    return kept


@cache
def _month_names() -> frozenset[str]:
    """Month names and their abbreviations in en/fr/es, folded (Babel's)."""
    names = set()
    for lang in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                months = get_month_names(width, context, locale=lang)
                names |= {fold(name) for name in months.values()}
    return frozenset(name for name in names if len(name) >= 3)


# Words that make one month or one year only where a period starts ("starting March 2027", "à
# partir de mars 2027", "a partir de 2027"): the end is not said, so it is left to the writer. A
# range ("from 2027 to 2029") says its end and is read.
_FROM_ONLY = frozenset({"starting", "from", "beginning", "after", "des", "partir", "onwards"})


def _only_a_start(around: list[str], value: tuple[date, date]) -> bool:
    """A start word just before (or at the head of) a date that stands for one month or year."""
    start, end = value
    one = (end.year, end.month) == (start.year, start.month) or (
        start.year == end.year and (start.month, end.month) == (1, 12)
    )
    return one and any(fold(word).strip(".,") in _FROM_ONLY for word in around)


def _names_part_of_year(word: str) -> bool:
    """A month's name or a part of a year ("semestre", "Q3"): what a bare year leaves out."""
    return fold(word) in _month_names() or fold(word) in phrases("part_of_year")


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _has_year(word: str) -> bool:
    return bool(_YEAR.search(word))


def relative_year(folded: str, today: date) -> int | None:
    """The year that "next year" / "l'année prochaine" / "este año" in the text points at."""
    if count_phrases(folded, phrases("next_year")):
        return today.year + 1
    if count_phrases(folded, phrases("this_year")):
        return today.year
    return None
