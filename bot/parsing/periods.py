"""Periods as people write them: `2027-2028`, `2027-01 to 2027-12`, `du 2027-01 au 2027-12`."""

from __future__ import annotations

import calendar
import re
from datetime import date

from bot.parsing.normalise import FieldError, fold

_DATE = re.compile(r"(?<!\d)(\d{4})(?:-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?)?(?!\d)")
_CONNECTORS = {
    "from",
    "to",
    "until",
    "till",
    "through",
    "thru",
    "between",
    "and",
    "du",
    "au",
    "de",
    "a",
    "entre",
    "et",
    "jusqu'au",
    "jusqu'a",
    "depuis",
    "desde",
    "hasta",
    "al",
    "y",
}


def period(text: str) -> tuple[date, date]:
    """First and last day of a period given by one or two ISO dates, months or years.

    A month ends on its last day and a year on 31 December: `2027-01 to 2027-12` is
    2027-01-01..2027-12-31, `2027` the whole year. Raises FieldError "invalid" (not one or two ISO
    dates joined by to/until/au/a/hasta/-/–) or "start_after_end".
    """
    matches = list(_DATE.finditer(text))
    between = fold(_DATE.sub(" ", text)).split()
    if not 1 <= len(matches) <= 2 or any(word not in _CONNECTORS for word in between):
        raise FieldError("invalid", text)
    try:
        bounds = [_bounds(m) for m in matches]
    except ValueError as exc:
        raise FieldError("invalid", text) from exc
    start, end = bounds[0][0], bounds[-1][1]
    if start > end:
        raise FieldError("start_after_end", text)
    return start, end


def _bounds(match: re.Match[str]) -> tuple[date, date]:
    """The first and the last day that a year, a month or a day stands for."""
    year, month, day = match.groups()
    if month is None:
        return date(int(year), 1, 1), date(int(year), 12, 31)
    if day is None:
        last = calendar.monthrange(int(year), int(month))[1]
        return date(int(year), int(month), 1), date(int(year), int(month), last)
    one_day = date(int(year), int(month), int(day))
    return one_day, one_day
