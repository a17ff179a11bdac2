"""Words saying an amount or a period has no value: "n/a", "TBD", "in kind", "sans objet"."""

from __future__ import annotations

import re

from bot.parsing.normalise import fold

_EITHER = (
    "n/a",
    "na",
    "n a",
    "n d",
    "-",
    "--",
    "?",
    "none",
    "nil",
    "tbd",
    "tbc",
    "to be determined",
    "to be confirmed",
    "to be defined",
    "not applicable",
    "not known yet",
    "unknown",
    "s o",
    "sans objet",
    "non applicable",
    "a definir",
    "a determiner",
    "a confirmer",
    "a preciser",
    "non connu",
    "inconnu",
    "aucun",
    "aucune",
    "no aplica",
    "por definir",
    "por determinar",
    "por confirmar",
    "a determinar",
    "a convenir",
    "ninguno",
    "ninguna",
    "desconocido",
)
# A period that is not fixed yet ("as soon as possible", "ongoing", "TBD", "à définir") is not an
# absent period: a reader would ask when the work starts and ends, and so do we. Only words that
# say a period does not apply at all leave it out.
_NOT_APPLICABLE = (
    "n/a",
    "na",
    "n a",
    "-",
    "--",
    "none",
    "nil",
    "not applicable",
    "s o",
    "sans objet",
    "non applicable",
    "no aplica",
    "no procede",
)
_AMOUNT = (
    "no amount",
    "no funding",
    "no funds",
    "not costed",
    "pas de montant",
    "pas de financement",
    "sans financement",
    "neant",
    "sin monto",
    "sin financiamiento",
    "sin financiacion",
    "sin fondos",
    # free to the beneficiary: support in kind, no sum to match
    "free",
    "free of charge",
    "no cost",
    "at no cost",
    "no charge",
    "gratuit",
    "gratuite",
    "gratuitement",
    "sans frais",
    "sans cout",
    "sin coste",
    "sin costo",
    "sin cargo",
    "gratuito",
    "gratuita",
    "gratis",
)
# An amount given in kind is not an amount of money, however it is worded around these words.
_IN_KIND = re.compile(r"\b(?:in kind|en nature|en especie|en especies)\b")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_DIGIT = re.compile(r"\d")


def _says(text: str, phrases: frozenset[str]) -> bool:
    """True when the text, its bracketed remarks aside, is or starts with one of the phrases.

    A phrase followed by more words counts only when no digit follows ("TBD after the survey"),
    so that "n/a until 2027-06" is read as what it is, not thrown away.
    """
    outside = _BRACKETS.sub(" ", text).strip(" .;:")
    if outside.strip() in phrases or fold(outside) in phrases:
        return True
    words = fold(outside)
    return not _DIGIT.search(outside) and any(words.startswith(p + " ") for p in phrases)


def _keys(*phrases: str) -> frozenset[str]:
    """The phrases as written ("-", "?") and folded ("n/a" → "n a")."""
    return frozenset(key for p in phrases for key in (p, fold(p)) if key)


_FOR_PERIOD = _keys(*_NOT_APPLICABLE)
_FOR_AMOUNT = _keys(*_EITHER, *_AMOUNT)


def no_period(text: str) -> bool:
    """True when the text says a period does not apply ("n/a", "sans objet")."""
    return _says(text, _FOR_PERIOD)


def no_amount(text: str) -> bool:
    """True when the text says there is no amount of money ("n/a (in kind)", "a convenir")."""
    outside = _BRACKETS.sub(" ", text)
    if _IN_KIND.search(fold(outside).replace("-", " ")) and not _DIGIT.search(outside):
        return True
    return _says(text, _FOR_AMOUNT)
