"""From a message in prose to a draft of the template, filled with what the text says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal

from bot.parsing import mentions, prose
from bot.parsing.fields import Vocabulary, country, country_name
from bot.parsing.fields import language as language_code
from bot.parsing.normalise import fold
from bot.parsing.own_words import writers_text
from bot.parsing.parser import DESCRIPTION_MAX, KIND_WORDS, TITLE_MAX
from bot.parsing.subjects import without_prefixes

__all__ = ["Draft", "Writer", "draft_from_prose", "writers_text"]

# The fields a draft fills, in the template's order; those left blank are named in the reply.
NAMED = ("type", "title", "country", "areas", "assistance", "amount", "period")
FINANCIAL = "financial"  # the vocabulary's form of assistance that an amount of money is
SCAN_MAX = 10_000  # characters read for values: prose worth a draft is short, and time is linear
TITLE_WORDS = 12  # a title made from the first sentence keeps at most this many words
_PROSE_WORDS = 5  # what NEED or OFFER is followed by must say this much to be worth a draft
_KIND_PREFIX = re.compile(r"^\s*(?:" + "|".join(KIND_WORDS) + r")\s*[:\-–—]\s*", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
ANY_PLACE = {"en": "any", "fr": "tous les pays", "es": "todos los países"}  # as the parser reads
_CONNECTOR = {"en": "to", "fr": "au", "es": "a"}  # what bot.parsing.periods reads between dates


@dataclass(frozen=True)
class Writer:
    """What the reference data says about the actor a focal point writes for."""

    country: str | None = None  # a state's own country (ISO alpha-3); None for an organisation
    leaning: str | None = None  # "need" (a state with obligations) | "offer" (a donor) | None


@dataclass(frozen=True)
class Draft:
    """The template's fields as the writer will read them ("" where nothing was understood)."""

    fields: dict[str, str]
    blank: tuple[str, ...]  # the fields of NAMED left blank, to be named in the reply

    @property
    def kind(self) -> str | None:
        return self.fields.get("type") or None


def draft_from_prose(
    text: str,
    subject: str,
    *,
    today: date,
    writer: Writer,
    language: str = "en",
    kind: str | None = None,
    vocabulary: Vocabulary | None = None,
) -> Draft | None:
    """The draft a message in prose is worth, or None when it asks for nothing we can draft.

    `kind` is the kind the message was sent as (NEED or OFFER as its command); otherwise the
    text must name an area or form of assistance, or say it is a need or an offer and name an
    amount, a period or a place ("we need the template" is no need)."""
    vocab = vocabulary or Vocabulary.load()
    own = writers_text(text)
    subject = without_prefixes(subject)
    whole = f"{subject}\n\n{own}"[:SCAN_MAX]
    found = prose.terms(whole, vocab)
    folded = fold(whole)
    cues = {k: prose.count_phrases(folded, prose.phrases(k)) for k in ("need", "offer")}
    amount = _amount(mentions.amounts(whole))
    if kind is None and not (found.areas or found.assistance):
        # "we need" alone may be "we need the template": with an amount, a period or a place
        concrete = amount or mentions.periods(whole) or prose.places(whole, vocab, found.words)
        if not (any(cues.values()) and concrete):
            return None
    if kind is not None and len(own.split()) < _PROSE_WORDS:
        return None
    kind = kind or _kind(cues, writer.leaning)
    # an amount asked for or offered is money: financial, whatever else the text names
    assistance = tuple(dict.fromkeys(((FINANCIAL,) if amount else ()) + found.assistance))
    fields = {
        "type": kind or "",
        "title": _title(subject, own),
        "country": _countries(whole, kind, writer, vocab, found.words, language),
        "areas": ", ".join(vocab.area_label(code, language) for code in found.areas),
        "assistance": ", ".join(vocab.assistance_label(code, language) for code in assistance),
        "amount": _money_text(amount, language) if amount else "",
        "period": _period_text(_period(whole, folded, today), language),
        "languages": ", ".join(_language_name(c, language) for c in prose.languages_stated(whole)),
        "description": own[:DESCRIPTION_MAX],
    }
    blank = tuple(name for name in NAMED if not fields[name])
    return Draft(fields, blank)


