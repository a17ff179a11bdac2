"""Terms of a vocabulary read by their content words: "informe de municiones retenidas" is
"informe sobre municiones retenidas", "VA coordination" is "victim assistance coordination"."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import snowballstemmer

from bot.parsing.normalise import fold

log = logging.getLogger(__name__)

Codes = tuple[str, ...]
_STEMMERS = tuple(snowballstemmer.stemmer(lang) for lang in ("english", "french", "spanish"))
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c)'")
ABBREVIATION_MAX = 5  # a one-word term this short is an abbreviation: "va", "im", "eore"


@cache
def stem(word: str) -> str:
    """The shortest of the English, French and Spanish stems of a folded word: "equipamiento"
    and "equipo" are "equip", "coordination" and "coordinación" "coordin"."""
    return min((s.stemWord(word) for s in _STEMMERS), key=len)


def content_words(text: str, function_words: frozenset[str]) -> tuple[str, ...]:
    """The stems of a text's words, without its function words ("of", "de la", "sobre")."""
    words = _ELISION.sub(" ", fold(text)).replace("'", " ").split()
    return tuple(stem(w) for w in words if w not in function_words)


@dataclass(frozen=True)
class Terms:
    """Every way a vocabulary writes its values, as sets of content stems → the codes meant."""

    entries: tuple[tuple[frozenset[str], Codes, str], ...]  # (stems, codes, the term as written)
    function_words: frozenset[str]
    conjunctions: frozenset[str]
    abbreviations: Mapping[str, tuple[frozenset[str], ...]]  # "va" → the stems of its long forms

    @classmethod
    def of(
        cls,
        terms: Iterable[tuple[str, Codes]],
        function_words: frozenset[str],
        conjunctions: frozenset[str],
    ) -> Terms:
        skipped = function_words | conjunctions
        entries = tuple(
            (frozenset(content_words(word, skipped)), codes, word) for word, codes in terms
        )
        entries = tuple(e for e in entries if e[0])
        short = {next(iter(s)): c for s, c, w in entries if len(s) == 1 and _abbreviation(w)}
        abbreviations = {
            word: tuple(s for s, c, _ in entries if c == codes and len(s) > 1)
            for word, codes in short.items()
        }
        return cls(entries, function_words, conjunctions, abbreviations)

    def _readings(self, text: str) -> list[frozenset[str]] | None:
        """The content stems of a text, once as written and once per long form of each
        abbreviation in it; None for a text that joins items ("a and b", "a, b")."""
        folded = fold(text).split()
        if "," in text or any(w in self.conjunctions for w in folded) or "/" in text:
            return None
        words = content_words(text, self.function_words)
        if not words:
            return None
        readings = [frozenset(words)]
        for i, word in enumerate(words):
            for long_form in self.abbreviations.get(word, ()):
                readings.append(frozenset(words[:i] + words[i + 1 :]) | long_form)
        return readings

    def fitting(self, text: str) -> dict[Codes, str]:
        """The codes of every term that holds all the content words of `text` (or of its
        abbreviations' long forms) → the shortest such term as written; the terms whose content
        words are exactly the text's win over the ones that hold more."""
        readings = self._readings(text)
        if readings is None:
            return {}
        same = _best(_shortest((c, w) for r in readings for s, c, w in self.entries if s == r))
        if same:
            return same
        return _best(_shortest((c, w) for r in readings for s, c, w in self.entries if r <= s))

    def find(self, text: str) -> Codes | None:
        """The codes of the one value whose terms fit `text`; None when none or several do."""
        fits = self.fitting(text)
        if len(fits) == 1:
            codes = next(iter(fits))
            log.debug("terms: %r read as %s", text, codes)
            return codes
        return None

    def pointed_to(self, children: Codes, text: str) -> str | None:
        """The one child code whose terms share the most content words with `text` (the
        qualifier after "victim assistance –"); None when none does or several tie."""
        words = set(content_words(text, self.function_words | self.conjunctions))
        shared = {
            code: len(words & frozenset().union(*(s for s, c, _ in self.entries if c == (code,))))
            for code in children
        }
        best = max(shared.values(), default=0)
        winners = [code for code, n in shared.items() if n == best]
        return winners[0] if best and len(winners) == 1 else None


def _abbreviation(word: str) -> bool:
    folded = fold(word)
    return " " not in folded and len(folded) <= ABBREVIATION_MAX


def _shortest(fits: Iterable[tuple[Codes, str]]) -> dict[Codes, str]:
    chosen: dict[Codes, str] = {}
    for codes, word in fits:
        if codes not in chosen or len(word) < len(chosen[codes]):
            chosen[codes] = word
    return chosen


def _best(fits: dict[Codes, str]) -> dict[Codes, str]:
    """Fits without the ones that only repeat part of another (a group and one of its areas:
    the area is meant)."""
    return {
        codes: word
        for codes, word in fits.items()
        if not any(set(codes) > set(other) for other in fits)
    }
