"""Find a template's values in running text: vocabulary terms, places, amounts, periods, cues."""

# Each finder reads the whole text and returns what it is sure of. Amounts and periods reuse
# bot.parsing.money.money and bot.parsing.periods.period on the spans around each number: the
# longest span they read wins, so whatever those two learn to read, prose gets too.

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TypeVar

import pycountry
from babel.dates import get_month_names

from bot.parsing.fields import Vocabulary, country, language
from bot.parsing.money import money
from bot.parsing.normalise import FieldError, fold, name_key
from bot.parsing.periods import period
from bot.words import LANGUAGES, table

T = TypeVar("T")

_WORD = re.compile(r"[^\W_]+")  # the words vocabulary terms are compared by
_NAME = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")  # place names keep "d'Ivoire", "Guinea-Bissau"
_CLAUSE = re.compile(r"[.!?;,]+(?=\s|$)|\n\s*\n|[()\[\]]")  # amounts and periods stay inside one
_SPAN = 4  # words on each side of a number that an amount or a period may take
_TERM_WORDS = 7  # the longest vocabulary term, in words
_ABBREVIATION = 4  # a term this short ("ts", "eore") counts only written in capitals ("TS")
_ELISION = re.compile(r"^[dlDL]['’]")


def phrases(purpose: str) -> tuple[str, ...]:
    """The folded phrases of bot/data/words.json `prose.<purpose>`, in every language."""
    by_lang = table().prose.get(purpose, {})
    return tuple(dict.fromkeys(fold(p) for lang in LANGUAGES for p in by_lang.get(lang, ())))


def count_phrases(folded: str, found: tuple[str, ...]) -> int:
    """How many times the phrases occur as whole words in folded text, the longest first."""
    text = f" {folded} "
    count = 0
    for phrase in sorted(found, key=len, reverse=True):
        hits = text.count(f" {phrase} ")
        count += hits
        text = text.replace(f" {phrase} ", " | ")
    return count


def starts_with_phrase(folded: str, found: tuple[str, ...]) -> str | None:
    """The longest of the phrases that the folded text starts with, as whole words."""
    for phrase in sorted(found, key=len, reverse=True):
        if folded == phrase or folded.startswith(phrase + " "):
            return phrase
    return None


@dataclass(frozen=True)
class Terms:
    """Vocabulary codes found in a text: areas and forms of assistance, in order of mention."""

    areas: tuple[str, ...]
    assistance: tuple[str, ...]
    words: frozenset[str]  # the folded words they were found in (not places, not languages)


def terms(text: str, vocab: Vocabulary) -> Terms:
    """Areas and forms of assistance named in the text by label, synonym or abbreviation."""
    words = [(m.group(), _stem(fold(m.group()))) for m in _WORD.finditer(_without_not_terms(text))]
    areas: list[tuple[str, ...]] = []
    forms: list[tuple[str, ...]] = []
    claimed: set[str] = set()
    i = 0
    while i < len(words):
        for n in range(min(_TERM_WORDS, len(words) - i), 0, -1):
            key = tuple(stem for _, stem in words[i : i + n])
            if n == 1 and len(key[0]) <= _ABBREVIATION and not words[i][0].isupper():
                continue
            area = _term_index(vocab, "area").get(key)
            form = _term_index(vocab, "assistance").get(key)
            if area or form:
                areas += [area] if area else []
                forms += [form] if form else []
                claimed.update(fold(w) for w, _ in words[i : i + n])
                i += n
                break
        else:
            i += 1
    return Terms(_narrowest(areas), _narrowest(forms), frozenset(claimed))