def _kind(cues: dict[str, int], leaning: str | None) -> str | None:
    """The kind the words say; the actor's leaning decides a tie."""
    need = cues["need"] + (0.5 if leaning == "need" else 0)
    offer = cues["offer"] + (0.5 if leaning == "offer" else 0)
    if need == offer:
        return None
    return "need" if need > offer else "offer"


def _title(subject: str, own: str) -> str:
    """The subject when it says something (two words or more, not only NEED or OFFER), else the
    first sentence, shortened."""
    subject = _KIND_PREFIX.sub("", subject)  # "NEED: survey teams" is titled "survey teams"
    words = fold(subject).split()
    if len(words) >= 2 and not all(w in KIND_WORDS for w in words):
        return subject[:TITLE_MAX]
    first = next((s for s in _SENTENCE_END.split(own) if s.strip()), "")
    first = " ".join(first.split()).rstrip(".!?:;, ")
    cut = first.split()[:TITLE_WORDS]
    return " ".join(cut) + ("…" if len(first.split()) > TITLE_WORDS else "")


def _countries(
    text: str,
    kind: str | None,
    writer: Writer,
    vocab: Vocabulary,
    terms: frozenset[str],
    language: str,
) -> str:
    """A state's need is its own country; an offer is for the places it names, not its
    giver's; an organisation's need is for the countries it names."""
    if kind == "need" and writer.country:
        return _country_text(writer.country, language)
    places = prose.places(text, vocab, terms)
    if kind == "offer":
        places = [p for p in places if p != writer.country]
        if not places and prose.count_phrases(fold(text), prose.phrases("any_place")):
            return ANY_PLACE.get(language, ANY_PLACE["en"])
    else:
        places = [p for p in places if not p.startswith("region:")]
    shown = []
    for place in places:
        if place.startswith("region:"):
            shown.append(vocab.region_label(place.removeprefix("region:"), language))
        else:
            shown.append(_country_text(place, language))
    return ", ".join(shown)


def _country_text(code: str, language: str) -> str:
    """The country's name in the writer's language, or its code when the name reads otherwise."""
    name = country_name(code, language)
    return name if country(name) == code else code


def _amount(found: list[tuple[Decimal, str]]) -> tuple[Decimal, str] | None:
    """The largest amount in the currency named first (a total is the largest one)."""
    if not found:
        return None
    currency = found[0][1]
    return max((a for a in found if a[1] == currency), key=lambda a: a[0])


def _money_text(amount: tuple[Decimal, str], language: str) -> str:
    return f"{format_decimal(amount[0], locale=language)} {amount[1]}"


def _period(text: str, folded: str, today: date) -> tuple[date, date] | None:
    """The one period to come that the text names (or the one holding all it names), else the
    year that "next year" means; several unrelated periods, or one we could read only in part,
    leave it to the writer. Periods over before today tell the past ("since 2019")."""
    read = mentions.periods(text)
    if None in read:
        return None
    found = list(dict.fromkeys(p for p in read if p is not None and p[1] >= today))
    for start, end in found:
        if all(start <= s and e <= end for s, e in found):
            return start, end
    if found:
        return None
    year = mentions.relative_year(folded, today)
    return (date(year, 1, 1), date(year, 12, 31)) if year else None


def _period_text(found: tuple[date, date] | None, language: str) -> str:
    if found is None:
        return ""
    start, end = found
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    shape = "%Y-%m" if whole_months else "%Y-%m-%d"
    return f"{start.strftime(shape)} {_CONNECTOR.get(language, 'to')} {end.strftime(shape)}"


def _language_name(code: str, language: str) -> str:
    """The language's name in the writer's language ("anglais"), or its code."""
    name = Locale.parse(language).languages.get(code) or code
    return name if language_code(name) == code else code
