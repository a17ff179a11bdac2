"""Currency names, symbols and codes as people write them, from Babel's en/fr/es locale data."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from functools import cache

import pycountry
from babel import Locale
from babel.numbers import get_territory_currencies

from bot.parsing.fields import Vocabulary
from bot.parsing.normalise import FieldError, fold
from bot.parsing.places import REGION_PREFIX

log = logging.getLogger(__name__)

LOCALES = ("en", "fr", "es")
CFA = "CFA"  # the CFA franc before the country says which one: XOF or XAF
CENTRAL_AFRICAN_CFA = frozenset({"CMR", "CAF", "TCD", "COG", "GNQ", "GAB"})  # XAF (BEAC)
WEST_AFRICAN_CFA = frozenset({"BEN", "BFA", "CIV", "GNB", "MLI", "NER", "SEN", "TGO"})  # XOF
SHARED = "?"  # before a word several currencies share ("pesos"): the countries say which one
DOLLAR_SIGN = "$"  # a bare "$": USD, unless the record's countries write their own money so
# Countries whose own currency is written with a bare "$" (a peso or a local dollar).
_OWN_DOLLAR_SIGN = {
    **{"COL": "COP", "CHL": "CLP", "MEX": "MXN", "ARG": "ARS", "URY": "UYU", "CUB": "CUP"},
    **{"DOM": "DOP", "CAN": "CAD", "AUS": "AUD", "NZL": "NZD", "HKG": "HKD", "SGP": "SGD"},
    **{"NAM": "NAD", "LBR": "LRD", "FJI": "FJD", "GUY": "GYD", "JAM": "JMD", "TTO": "TTD"},
}
DOLLAR_CURRENCIES = frozenset({"USD", "XCD", "TWD", *_OWN_DOLLAR_SIGN.values()})  # "$250,000 CAD"
# Words that name one currency where Babel's names give several (or none): the usual reading.
_USUAL = {
    "dollar": "USD",
    "dollars": "USD",
    "dolar": "USD",
    "dolares": "USD",
    "dollar americain": "USD",
    "dollars americains": "USD",
    "dolar americano": "USD",
    "dolares americanos": "USD",
    "dollar canadien": "CAD",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "fr": "CHF",
    "sfr": "CHF",
    "rmb": "CNY",
    "cfa": CFA,
    "fcfa": CFA,
    "f cfa": CFA,
    "franc cfa": CFA,
    "francs cfa": CFA,
    "franco cfa": CFA,
    "francos cfa": CFA,
    "beac": "XAF",
    "cemac": "XAF",
    "bceao": "XOF",
    "uemoa": "XOF",
}
# Symbols, with the country letters people put before or after "$" ("US$", "$US", "$ CA").
_SYMBOLS = {
    "$": DOLLAR_SIGN,
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₣": "CHF",
    "CN¥": "CNY",
    "₩": "KRW",
    "₹": "INR",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₦": "NGN",
    "U$S": "USD",  # as written in Argentina and Uruguay
    "U$D": "USD",
    "S/": "PEN",  # the Peruvian sol
    "S/.": "PEN",
    **{f"{p}$": code for p, code in (("US", "USD"), ("U", "USD"), ("C", "CAD"), ("A", "AUD"))},
    **{f"{p}$": code for p, code in (("CA", "CAD"), ("AU", "AUD"), ("NZ", "NZD"))},
    **{f"{p}$": code for p, code in (("HK", "HKD"), ("S", "SGD"), ("SG", "SGD"), ("MX", "MXN"))},
    **{f"{p}$": code for p, code in (("CO", "COP"), ("CL", "CLP"), ("AR", "ARS"), ("R", "BRL"))},
}
SYMBOLS: dict[str, str] = {
    **_SYMBOLS,
    **{f"${key[:-1]}": code for key, code in _SYMBOLS.items() if key.endswith("$") and key != "$"},
}


# Fund codes and units of account (not what anyone budgets in) and head words that are also
# ordinary words ("sum", "real", "or", "gold", "mark") are left out of the index.
_NOT_MONEY = {"USN", "USS", "BOV", "CLF", "COU", "MXV", "UYI", "UYW", "CHE", "CHW", "ZWG"}
_NOT_HEADS = {"sum", "sums", "real", "reals", "or", "oro", "gold", "account", "mark", "marks"}


@cache
def current_codes() -> frozenset[str]:
    """ISO 4217 codes in use, without precious metals, funds and units of account (XAU, XDR)."""
    codes = {c.alpha_3 for c in pycountry.currencies} - _NOT_MONEY
    return frozenset(c for c in codes if not c.startswith("X") or c in {"XOF", "XAF", "XPF", "XCD"})


@cache
def currency_names() -> dict[str, str | None]:
    """Folded currency name → ISO code; None where a word names several ("peso", "couronnes").

    From Babel: every name and plural form in en/fr/es ("francs suisses", "yenes japoneses"),
    and its head word alone (English puts it last, French and Spanish first) when it is not shared.
    """
    codes = sorted(current_codes())
    full: dict[str, str] = {}
    heads: dict[str, set[str]] = defaultdict(set)
    for lang in LOCALES:
        locale = Locale.parse(lang)
        plurals = locale._data["currency_names_plural"]
        for code in codes:
            names = {locale.currencies.get(code, ""), *dict(plurals.get(code, {})).values()}
            for name in filter(None, names):
                key = fold(name.split("(")[0])
                full.setdefault(key, code)
                words = key.split()
                heads[words[-1] if lang == "en" else words[0]].add(code)
    index: dict[str, str | None] = {
        head: next(iter(found)) if len(found) == 1 else None
        for head, found in heads.items()
        if head not in _NOT_HEADS
    }
    _shared.update({head: frozenset(found) for head, found in heads.items() if len(found) > 1})
    index.update(full)
    index.update({fold(word): code for word, code in _USUAL.items()})
    return index


# ISO codes read in lower case too ("usd", "eur"); the others only in capitals, as many of them
# are also words ("all", "top", "mad", "pen", "sos", "mur", "try", "cup", "bob").
_LOWER_CASE_CODES = frozenset(
    {
        *("usd", "eur", "gbp", "chf", "jpy", "cad", "aud", "nzd", "nok", "sek", "dkk", "isk"),
        *("cop", "clp", "mxn", "brl", "ars", "xof", "xaf", "cny", "inr", "zar", "lbp", "iqd"),
        "afn",
    }
)


def currency_code(words: str, written: str = "") -> str | None:
    """The ISO code of folded words ("euros", "us dollars", "usd"); CFA for the CFA franc.

    `written` is the text as sent: a code outside the common ones counts only in capitals.
    Raises FieldError "ambiguous" for a word shared by several currencies ("pesos", "coronas").
    """
    index = currency_names()
    if words in index:
        code = index[words]
        if code is None:
            raise FieldError("ambiguous", words)
        return code
    if len(words) == 3 and words.isascii() and words.isalpha():
        upper = words.upper()
        if upper in current_codes() and (written.isupper() or words in _LOWER_CASE_CODES):
            return upper
    return None


_shared: dict[str, frozenset[str]] = {}  # head word → the currencies it names, filled above


def shared_currency(word: str, countries: Iterable[str], writers: Iterable[str], text: str) -> str:
    """The currency a shared word ("pesos", "couronnes", "rupias") names for the record's
    countries, else for the writer's state: the one of its currencies that country uses
    ("pesos" for Colombia is COP); asked when they do not decide."""
    currency_names()  # fills _shared
    candidates = _shared.get(word, frozenset())
    for places in (tuple(countries), tuple(writers)):
        used = {code for place in places for code in _currencies_of(place)} & candidates
        if len(used) == 1:
            return used.pop()
        if used:
            break
    raise FieldError("ambiguous", text)


@cache
def _currencies_of(place: str) -> frozenset[str]:
    """The legal tenders of a country (ISO3) today, by Babel's territory data."""
    country = pycountry.countries.get(alpha_3=place)
    if country is None:
        return frozenset()
    return frozenset(get_territory_currencies(country.alpha_2, date.today()))