def _narrowest(found: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The codes found, where a broad word ("victim assistance") that the text also names more
    precisely ("rehabilitation") stands for the precise ones only."""
    precise = {codes[0] for codes in found if len(codes) == 1}
    codes: list[str] = []
    for group in found:
        named = [code for code in group if code in precise]
        codes += named if len(group) > 1 and named else group
    return tuple(dict.fromkeys(codes))


def _without_not_terms(text: str) -> str:
    """The text less the phrases whose words are not the vocabulary's ("au cours de")."""
    kept = text
    for phrase in sorted(phrases("not_terms"), key=len, reverse=True):
        pattern = r"(?<!\w)" + r"\W+".join(map(re.escape, phrase.split())) + r"(?!\w)"
        kept = re.sub(pattern, " ", kept, flags=re.IGNORECASE)
    return kept


def _stem(word: str) -> str:
    """A word without a plural s, so that "workshops" meets "workshop" and "ateliers" "atelier"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_TermIndex = Mapping[tuple[str, ...], tuple[str, ...]]
_TERM_INDEXES: dict[tuple[int, str], tuple[Vocabulary, _TermIndex]] = {}


def _term_index(vocab: Vocabulary, which: str) -> _TermIndex:
    """Each term of the vocabulary as a tuple of stemmed words → its codes (a clash is dropped);
    made once per vocabulary (kept with it, so that its id is not reused)."""
    key = (id(vocab), which)
    if key not in _TERM_INDEXES:
        _TERM_INDEXES[key] = (vocab, _make_term_index(vocab, which))
    return _TERM_INDEXES[key][1]


def _make_term_index(vocab: Vocabulary, which: str) -> _TermIndex:
    source = vocab.area_index if which == "area" else vocab.assistance_index
    index: dict[tuple[str, ...], tuple[str, ...]] = {}
    clashes: set[tuple[str, ...]] = set()
    for term, codes in source.items():
        key = tuple(_stem(w) for w in _WORD.findall(term))
        if key and index.setdefault(key, codes) != codes:
            clashes.add(key)
    return {key: codes for key, codes in index.items() if key not in clashes}


def places(text: str, vocab: Vocabulary, not_these: frozenset[str] = frozenset()) -> list[str]:
    """Countries (alpha-3) and regions ("region:419") named in the text, in order, once each.

    A name counts when written with a capital; a code ("LAO", "DRC") only in capitals, and never
    when it is one of the vocabulary's abbreviations (`not_these`: "CMR" is cluster munition
    remnants, not Cameroon)."""
    tokens = [m.group() for m in _NAME.finditer(text)]
    found: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(5, len(tokens) - i), 0, -1):
            span = tokens[i : i + n]
            place = _place(span, vocab, not_these)
            if place:
                found.append(place)
                i += n
                break
        else:
            i += 1
    return list(dict.fromkeys(found))


def _place(span: list[str], vocab: Vocabulary, not_these: frozenset[str]) -> str | None:
    first = _ELISION.sub("", span[0])
    if not first[:1].isupper():
        return None
    name = " ".join([first, *span[1:]])
    code_like = len(span) == 1 and len(first) <= 3
    if code_like and (fold(first) in not_these or not (first.isupper() or _is_name(first))):
        return None
    code = country(name)
    if code:
        return code
    region = vocab.region(name) if len(name) > 3 else None
    return f"region:{region}" if region else None


def _is_name(word: str) -> bool:
    """A short word that is a country's name ("Lao"), not only its code ("And", "Per")."""
    key = name_key(word)
    codes = {getattr(pycountry.countries.get(alpha_3=key.upper()), "alpha_3", None)}
    codes.add(getattr(pycountry.countries.get(alpha_2=key.upper()), "alpha_3", None))
    return key in _alias_keys() or country(word) not in codes


@cache
def _alias_keys() -> frozenset[str]:
    from bot.parsing.fields import _data  # the vocabulary's own country aliases

    return frozenset(name_key(alias) for alias in _data()["country_aliases"])


def amounts(text: str) -> list[tuple[Decimal, str]]:
    """Every amount of money in the text that money() reads, in order."""
    found = _read_around_numbers(text, money, _has_digit)
    return [value for _, value in found if value is not None]


def periods(text: str) -> list[tuple[date, date] | None]:
    """Every period in the text that period() reads; of spans that overlap, the longest.

    A span next to a month's name was read without it ("2027" of "starting January 2027"): it
    says less than the writer did, so it comes back as None rather than as the whole year."""
    return [value for _, value in _read_around_numbers(text, period, _has_year, _is_month)]


