"""Amounts of money as people write them: `250k USD`, `1,5 millions d'euros`, `CHF 75'000`."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision

from bot.parsing.currencies import (
    CFA,
    DOLLAR_CURRENCIES,
    DOLLAR_SIGN,
    SHARED,
    SYMBOLS,
    cfa_franc,
    currency_code,
    dollar_sign,
    shared_currency,
)
from bot.parsing.no_value import no_amount
from bot.parsing.normalise import FieldError, fold

log = logging.getLogger(__name__)
_fold = lru_cache(maxsize=4096)(fold)  # prose tries the same words in many spans

_SYMBOL = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
_TOKEN = re.compile(
    rf"""
    (?P<num>(?:\d{{1,3}}(?:[ \u00a0\u202f'’.,]\d{{3}})+|\d+)(?:[.,]\d+)?)
    |(?P<sym>{_SYMBOL})
    |(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?\.?)
    |(?P<other>\S)
    """,
    re.VERBOSE | re.IGNORECASE,
)
# "$ CA", "US $": the country letters of a dollar sign, written apart from it.
_SPACED_DOLLAR = re.compile(r"(?<![^\W\d_])([A-Z]{1,2})\s+\$|\$\s+([A-Z]{2})(?![^\W\d_])")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# "over two years", "sur 3 ans", "en 18 meses": the time a total is spent over, not a rate.
_SPENT_OVER = re.compile(
    r"\b(?:over|for|across|sur|pour|en|durante|a lo largo de)\s+(?:\d{1,2}|[^\W\d]+(?:-[^\W\d]+)*)"
    r"\s+(?:years?|months?|ans?|ann[ée]es?|mois|años?|anos?|mes|meses)\b",
    re.IGNORECASE,
)
# "per trainee", "par stagiaire", "por curso", "/day", "each": the figure is a rate per unit; the
# words after it, digits aside ("per trainee, accommodation included"), say what it is per.
_PER_UNIT = re.compile(r"\s(?i:per|par|por|each|cada|pour chaque)\b|/(?=\s*(?![A-Z]{3}\b)[^\W\d_])")
_MULTIPLIERS = {
    **dict.fromkeys(("k", "thousand", "thousands", "mille", "mil"), 10**3),
    **dict.fromkeys(("m", "mn", "mln", "mio", "mios", "million", "millions"), 10**6),
    **dict.fromkeys(("millon", "millones", "mill"), 10**6),
    **dict.fromkeys(("b", "bn", "billion", "billions", "md", "mds", "mrd", "mrds"), 10**9),
    **dict.fromkeys(("milliard", "milliards", "millardo", "millardos"), 10**9),
}
# The decimal mark of the language a multiplier word belongs to: "1.500 millones" is 1 500
# million, "1,5 milliard" 1.5 billion, "1.5 bn" too; "m", "k" and "million(s)" do not tell.
_DECIMAL_MARK = {
    **dict.fromkeys(("mil", "mille", "millon", "millones", "mill", "mio", "mios"), ","),
    **dict.fromkeys(("md", "mds", "mrd", "mrds", "milliard", "milliards"), ","),
    **dict.fromkeys(("millardo", "millardos"), ","),
    **dict.fromkeys(("thousand", "thousands", "mn", "mln", "b", "bn", "billion", "billions"), "."),
}
_FILLERS = {
    *("about", "approx", "approximately", "around", "circa", "ca", "c", "some", "roughly"),
    *("estimated", "est", "nearly", "almost", "up", "to", "total", "a", "max", "maximum"),
    *("budget", "us", "of", "in", "the", "environ", "env", "jusqu'a", "pres", "au", "plus"),
    *("estime", "estimee", "montant", "plafond", "maximo", "hasta", "aprox", "aproximadamente"),
    *("alrededor", "unos", "unas", "cerca", "estimado", "monto", "presupuesto", "de", "d", "en"),
    *("or", "ou", "o", "kind", "nature", "especie", "especies", "equivalent", "equivalente"),
    *("value", "valeur", "valor", "all", "tout", "overall", "global", "globale"),
}


def _without_unit(text: str) -> str:
    """The text less a unit after its last digit: "USD 5,000 per participant" → "USD 5,000"."""
    digits = [m.end() for m in re.finditer(r"\d", text)]
    last = digits[-1] if digits else 0
    found = _PER_UNIT.search(text, last)
    return text[: found.start()] if found else text


def no_sum(text: str) -> bool:
    """True when the text states no sum and no currency at all: "covered by the programme",
    "pris en charge par l'organisateur", "incluido". The parser reads it as a remark where the
    assistance is not financial, and asks "how much?" where it is."""
    if re.search(r"\d", text):
        return False
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    try:
        return not any(
            kind == "sym" or (kind == "word" and _currency_at(tokens, i, text))
            for i, (kind, _) in enumerate(tokens)
        )
    except FieldError:
        return False  # "pesos": a currency word, though several currencies share it


def money_if_any(
    text: str, countries: Iterable[str] = (), writers: Iterable[str] = ()
) -> tuple[Decimal, str] | tuple[None, None]:
    """money(), or (None, None) where the text says there is no amount: "n/a", "in kind", "TBD",
    "a convenir", "pas de montant"... The parser reads (None, None) as an empty field."""
    if no_amount(text):
        return None, None
    return money(text, countries, writers)


def money(
    text: str, countries: Iterable[str] = (), writers: Iterable[str] = ()
) -> tuple[Decimal, str]:
    """The amount and ISO 4217 currency of `text`.

    Text in brackets after the amount is a remark. A figure per unit ("300 000 FCFA per
    trainee", "USD 5,000 per participant", "EUR 2.000 por curso", "USD 250,000 per year") is
    the amount: the sum the writer wrote, never multiplied out by a number of trainees or years
    we would have to guess (the amount says the scale of the support; the unit is not kept).
    "¥" is JPY, "Fr." CHF; "mil" is the Spanish thousand and "mil millones" a billion. The CFA
    franc (FCFA, F CFA, francs CFA) is XAF or XOF by the record's `countries` (ISO3, or a region
    by its members), else by the writer's states (`writers`: a Beninese centre's offer); a bare
    "$" is USD unless one of them writes its own money with "$" (Colombia, Chile, Mexico,
    Canada...), where it is asked ("$250,000 CAD" says it).
    A single "," or "." before three digits groups thousands ("1,200", "1.200": money is not
    written with three decimals) unless a multiplier follows: then the multiplier's language
    tells ("3.500 millones" is 3 500 million, "1,250 milliard" 1.25 billion) or, when it does
    not ("1,500 M€", "1.250m"), it is asked.

    Raises FieldError: "invalid" (no number, or a word we do not read), "ambiguous" (two
    numbers, two currencies, a 3-digit group before "m"/"million", a currency word several
    currencies share, a CFA franc or a "$" the countries do not decide), "no_currency",
    "unknown_currency" (XYZ).
    """
    outside = _without_unit(_SPENT_OVER.sub(" ", _BRACKETS.sub(" ", text)))
    if not re.search(r"\d", outside):
        outside = re.sub(r"[()\[\]]", " ", text)
    outside = _SPACED_DOLLAR.sub(lambda m: f"{m[1] or ''}${m[2] or ''}", outside)
    numbers, currencies, scale, marks = _read(outside, text)
    if not numbers:
        raise FieldError("invalid", text)
    if len(numbers) > 1 or len(set(currencies) - {CFA, DOLLAR_SIGN}) > 1:
        raise FieldError("ambiguous", text)
    if not currencies:
        raise FieldError("no_currency", text)
    countries, writers = tuple(countries), tuple(writers)
    currencies = [
        shared_currency(c.removeprefix(SHARED), countries, writers, text)
        if c.startswith(SHARED)
        else c
        for c in currencies
    ]
    code = next((c for c in currencies if c not in (CFA, DOLLAR_SIGN)), None)
    if code is not None and DOLLAR_SIGN in currencies and code not in DOLLAR_CURRENCIES:
        raise FieldError("ambiguous", text)  # "$100 EUR"
    if code is None:
        code = (
            cfa_franc(countries, text, writers)
            if CFA in currencies
            else dollar_sign(countries, text)
        )
    mark = marks.pop() if len(marks) == 1 else None
    precision = get_currency_precision(code)
    number = _number(numbers[0], scaled=scale > 1, mark=mark, decimals=precision, text=text)
    if number is None or number <= 0:
        raise FieldError("invalid", text)
    amount = number * scale
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    return amount, code


def _read(text: str, sent: str) -> tuple[list[str], list[str], int, set[str]]:
    """The numbers, the currencies, the multiplier and the decimal marks its words imply."""
    numbers: list[str] = []
    currencies: list[str] = []
    marks: set[str] = set()
    scale = 1
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        kind, token = tokens[i]
        i += 1
        if kind == "num":
            numbers.append(token)
        elif kind == "sym":
            currencies.append(SYMBOLS.get(token.upper(), SYMBOLS.get(token, "")))
        elif kind == "word":
            word = _fold(token).removeprefix("d'")
            if word in _MULTIPLIERS:
                scale *= _MULTIPLIERS[word]
                marks |= {_DECIMAL_MARK[word]} if word in _DECIMAL_MARK else set()
                continue
            found = _currency_at(tokens, i - 1, sent)
            if found:
                currencies.append(found[0])
                i += found[1] - 1
            elif word in _FILLERS:
                continue
            elif _scaled_code(token):
                scale *= _MULTIPLIERS[token[0].lower()]
                currencies.append(token[1:])
            elif token.isupper() and len(token) == 3:
                raise FieldError("unknown_currency", sent)
            else:
                raise FieldError("invalid", sent)
    return numbers, currencies, scale, marks


def _currency_at(
    tokens: list[tuple[str | None, str]], start: int, sent: str
) -> tuple[str, int] | None:
    """The currency named by the longest run of words from `start` ("francs suisses"), if any."""
    for length in range(4, 0, -1):
        run = tokens[start : start + length]
        if len(run) < length or any(kind != "word" for kind, _ in run):
            continue
        written = " ".join(token for _, token in run)
        key = _fold(written).removeprefix("d'")
        try:
            code = currency_code(key, written.rstrip("."))
        except FieldError:
            return SHARED + key, length  # "pesos": the countries say which
        if code:
            return code, length
    return None


def _scaled_code(token: str) -> bool:
    """ "MUSD", "kEUR", "MCHF": a multiplier letter stuck to an ISO code."""
    return (
        len(token) == 4
        and token[0] in "kKmM"
        and token[1:].isupper()
        and currency_code(token[1:].lower(), token[1:]) == token[1:]
    )


_SPACES = re.compile(r"[ \u00a0\u202f'’]")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")


def _number(
    raw: str, *, scaled: bool, mark: str | None, decimals: int, text: str
) -> Decimal | None:
    """Read "1,200,000.50", "1.200.000,50", "2,5", "75'000" (see money() for the 3-digit rule)."""
    digits = _SPACES.sub("", raw)
    seps = [c for c in digits if c in ".,"]
    if len(set(seps)) == 2:
        whole, _, fraction = digits.rpartition(seps[-1])
        if not _GROUPED.fullmatch(whole.replace(seps[0], ",")):
            return None
        digits = f"{whole.replace(seps[0], '')}.{fraction}"
    elif len(seps) > 1:
        if not _GROUPED.fullmatch(digits.replace(seps[0], ",")):
            return None
        digits = digits.replace(seps[0], "")
    elif seps:
        whole, _, fraction = digits.partition(seps[0])
        is_group = len(fraction) == 3 and whole != "0"
        if is_group and scaled and mark:
            is_group = seps[0] != mark
        elif is_group and (scaled or decimals == 3):
            raise FieldError("ambiguous", text)
        digits = whole + fraction if is_group else f"{whole}.{fraction}"
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None
