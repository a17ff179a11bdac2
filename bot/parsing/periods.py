"""Periods as people write them: "March 2027 to February 2028", "T3 2027", "18 meses desde…"."""

from __future__ import annotations

import calendar
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.parsing.fiscal_years import fiscal_period
from bot.parsing.no_value import no_period
from bot.parsing.normalise import FieldError
from bot.parsing.period_words import DAY_FIRST_WORDS, Token, tokens

log = logging.getLogger(__name__)

_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
_PLURAL_YEARS = {"years", "exercices", "ejercicios", "fiscales", "anos", "annees", "ans"}


@dataclass(frozen=True)
class _End:
    """One end of a range as written: any of year, month (or a quarter/semester), day."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    part: tuple[int, int] | None = None  # (months in the part, which one): Q3 is (3, 3)

    @property
    def first_month(self) -> int:
        """The month this end starts in (January for a bare year)."""
        if self.part:
            return (self.part[1] - 1) * self.part[0] + 1
        return self.month or 1

    @property
    def coarse(self) -> bool:
        return self.month is None and self.part is None and self.day is None

    def bounds(self) -> tuple[date, date]:
        assert self.year is not None
        first, last = 1, 12
        if self.part:
            size, index = self.part
            if not 1 <= index <= 12 // size:
                raise ValueError(self.part)
            first, last = (index - 1) * size + 1, index * size
        elif self.month:
            first = last = self.month
        if self.day and not self.month:
            raise ValueError("a day without its month")
        if not 1900 <= self.year <= 2199:
            raise ValueError(self.year)
        start = date(self.year, first, self.day or 1)
        end = date(self.year, last, self.day or calendar.monthrange(self.year, last)[1])
        return start, end


def period_if_any(
    text: str, countries: Iterable[str] = ()
) -> tuple[date, date] | tuple[None, None]:
    """period(), or (None, None) where the text says a period does not apply: "n/a", "-",
    "sans objet", "no aplica"... The parser reads (None, None) as an empty field. A period not
    fixed yet ("as soon as possible", "TBD", "à définir") is an error: the writer is asked."""
    if no_period(text):
        return None, None
    return period(text, countries)


def period(text: str, countries: Iterable[str] = ()) -> tuple[date, date]:
    """First and last day of a period as people write it in English, French or Spanish.

    Months by name or abbreviation ("mars 2027 – février 2028", "June to December 2027": the
    first end takes the year of the second), days ("1 Jan 2027 – 31 Dec 2028", "du 1er février
    au 30 novembre 2027", "01.07.2027 - 30.06.2028"), quarters and semesters ("Q3 2027", "T1 2027
    – T4 2028", "2e semestre 2027", "second half of 2027"), durations from a start ("18 months
    from April 2027", "pendant 2 ans à partir de mars 2027"), years and spans ("2027", "de 2027 a
    2029"; "2027/28" is 2027-01-01..2028-12-31), ISO dates, the end of a year or month as the
    end of a range ("until end of 2028, starting March 2027"). Fiscal years ("FY2028", "fiscal
    year 2027", "exercice 2027", "año fiscal 2027", "FY2027/28", "2027/28 financial year") are
    read by the writer's `countries` (ISO3; see fiscal_years). A bracketed remark is left aside
    unless it holds a finer period than the text before it ("FY2027 (April 2027 – March 2028)")
    or the start or end the text lacks ("jusqu'à fin 2028 (à partir de mars 2027)"). "n/a",
    "-"...: see period_if_any.

    Raises FieldError "invalid" (not a period), "start_after_end", or "ambiguous": no year at
    all ("June to December"), a numeric date that reads both ways ("03/04/2027") where nothing
    tells day-first (a day above 12, dots, French or Spanish words) from month-first, "mid-2027",
    "end of 2028" alone, or a fiscal year no country decides.
    """
    remarks = [a or b for a, b in _BRACKETS.findall(text)]
    readings: list[tuple[date, date, bool]] = []
    error: FieldError | None = None
    for i, piece in enumerate((_BRACKETS.sub(" ", text), *remarks)):
        if not piece.strip():
            continue
        try:
            readings.append(_period(piece, text, countries))
        except FieldError as exc:
            error = exc if i == 0 else error
    if remarks and (error or not readings):
        try:  # the start in brackets and the end outside, or the other way round
            return _period(re.sub(r"[()\[\]]", " ", text), text, countries)[:2]
        except FieldError:
            pass
    finer = [reading for reading in readings if not reading[2]]
    if error and error.code == "ambiguous" and finer:
        return finer[0][:2]  # "FY2027 (April 2027 – March 2028)": the remark answers
    if not readings or (error and error.code != "invalid"):
        raise FieldError(error.code if error else "invalid", text)  # the whole text, as sent
    start, end, _ = min(readings, key=lambda reading: reading[2])  # a finer one, else the first
    return start, end


def _period(piece: str, text: str, countries: Iterable[str]) -> tuple[date, date, bool]:
    """(start, end, whole years only) of one piece of text; FieldErrors name the whole text."""
    found = tokens(piece)
    if any(token.kind == "mid" for token in found):
        raise FieldError("ambiguous", text)  # "mid-2027": which day?
    months = 0
    kept: list[Token] = []
    for token in found:
        if token.kind == "unit" and kept and kept[-1].kind == "number":
            months += kept.pop().value[0] * token.value[0]  # "18 months", "dos años"
        elif token.kind == "link" and token.text == "-" and kept and kept[-1].kind == "end":
            continue  # "end-2028"
        elif token.kind not in ("filler", "unit", "fiscal"):
            kept.append(token)
    groups = _groups(_start_first(kept))
    if any(t.kind == "end" for group in groups[:-1] for t in group) or (
        len(groups) == 1 and not months and any(t.kind == "end" for t in groups[0])
    ):
        raise FieldError("ambiguous", text)  # "end of 2028" alone, or as a start
    groups = [[t for t in group if t.kind != "end"] for group in groups]
    starts_only = any(t.kind == "start" for t in kept) and len(groups) == 1
    if not groups or len(groups) > 2 or (months and len(groups) != 1):
        raise FieldError("invalid", text)
    if starts_only and not months:
        raise FieldError("invalid", text)  # "from April 2027": an end is needed
    day_first = _day_first(found, text)
    ends = [_end(group, day_first, text) for group in groups]
    ends = _shared_year(ends, text)
    try:
        bounds = [end.bounds() for end in ends]
    except (ValueError, OverflowError) as exc:
        raise FieldError("invalid", text) from exc
    start, end = bounds[0][0], bounds[-1][1]
    if _fiscal_ends(found) and all(e.coarse for e in ends) and not months:
        years = [e.year or 0 for e in ends]
        one = _one_fiscal_year(found) and len(years) == 2
        start, end = fiscal_period(
            years[0], years[-1], one_year=one, countries=countries, text=text
        )
    if months:
        end = _months_later(start, months) - timedelta(days=1)
    if start > end:
        raise FieldError("start_after_end", text)
    return start, end, all(e.coarse for e in ends) and not months


def _fiscal_ends(found: list[Token]) -> int:
    """How many ends of the range say they are fiscal years: "FY2027/28" 1, "FY27 – FY29" 2."""
    marked, ends = set(), 0
    for token in found:
        if token.kind == "link":
            ends += 1
        elif token.kind == "fiscal":
            marked.add(ends)
    return len(marked)


def _one_fiscal_year(found: list[Token]) -> bool:
    """ "FY2027/28", "2027-2028 financial year": two years joined by a dash or a slash under one
    fiscal word name one fiscal year; "exercices 2027 et 2028", "FY27 – FY28" name two."""
    links = [token.text for token in found if token.kind == "link"]
    plural = any(token.text in _PLURAL_YEARS for token in found)
    return _fiscal_ends(found) == 1 and links in (["/"], ["-"], ["–"], ["—"]) and not plural


def _start_first(kept: list[Token]) -> list[Token]:
    """ "until end of 2028, starting March 2027": the start written after the end is put first."""
    if not kept or kept[0].kind != "link":
        return kept
    starts = [i for i, token in enumerate(kept) if token.kind == "start"]
    if not starts:
        return kept
    return kept[starts[0] :] + kept[: starts[0]]


def _groups(kept: list[Token]) -> list[list[Token]]:
    """The tokens of each end of the range, split at the links ("to", "–", "au", "a")."""
    groups: list[list[Token]] = [[]]
    for token in kept:
        if token.kind == "link":
            groups.append([])
        elif token.kind != "start":
            groups[-1].append(token)
    if any(not group for group in groups):
        return []  # "until June 2027", "2027 –": one end is missing
    return groups


def _end(group: list[Token], day_first: bool, text: str) -> _End:
    """One end from its tokens: "1er février", "Q3 2027", "segundo trimestre de 2027", "2027"."""
    values: dict[str, int] = {}
    numbers: list[int] = []

    def put(**found: int) -> None:
        if values.keys() & found.keys():
            raise FieldError("invalid", text)  # two years, two months... in one end
        values.update(found)

    for token in group:
        if token.kind == "date":
            put(**dict(zip(("year", "month", "day"), token.value, strict=False)))
        elif token.kind == "dmy":
            first, second, year = token.value
            day, month = (first, second) if day_first else (second, first)
            put(day=day, month=month, year=year)
        elif token.kind in ("year", "month"):
            put(**{token.kind: token.value[0]})
        elif token.kind == "part":
            put(size=token.value[0], index=token.value[1])
            put(**dict(zip(("year",), token.value[2:], strict=False)))
        elif token.kind == "part_word" and numbers:
            put(size=token.value[0], index=numbers.pop())
        elif token.kind == "number":
            numbers.append(token.value[0])
        else:
            raise FieldError("invalid", text)
    if len(numbers) > 1 or (numbers and not 1 <= numbers[0] <= 31):
        raise FieldError("invalid", text)
    put(**dict(zip(("day",), numbers, strict=False)))
    if "size" in values and ("month" in values or "day" in values):
        raise FieldError("invalid", text)
    part = (values["size"], values["index"]) if "size" in values else None
    return _End(values.get("year"), values.get("month"), values.get("day"), part)


def _shared_year(ends: list[_End], text: str) -> list[_End]:
    """ "June to December 2027", "du 1er au 30 novembre 2027": an end takes the other's year."""
    if len(ends) == 2:
        first, last = ends
        if first.year is None and last.year is not None and not last.coarse:
            month = first.month or (last.month if first.day and not first.part else None)
            first = replace(first, year=last.year, month=month)
            if first.first_month > last.first_month:
                raise FieldError("ambiguous", text)  # "November to February 2028": which year?
        elif last.year is None and first.year is not None and not first.coarse:
            last = replace(last, year=first.year)
            if first.first_month > last.first_month:
                raise FieldError("ambiguous", text)
        ends = [first, last]
    if any(end.year is None for end in ends):
        if all(end.coarse and end.day is None for end in ends):
            raise FieldError("invalid", text)
        raise FieldError("ambiguous", text)
    return ends


def _day_first(found: list[Token], text: str) -> bool:
    """Whether "01/07/2027" is 1 July: a first number above 12, dots, or French/Spanish words."""
    dates = [t for t in found if t.kind == "dmy"]
    if not dates:
        return True
    day_first = any(t.value[0] > 12 for t in dates)
    month_first = any(t.value[1] > 12 for t in dates)
    if day_first and month_first:
        raise FieldError("invalid", text)
    if day_first or month_first:
        return day_first
    if all(t.value[0] == t.value[1] for t in dates):
        return True
    words = {t.text for t in found if t.kind in ("link", "filler", "start")}
    if any(t.text == "." for t in dates) or words & DAY_FIRST_WORDS:
        return True
    raise FieldError("ambiguous", text)


def _months_later(start: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