def _read_around_numbers(
    text: str,
    read: Callable[[str], T],
    wanted: Callable[[str], bool],
    left_out: Callable[[str], bool] = lambda word: False,
) -> list[tuple[tuple[int, int], T | None]]:
    """For each word that `wanted` picks, the longest span around it (within its clause) that
    `read` reads (None when a word next to it is `left_out`); spans inside a longer one are
    dropped."""
    found: list[tuple[tuple[int, int], T | None]] = []
    for clause in _clauses(text):
        words = clause.split()
        for i, word in enumerate(words):
            if not wanted(word):
                continue
            best: tuple[tuple[int, int], T] | None = None
            for start, end in _spans(i, len(words)):
                if best is not None and end - start <= best[0][1] - best[0][0]:
                    continue
                try:
                    best = ((start, end), read(_trim(" ".join(words[start:end]))))
                except FieldError:
                    continue
            if best is None:
                continue
            (start, end), value = best
            partial = any(left_out(words[j]) for j in (start - 1, end) if 0 <= j < len(words))
            span = (start + clause.start, end + clause.start)
            found.append((span, None if partial else value))
    return _outermost(found)


@dataclass(frozen=True)
class _Clause:
    text: str
    start: int  # the index of its first word among all the words of the text

    def split(self) -> list[str]:
        return self.text.split()


def _clauses(text: str) -> Iterator[_Clause]:
    start = 0
    for piece in _CLAUSE.split(text):
        yield _Clause(piece, start)
        start += len(piece.split()) + 1


def _spans(i: int, count: int) -> Iterator[tuple[int, int]]:
    for before in range(_SPAN + 1):
        for after in range(_SPAN + 1):
            start, end = i - before, i + after + 1
            if start >= 0 and end <= count:
                yield start, end


def _trim(span: str) -> str:
    return span.strip(" ,:;\"'“”«»")


def _outermost(
    found: list[tuple[tuple[int, int], T | None]],
) -> list[tuple[tuple[int, int], T | None]]:
    kept: list[tuple[tuple[int, int], T | None]] = []
    for (start, end), value in found:
        inside = any(s <= start and end <= e and (s, e) != (start, end) for (s, e), _ in found)
        if not inside and all((start, end) != span for span, _ in kept):
            kept.append(((start, end), value))
    return kept


@cache
def _month_names() -> frozenset[str]:
    """Month names and their abbreviations in en/fr/es, folded (Babel's)."""
    names = set()
    for lang in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                months = get_month_names(width, context, locale=lang)
                names |= {fold(name) for name in months.values()}
    return frozenset(name for name in names if len(name) >= 3)


def _is_month(word: str) -> bool:
    return fold(word) in _month_names()


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _has_year(word: str) -> bool:
    return bool(_YEAR.search(word))


def relative_year(folded: str, today: date) -> int | None:
    """The year that "next year" / "l'année prochaine" / "este año" in the text points at."""
    if count_phrases(folded, phrases("next_year")):
        return today.year + 1
    if count_phrases(folded, phrases("this_year")):
        return today.year
    return None


def languages_stated(text: str) -> list[str]:
    """ISO 639-1 codes of the languages the text says the work is in ("in French and English",
    "en français", "en español"); a word that is also a place ("in Lao PDR") is not a language."""
    cues = set(phrases("language_cue"))
    tokens = [m.group() for m in _NAME.finditer(text)]
    found: list[str] = []
    for i, token in enumerate(tokens[:-1]):
        if fold(token) not in cues:
            continue
        for word in tokens[i + 1 : i + 6]:
            if fold(word) in _JOINERS:
                continue
            code = language(word) if len(word) > 3 else None
            if code is None or country(word) is not None:
                break
            found.append(code)
    return list(dict.fromkeys(found))


_JOINERS = frozenset({"and", "or", "et", "ou", "y", "o", "e"})
