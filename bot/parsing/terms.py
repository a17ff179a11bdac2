"""Terms of a vocabulary read by their content words: "informe de municiones retenidas" is
"informe sobre municiones retenidas", "VA coordination" is "victim assistance coordination"."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import snowballstemmer

from bot.parsing.names import LANGS
from bot.parsing.normalise import fold

log = logging.getLogger(__name__)

Codes = tuple[str, ...]
_STEMMERS = tuple(snowballstemmer.stemmer(lang) for lang in ("english", "french", "spanish"))
_STEMMING = threading.Lock()  # a stemmer keeps the word it works on: one thread at a time
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c)'")
_REMARK_WORDS = 2  # words no term knows, around a term ("art. 7")
_HEAD_WORDS = 4  # a head word and at most three words qualifying it
ABBREVIATION_MAX = 5  # a one-word term this short is an abbreviation: "va", "im", "eore"


Word = frozenset[str]  # a folded word's stems in English, French and Spanish


@cache
def stems(word: str) -> Word:
    """A folded word's English, French and Spanish stems: two words are one when they share a
    stem ("equipamiento" and "equipo": "equip"; "policies" and "policy": "polici")."""
    with _STEMMING:
        return frozenset(s.stemWord(word) for s in _STEMMERS)


def _folded_words(text: str) -> list[str]:
    return _ELISION.sub(" ", fold(text)).replace("'", " ").split()


def content_words(text: str, function_words: frozenset[str]) -> tuple[Word, ...]:
    """The stems of a text's words, without its function words ("of", "de la", "sobre")."""
    return tuple(stems(w) for w in _folded_words(text) if w not in function_words)


def _covers(term: tuple[Word, ...], words: Iterable[Word]) -> bool:
    """Every one of `words` is one of the term's."""
    return all(any(w & t for t in term) for w in words)


@dataclass(frozen=True)
class Entry:
    """One way to write a value: its content words, the codes meant, the term as written, and
    how many conjunctions it holds ("policy and coordination": 1)."""

    words: tuple[Word, ...]
    codes: Codes
    written: str
    joins: int

    def same(self, words: tuple[Word, ...], joins: int = 0) -> bool:
        return (
            joins == self.joins
            and len(words) == len(self.words)
            and _covers(self.words, words)
            and _covers(words, self.words)
        )


