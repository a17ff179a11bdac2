"""Find a template's values in running text: vocabulary terms, places, languages, cue phrases."""

# Each finder reads the whole text and returns what it is sure of; amounts and periods are in
# bot.parsing.mentions.

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

import pycountry

from bot.parsing.fields import Vocabulary, country, language
from bot.parsing.normalise import fold, name_key
from bot.words import LANGUAGES, table

T = TypeVar("T")

_WORD = re.compile(r"[^\W_]+")  # the words vocabulary terms are compared by
_NAME = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")  # place names keep "d'Ivoire", "Guinea-Bissau"
_TERM_WORDS = 7  # the longest vocabulary term, in words
_ABBREVIATION = 4  # a term this short ("ts", "eore") counts only written in capitals ("TS")
_ELISION = re.compile(r"^[dlDL]['’]")


@cache
def phrases(purpose: str) -> tuple[str, ...]:
    """The folded phrases of bot/data/words.json `prose.<purpose>`, in every language, the
    longest first (made once: every line of a long message is compared with them)."""
    by_lang = table().prose.get(purpose, {})
    found = dict.fromkeys(fold(p) for lang in LANGUAGES for p in by_lang.get(lang, ()))
    return tuple(sorted(found, key=len, reverse=True))


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
    # a term already singular ("cmr": clearance) goes before a plural one ("cmrs": survey)
    for term, codes in sorted(source.items(), key=lambda item: not _singular(item[0])):
        key = tuple(_stem(w) for w in _WORD.findall(term))
        if key and key not in index:
            index[key] = codes
        elif key and index[key] != codes and _singular(term):
            clashes.add(key)
    return {key: codes for key, codes in index.items() if key not in clashes}


def _singular(term: str) -> bool:
    return all(_stem(w) == w for w in _WORD.findall(term))


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
