"""The pieces of a written period as tokens: dates, years, months, quarters, numbers and links."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.parsing.months import month
from bot.parsing.normalise import FieldError
from bot.parsing.numbers import joined, number, ordinal

log = logging.getLogger(__name__)

# Words joining the two ends of a range ("to", "au", "a", "hasta"...) and words that say where a
# period starts; "a partir de", "à compter de", "a contar de" are made "from" first.
LINKS = {
    *("to", "until", "till", "til", "through", "thru", "and", "au", "aux", "a", "et"),
    *("jusqu'au", "jusqu'a", "jusqu'en", "al", "hasta", "y"),
}
STARTS = {"from", "since", "starting", "start", "beginning", "commencing", "desde", "depuis", "des"}
FILLERS = {
    *("de", "del", "du", "d", "of", "the", "in", "en", "on", "le", "la", "les", "el", "l"),
    *("between", "entre", "during", "pendant", "durant", "durante", "for", "pour", "para"),
    *("over", "sur", "por", "approximately", "approx", "about", "around", "environ"),
    *("aproximadamente", "circa", "ca", "gestion", "at"),
    *("calendar", "civil", "calendario", "period", "periode", "periodo", "inclusive", "incl"),
    *("included", "inclus", "incluido", "effective", "as", "partir", "compter", "contar"),
    *("project", "projet", "proyecto"),
    # "all of 2027", "toute l'année 2027", "todo 2027": the whole of what follows
    *("all", "whole", "entire", "full", "throughout", "tout", "toute", "entier", "entiere"),
    *("todo", "toda", "completo", "completa", "entero", "entera"),
}
# Words saying the years are fiscal years ("FY" too): read by the writer's country.
FISCAL_WORDS = {
    *("fiscal", "fiscales", "fiscale", "financial", "budgetary", "financier", "financiero"),
    *("exercice", "exercices", "budgetaire", "ejercicio", "ejercicios", "presupuestario"),
    "presupuestal",
}
# "end of 2028", "fin 2028", "finales de 2028": the last day of what follows, as a range's end.
END_WORDS = {"end", "fin", "finales", "fines", "final", "cierre"}
# "mid-2027", "mi-2027", "mediados de 2027": no day to read, so the writer is asked.
MID_WORDS = {"mid", "mi", "mediados", "milieu"}
# Words that tell a date is written day first: French and Spanish ones.
DAY_FIRST_WORDS = {"du", "au", "al", "del", "de", "desde", "hasta", "jusqu'au", "a", "et", "y"}
PART_WORDS = {
    **dict.fromkeys(("quarter", "quarters", "trimestre", "trimestres", "trimester"), 3),
    **dict.fromkeys(("semester", "semesters", "semestre", "semestres", "half"), 6),
    **dict.fromkeys(("moitie", "mitad"), 6),
}
UNIT_WORDS = {
    **dict.fromkeys(("month", "months", "mois", "mes", "meses"), 1),
    **dict.fromkeys(("year", "years", "an", "ans", "annee", "annees", "ano", "anos"), 12),
}
_TOKEN = re.compile(
    r"""
    (?P<iso>(?<!\d)\d{4}-\d{1,2}(?:-\d{1,2})?(?![\d/.]))
    |(?P<dmy>(?<!\d)\d{1,2}(?P<dsep>[./-])\d{1,2}(?P=dsep)\d{4}(?!\d))
    |(?P<my>(?<!\d)\d{1,2}[./]\d{4}(?!\d))
    |(?P<span>(?<!\d)\d{4}\s?/\s?\d{2}(?!\d))
    |(?P<fy>\bfy\s?-?(?:\d{4}|\d{2})(?:\s?[/-]\s?\d{2}(?!\d))?(?!\d))
    |(?P<part>\b[qtsh][1-4](?:\s?[/-]\s?\d{4})?\b)
    |(?P<year>(?<!\d)\d{4}(?!\d))
    |(?P<num>(?<!\d)\d{1,2}(?:st|nd|rd|th|er|re|eme|e|o|a|°)?(?!\w))
    |(?P<word>[^\W\d]+(?:'[^\W\d]+)?)
    |(?P<link>[-–—‒−/]|\.\.|>)
    |(?P<skip>[,.;:]+)
    """,
    re.VERBOSE,
)
_FROM = re.compile(r"\ba (?:partir|compter|contar)\b")
# Spreadsheet dates: "1-Mar-27", "01/mars/2027", "Mar-27", "Mar/27", "Jan '28".
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})[-/.]([^\W\d]{3,9})\.?[-/.](\d{4}|\d{2})(?!\d)")
_MONTH_YEAR = re.compile(r"\b([^\W\d]{3,9})\.?(?:[-/]|\s?')(\d{2})(?![\d/.-])")


@dataclass(frozen=True)
class Token:
    """One piece: kind is date, dmy, year, month, number, part, part_word, unit, link, start,
    fiscal ("FY", "exercice"), end ("end of", "fin"), mid ("mid-2027") or filler."""

    kind: str
    value: tuple[int, ...] = ()
    text: str = ""


def tokens(text: str) -> list[Token]:
    """The tokens of a period; raises FieldError "invalid" on a word that is not part of one."""
    plain = _spreadsheet_dates(_FROM.sub("from", joined(text)))
    found: list[Token] = []
    position = 0
    for match in _TOKEN.finditer(plain):
        if plain[position : match.start()].strip():
            raise FieldError("invalid", text)
        position = match.end()
        found += _read(_kind(match), match.group(), text)
    if plain[position:].strip():
        raise FieldError("invalid", text)
    return _numbers_before_units(found)


def _spreadsheet_dates(plain: str) -> str:
    """ "1-Mar-27" → "1 mar 2027", "Mar-27" → "mar 2027" (only where the word is a month)."""

    def year(digits: str) -> str:
        return digits if len(digits) == 4 else f"20{digits}"

    def day_month_year(m: re.Match[str]) -> str:
        return f"{m[1]} {m[2]} {year(m[3])}" if month(m[2]) else m[0]

    def month_year(m: re.Match[str]) -> str:
        return f"{m[1]} {year(m[2])}" if month(m[1]) else m[0]

    return _MONTH_YEAR.sub(month_year, _DAY_MONTH_YEAR.sub(day_month_year, plain))


def _kind(match: re.Match[str]) -> str:
    """The name of the group that matched (the date separator group is part of "dmy")."""
    return next(name for name, value in match.groupdict().items() if value and name != "dsep")


def _read(kind: str, raw: str, text: str) -> list[Token]:
    digits = [int(d) for d in re.findall(r"\d+", raw)]
    if kind == "iso":
        year, month_, *day = digits
        if not day and month_ > max(12, year % 100) and len(raw.split("-")[1]) == 2:
            return _span(year, month_)
        return [Token("date", (year, month_, *day))]
    if kind == "dmy":
        return [Token("dmy", tuple(digits), re.sub(r"\d", "", raw)[0])]
    if kind == "my":
        return [Token("date", (digits[1], digits[0]))]
    if kind == "span":
        return _span(*digits)
    if kind == "fy":
        years = [d if d > 999 else 2000 + d for d in digits[:1]]
        return [Token("fiscal", text="fy"), Token("year", (years[0],), "fy")] + (
            _span(years[0], digits[1])[1:] if digits[1:] else []
        )
    if kind == "part":
        size = 3 if raw[0] in "qt" else 6
        return [Token("part", (size, digits[0], *digits[1:]))]
    if kind == "year":
        return [Token("year", (digits[0],))]
    if kind == "num":
        return [Token("number", (digits[0],), raw)]
    if kind == "link":
        return [Token("link", text=raw)]
    if kind == "skip":
        return []
    return _word(raw, text)


def _span(year: int, last: int) -> list[Token]:
    """2027/28 and 2027-28: from the first year to the last, written with two digits."""
    if last < 100:
        last += year - year % 100
    return [Token("year", (year,)), Token("link", text="/"), Token("year", (last,))]


def _word(raw: str, text: str) -> list[Token]:
    prefix, _, rest = raw.rpartition("'")
    if prefix in ("d", "l", "qu"):
        raw = rest
    if raw in LINKS:
        return [Token("link", text=raw)]
    if raw in STARTS:
        return [Token("start", text=raw)]
    if raw in FILLERS:
        return [Token("filler", text=raw)]
    if raw in FISCAL_WORDS:
        return [Token("fiscal", text=raw)]
    if raw in END_WORDS:
        return [Token("end", text=raw)]
    if raw in MID_WORDS:
        return [Token("mid", text=raw)]
    if raw in PART_WORDS:
        return [Token("part_word", (PART_WORDS[raw],), raw)]
    if raw in UNIT_WORDS:
        return [Token("unit", (UNIT_WORDS[raw],), raw)]
    if (found := ordinal(raw)) is not None:
        return [Token("number", (found,), raw)]
    found_month = month(raw)
    found_number = number(raw)
    if found_month is None and found_number is None:
        raise FieldError("invalid", text)
    return [Token("month" if found_month else "number", (found_month or found_number or 0,), raw)]


def _numbers_before_units(found: list[Token]) -> list[Token]:
    """A number word before a unit: "sept mois" is 7 months, "sept 2027" September; "18-month"."""
    kept: list[Token] = []
    for i, token in enumerate(found):
        after = found[i + 1] if i + 1 < len(found) else Token("end")
        if token.kind == "link" and after.kind == "unit" and kept and kept[-1].kind == "number":
            continue
        if token.kind == "month" and after.kind == "unit" and number(token.text):
            token = Token("number", (number(token.text) or 0,), token.text)
        kept.append(token)
    return kept