@dataclass(frozen=True)
class Terms:
    """Every way a vocabulary writes its values, read by their content words."""

    entries: tuple[Entry, ...]
    function_words: frozenset[str]
    conjunctions: frozenset[str]
    abbreviations: Mapping[str, tuple[tuple[Word, ...], ...]]  # "va" → its long forms' words
    by_stem: Mapping[str, frozenset[int]]  # a stem → the entries that hold it

    @classmethod
    def of(
        cls,
        terms: Iterable[tuple[str, Codes]],
        function_words: frozenset[str],
        conjunctions: frozenset[str],
    ) -> Terms:
        entries = tuple(
            Entry(
                content_words(word, function_words | conjunctions),
                codes,
                word,
                sum(w in conjunctions for w in _folded_words(word)),
            )
            for word, codes in terms
        )
        entries = tuple(e for e in entries if e.words)
        short = {fold(e.written): e.codes for e in entries if _abbreviation(e.written)}
        abbreviations = {
            word: tuple(e.words for e in entries if e.codes == codes and len(e.words) > 1)
            for word, codes in short.items()
        }
        by_stem: dict[str, set[int]] = {}
        for i, entry in enumerate(entries):
            for word in entry.words:
                for one in word:
                    by_stem.setdefault(one, set()).add(i)
        return cls(
            entries,
            function_words,
            conjunctions,
            abbreviations,
            {one: frozenset(ids) for one, ids in by_stem.items()},
        )

    def _holding(self, words: tuple[Word, ...]) -> list[Entry]:
        """The entries that hold every one of `words`, through the stems they share."""
        found: frozenset[int] | None = None
        for word in words:
            ids = frozenset().union(*(self.by_stem.get(one, frozenset()) for one in word))
            found = ids if found is None else found & ids
            if not found:
                return []
        return [self.entries[i] for i in sorted(found or ())]

    def _readings(self, text: str) -> list[tuple[Word, ...]]:
        """The content words of a text, once as written and once per long form of each
        abbreviation in it."""
        folded = [w for w in _folded_words(text) if w not in self.function_words]
        words = tuple(stems(w) for w in folded)
        readings = [words] if words else []
        for i, word in enumerate(folded):
            for long_form in self.abbreviations.get(word, ()):
                readings.append(words[:i] + words[i + 1 :] + long_form)
        return readings

    def fitting(self, text: str) -> dict[Codes, str]:
        """The codes of every term that holds all the content words of `text` (or of its
        abbreviations' long forms) → a term as written; the terms whose content words are
        exactly the text's win over the ones that hold more. A text that joins items ("a and
        b") fits only a term worded the same ("policies and coordination")."""
        said = fold(text)
        if "," in text or "/" in text:
            return {}
        joins = sum(w in self.conjunctions for w in said.split())
        if joins:
            words = content_words(text, self.function_words | self.conjunctions)
            same = [(e.codes, e.written) for e in self._holding(words) if e.same(words, joins)]
            return _best(_shortest(same, said))
        readings = self._readings(text)
        same = [(e.codes, e.written) for r in readings for e in self._holding(r) if e.same(r)]
        if same:
            return _best(_shortest(same, said))
        held = [(e.codes, e.written) for r in readings for e in self._holding(r)]
        return _best(_shortest(held, said))

    def find(self, text: str) -> Codes | None:
        """The codes of the one value whose terms fit `text`; None when none or several do."""
        fits = self.fitting(text) or self._by_head(text) or self._with_remark(text)
        if len(fits) == 1:
            codes = next(iter(fits))
            log.debug("terms: %r read as %s", text, codes)
            return codes
        return None

    def _by_head(self, text: str) -> dict[Codes, str]:
        """A term named by its head word and a qualifier the vocabulary does not know: the first
        word in French and Spanish ("matériel orthopédique", "capacitación especializada"), the
        last in English ("orthopaedic equipment"), when that word alone is a term of one value.
        Both ends are tried; a text whose ends name different values, or a group of values
        ("survey" in "techncal survey", a typo of one of them), fits none: the writer is asked."""
        if "," in text or "/" in text or any(w in self.conjunctions for w in fold(text).split()):
            return {}  # "technical and non-technical survey" is two values, read elsewhere
        words = content_words(text, self.function_words | self.conjunctions)
        if not 2 <= len(words) <= _HEAD_WORDS:
            return {}
        fits = [
            (e.codes, e.written)
            for head in {words[0], words[-1]}
            for e in self._holding((head,))
            if e.same((head,))
        ]
        codes = {c for c, _ in fits}
        if len(codes) != 1 or len(next(iter(codes))) != 1:
            return {}  # none, several, or a group ("survey" of "techncal survey"): asked
        return _best(_shortest(fits, fold(text)))

    def _with_remark(self, text: str) -> dict[Codes, str]:
        """A term beside a reference ("informe de transparencia art. 7", "clearance 2027"): the
        term the rest of the text is, when it is of one value and at most two words of
        reference (numbers, "article") are left over."""
        if "," in text or "/" in text or any(w in self.conjunctions for w in fold(text).split()):
            return {}
        words = content_words(text, self.function_words | self.conjunctions)
        strange = [w for w in words if _remark(w)]  # a typo is no remark: "techncal survey"
        known = tuple(w for w in words if w not in strange)
        if not strange or len(strange) > _REMARK_WORDS or not known:
            return {}
        fits = [(e.codes, e.written) for e in self._holding(known) if e.same(known)]
        codes = {c for c, _ in fits}
        return _best(_shortest(fits, fold(text))) if len(codes) == 1 else {}

    def pointed_to(self, children: Codes, text: str) -> str | None:
        """The one child code whose terms hold the most of the content words of `text` (the
        qualifier after "victim assistance –"); None when none does or several tie."""
        words = content_words(text, self.function_words | self.conjunctions)
        shared = {
            code: sum(
                any(_covers(e.words, (w,)) for e in self.entries if e.codes == (code,))
                for w in words
            )
            for code in children
        }
        best = max(shared.values(), default=0)
        winners = [code for code, n in shared.items() if n == best]
        return winners[0] if best and len(winners) == 1 else None


_ARTICLE = frozenset({"art", "arts", "article", "articl", "articulo", "articul"})


def _remark(word: Word) -> bool:
    """A number or the word "article" ("art. 7", "Article 5"): a reference, never a term."""
    return any(one.isdigit() or one in _ARTICLE for one in word)


def _abbreviation(word: str) -> bool:
    folded = fold(word)
    return " " not in folded and len(folded) <= ABBREVIATION_MAX


def _shortest(fits: Iterable[tuple[Codes, str]], said: str) -> dict[Codes, str]:
    """Per value, the shortest of its terms that hold the words as written ("data": "victim
    data", not "datos sobre víctimas"), else the shortest."""

    def rank(word: str) -> tuple[bool, int]:
        return (said not in fold(word), len(word))

    chosen: dict[Codes, str] = {}
    for codes, word in fits:
        if codes not in chosen or rank(word) < rank(chosen[codes]):
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


def fits(terms: Terms | None, text: str) -> tuple[str, ...]:
    """The terms of every value that fits `text` equally, when two or more do."""
    found = terms.fitting(text) if terms is not None else {}
    return tuple(found.values()) if len(found) > 1 else ()


def terms_of(data: Mapping[str, Any], words: Iterable[tuple[str, Codes]]) -> Terms:
    """The Terms of (word, codes) pairs with the function words of bot/data/vocabulary.json."""
    skipped = data.get("function_words", {})
    return Terms.of(
        words,
        frozenset(fold(w) for lang in LANGS for w in skipped.get(lang, ())),
        frozenset(fold(w) for w in skipped.get("conjunctions", ())),
    )
