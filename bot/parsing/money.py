"""Amounts of money as people write them: `250k USD`, `EUR 1.2m`, `1 200 000 €`, `CHF 75'000`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pycountry

from bot.parsing.normalise import FieldError, fold

_TOKEN = re.compile(
    r"""
    (?P<num>(?:\d{1,3}(?:[ \u00a0\u202f'’.,]\d{3})+|\d+)(?:[.,]\d+)?)
    |(?P<sym>(?:US|AU|A|CA|C|NZ|HK|S|CN)?\$|CN¥|€|£|¥)
    |(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?\.?)
    |(?P<other>\S)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "CN$": "CNY",
    "CN¥": "CNY",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
}
_CURRENCY_WORDS = {
    "fcfa": "XOF",  # the West African CFA franc as people in Senegal, Mali, Chad... write it
    "cfa": "XOF",
    "fr": "CHF",
    "sfr": "CHF",
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "dolar": "USD",
    "dolares": "USD",
    "rmb": "CNY",
}
_MULTIPLIERS = {
    "k": 10**3,
    "thousand": 10**3,
    "mille": 10**3,
    "mil": 10**3,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "millon": 10**6,
    "millones": 10**6,
    "bn": 10**9,
    "billion": 10**9,
    "billions": 10**9,
    "milliard": 10**9,
    "milliards": 10**9,
}
_FILLERS = {
    "about",
    "approx",
    "approximately",
    "around",
    "circa",
    "ca",
    "some",
    "up",
    "to",
    "total",
    "max",
    "maximum",
    "us",
    "of",
    "environ",
    "jusqu'a",
    "maximo",
    "hasta",
    "aprox",
    "aproximadamente",
    "alrededor",
    "de",
    "d",
    "en",
}
_SPACES = re.compile(r"[ \u00a0\u202f'’]")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")


def money(text: str) -> tuple[Decimal, str]:
    """The amount and ISO 4217 currency of `text`.

    "$" means USD, "¥" JPY, "Fr." CHF; "mil" is the Spanish thousand. A group of three digits after
    a single "," or "." is a thousands group ("1,200", "1.200") unless a multiplier follows
    ("1.250m"). Raises FieldError: "invalid" (no number, or a word we do not read), "ambiguous"
    (two numbers, e.g. a range, or two currencies), "no_currency", "unknown_currency" (XYZ).
    """
    numbers: list[str] = []
    currencies: list[str] = []
    scale = 1
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "num":
            numbers.append(token)
        elif kind == "sym":
            currencies.append(_SYMBOLS[token.upper()])
        elif kind == "word":
            word = fold(token).removeprefix("d'")
            if word in _MULTIPLIERS:
                scale *= _MULTIPLIERS[word]
            elif code := _currency(word):
                currencies.append(code)
            elif token.isupper() and len(token) == 3:
                raise FieldError("unknown_currency", text)
            elif word not in _FILLERS:
                raise FieldError("invalid", text)
    if not numbers:
        raise FieldError("invalid", text)
    if len(numbers) > 1 or len(set(currencies)) > 1:
        raise FieldError("ambiguous", text)
    if not currencies:
        raise FieldError("no_currency", text)
    number = _number(numbers[0], scaled=scale > 1)
    if number is None or number <= 0:
        raise FieldError("invalid", text)
    amount = number * scale
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
    return amount, currencies[0]


def _currency(word: str) -> str | None:
    """The ISO 4217 code of a folded currency word ("eur", "euros", "fr")."""
    if word in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[word]
    if len(word) == 3 and word.isascii() and pycountry.currencies.get(alpha_3=word.upper()):
        return word.upper()
    return None


def _number(raw: str, *, scaled: bool) -> Decimal | None:
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
        is_group = len(fraction) == 3 and not scaled and whole != "0"
        digits = whole + fraction if is_group else f"{whole}.{fraction}"
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None