def dollar_sign(countries: Iterable[str], text: str) -> str:
    """USD for a bare "$", asked where a country of the record writes its own money with "$"
    ("$ 500.000.000" for Colombia is pesos, or dollars: the writer says which)."""
    if any(place in _OWN_DOLLAR_SIGN for place in countries):
        raise FieldError("ambiguous", text)
    return "USD"


def cfa_franc(countries: Iterable[str], text: str, writers: Iterable[str] = ()) -> str:
    """XAF or XOF for a CFA franc, by the countries of the record (a region by its members:
    "Afrique de l'Ouest" is XOF), else by the writer's state; asked when they do not decide."""
    for places in (countries, writers):
        zones = {zone for place in places for zone in _cfa_zones(place)}
        if len(zones) > 1:
            break
        if zones:
            return zones.pop()
    raise FieldError("ambiguous", text)


def _cfa_zones(place: str) -> set[str]:
    """The CFA francs of a country (ISO3) or of the members of a region ("region:011")."""
    members = {place}
    if place.startswith(REGION_PREFIX):
        members = set(Vocabulary.load().region_countries(place.removeprefix(REGION_PREFIX)))
    zones = set()
    if members & CENTRAL_AFRICAN_CFA:
        zones.add("XAF")
    if members & WEST_AFRICAN_CFA:
        zones.add("XOF")
    return zones
