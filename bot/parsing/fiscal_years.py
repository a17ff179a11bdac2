"""Fiscal years by the writer's country: "FY2028" starts in October 2027 in the USA."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from bot.parsing.normalise import FieldError

log = logging.getLogger(__name__)

DATA_PATH = Path(__file__).parent.parent / "data" / "fiscal_years.json"


@dataclass(frozen=True)
class FiscalYear:
    """When a country's fiscal year starts, and whether "FY2028" names its first or last year."""

    month: int = 1
    named_by: str = "start"  # "start" or "end"

    def first_day(self, year: int) -> date:
        """The first day of the fiscal year called `year`."""
        if self.month == 1:
            return date(year, 1, 1)
        return date(year - 1 if self.named_by == "end" else year, self.month, 1)

    def last_day(self, year: int) -> date:
        return self.first_day(year + 1) - timedelta(days=1)


CALENDAR = FiscalYear()


@cache
def _table() -> dict[str, FiscalYear]:
    """bot/data/fiscal_years.json as read (once)."""
    data = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    return {code: FiscalYear(**start) for code, start in data["starts"].items()}


def fiscal_year_of(countries: Iterable[str], text: str) -> FiscalYear:
    """The fiscal year the writer's countries (ISO3) share; a country not in the table keeps
    the calendar year. Raises FieldError "ambiguous" when no country is known or they differ."""
    found = {_table().get(code.upper(), CALENDAR) for code in countries}
    if len(found) != 1:
        raise FieldError("ambiguous", text)
    return found.pop()


def fiscal_period(
    first: int, last: int, *, one_year: bool, countries: Iterable[str], text: str
) -> tuple[date, date]:
    """The days of fiscal years `first`..`last` as the writer's country counts them.

    `one_year` says that two consecutive years name a single fiscal year ("FY2027/28", "2027-28
    financial year"): for a year starting in April it runs April 2027 – March 2028 whichever
    year names it; for a calendar fiscal year the two years are read as written.
    """
    fiscal = fiscal_year_of(countries, text)
    if one_year and fiscal.month != 1 and last == first + 1:
        start = date(first, fiscal.month, 1)
        return start, date(last, fiscal.month, 1) - timedelta(days=1)
    return fiscal.first_day(first), fiscal.last_day(last)
