"""Parse the plain-text need/offer template into a Submission and every problem found in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TypeVar

from bot.parsing.crossed import uncrossed
from bot.parsing.fields import Vocabulary, read_list
from bot.parsing.kinds import KIND_WORDS, KINDS, kind_said
from bot.parsing.language_list import read_languages
from bot.parsing.money import money_if_any, no_sum
from bot.parsing.normalise import FieldError, fold
from bot.parsing.own_words import without_notes, writers_text
from bot.parsing.periods import period_if_any
from bot.parsing.places import ANY, REGION_PREFIX, narrowed, place, place_choices, within
from bot.parsing.suggestions import Choices
from bot.parsing.template import LABELS, clean_text, read_template

__all__ = [
    "KIND_WORDS",
    "KINDS",
    "LABELS",
    "ParseResult",
    "Problem",
    "Submission",
    "clean_text",
    "parse_submission",
]

A = TypeVar("A")
B = TypeVar("B")

# Size limits (characters), stated in the README; the replies cut what they echo at these
# (bot/templates/LANG/fields.txt.j2, refill.txt.j2).
TITLE_MAX = 200
REFERENCE_MAX = 200
DESCRIPTION_MAX = 20_000
MONEY_EXAMPLES = ("250k USD", "EUR 1.2m", "1 200 000 €")
PERIOD_EXAMPLES = ("2027", "2027-01 to 2027-12", "2027-01-15 to 2027-06-30")
# The fields that make labelled lines a template, beside its title, when two or more are given:
# then the writer's prose around them is its description if it has no Description field.
TEMPLATE_FIELDS = ("type", "country", "areas", "assistance")
PROSE_MAX = DESCRIPTION_MAX  # characters of prose around the fields read for its kind and text
DESCRIBING_WORDS = 8  # fewer are a note about the template ("See below."), not a description

_FIELD_ERROR_CODES = {"ambiguous": "ambiguous", "unknown_currency": "unknown_value"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission, for the error reply."""

    field: str
    code: str
    value: str = ""
    allowed: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()  # the known words closest to an unknown value


@dataclass(frozen=True)
class Submission:
    """What a need or offer message says, with values normalised to codes."""

    kind: str | None = None
    title: str | None = None
    countries: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    assistance: tuple[str, ...] = ()
    amount: Decimal | None = None
    currency: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    languages: tuple[str, ...] = ()
    unknown_languages: tuple[str, ...] = ()  # named but not known ("kichwa"): left out
    reference: str | None = None
    description: str | None = None
    actor: str | None = None
    on_behalf_of: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseResult:
    submission: Submission
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_submission(
    text: str,
    subject: str = "",
    *,
    vocabulary: Vocabulary | None = None,
    writer_countries: tuple[str, ...] = (),
) -> ParseResult:
    """Read the `Label: value` lines of a message; collect every problem, not just the first.

    `writer_countries` (ISO3) are the countries of the writer's actor: they say which months a
    fiscal year ("FY2028") covers; without them a fiscal year is asked."""
    vocab = vocabulary or Vocabulary.load()
    fields, repeated, outside = read_template(text)
    problems = [Problem(name, "ambiguous", value) for name, value in repeated]
    own = writers_text(outside[:PROSE_MAX])  # a note above the fields, a paragraph below
    kind = _kind(fields.get("type", ""), subject, own, problems)
    if not fields:
        return ParseResult(Submission(kind=kind), (Problem("template", "no_fields"),))

    title = fields.get("title") or None
    if title is None:
        problems.append(Problem("title", "missing"))
    elif len(title) > TITLE_MAX:
        problems.append(Problem("title", "too_long", title))
        title = None
    countries = _countries(fields.get("country", ""), kind, vocab, problems)
    area_labels = tuple(vocab.area_label(c) for c in vocab.area_codes)
    areas = _codes(
        "areas",
        fields.get("areas", ""),
        vocab.area,
        area_labels,
        vocab.area_choices,
        problems,
        vocab.area_fits,
    )
    form_labels = tuple(vocab.assistance_label(c) for c in vocab.assistance_codes)
    assistance = fields.get("assistance", "")
    forms = _codes(
        "assistance",
        assistance,
        vocab.assistance,
        form_labels,
        vocab.assistance_choices,
        problems,
        vocab.assistance_fits,
    )
    labels = {"areas": area_labels, "assistance": form_labels}
    areas, forms, problems = uncrossed(
        areas, forms, problems, vocab, lambda name: Problem(name, "missing", "", labels[name])
    )
    # a CFA franc is XOF or XAF by the record's countries, else by the writer's state
    amount_of = partial(money_if_any, countries=countries, writers=writer_countries)
    said = fields.get("amount", "")
    # No sum and no currency ("covered by the programme", "pris en charge par l'organisateur"):
    # a remark on support that is not money, not a mistake; financial support is asked below.
    written = None if no_sum(said) else said
    amount, currency = _checked("amount", written, amount_of, MONEY_EXAMPLES, problems)
    if (
        said
        and amount is None
        and "financial" in forms
        and all(p.field != "amount" for p in problems)
    ):
        # The amount is optional, but financial support whose amount says "TBD" or "n/a" is a
        # question a reader would ask: how much?
        problems.append(Problem("amount", "financial_without_amount", said, MONEY_EXAMPLES))
    period_of = partial(period_if_any, countries=writer_countries)  # "FY2028" by the writer
    start, end = _checked("period", fields.get("period"), period_of, PERIOD_EXAMPLES, problems)
    # A language we do not know blocks nothing: it is set aside for the receipt to mention.
    found, unknown_languages = read_languages(fields.get("languages", ""))
    description = fields.get("description") or _description(own, fields)
    if description is None:
        problems.append(Problem("description", "missing"))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(Problem("description", "too_long", description))
        description = None
    reference = fields.get("reference") or None
    if reference is not None and len(reference) > REFERENCE_MAX:
        problems.append(Problem("reference", "too_long", reference))
        reference = None

    submission = Submission(
        kind=kind,
        title=title,
        countries=countries,
        areas=areas,
        assistance=forms,
        amount=amount,
        currency=currency,
        period_start=start,
        period_end=end,
        languages=found,
        unknown_languages=tuple(unknown_languages),
        reference=reference,
        description=description,
        actor=fields.get("actor") or None,
        on_behalf_of=fields.get("on_behalf_of") or None,
        fields=fields,
    )
    return ParseResult(submission, tuple(problems))


def _kind(value: str, subject: str, note: str, problems: list[Problem]) -> str | None:
    """The kind the Type line names, else the one the subject and the writer's words outside the
    fields say (bot.parsing.kinds); else the writer is asked."""
    if value:
        kind = KIND_WORDS.get(fold(value))
        if kind is None:
            problems.append(Problem("type", "unknown_value", value, KINDS))
        return kind
    kind = kind_said(subject, note)
    if kind is None:
        problems.append(Problem("type", "missing", "", KINDS))
    return kind


def _description(own: str, fields: dict[str, str]) -> str | None:
    """What a template without a Description field is about: the writer's own words around its
    fields as a reader takes them (less a note about the message: "Here is our offer."), else
    its title (a template that says all else needs no more); None for labelled lines too few to
    be a template."""
    title = fields.get("title")
    if not title or sum(bool(fields.get(name)) for name in TEMPLATE_FIELDS) < 2:
        return None
    described = without_notes(own)
    if len(described.split()) < DESCRIBING_WORDS:
        return title
    return described[:DESCRIPTION_MAX]


def _codes(
    name: str,
    value: str,
    lookup: Callable[[str], tuple[str, ...] | None],
    allowed: tuple[str, ...],
    choices: Choices,
    problems: list[Problem],
    fits: Callable[[str], tuple[str, ...]],
) -> tuple[str, ...]:
    found, unknown = read_list(value, lookup)
    if not found and not unknown:
        problems.append(Problem(name, "missing", "", allowed))
    problems += [_unknown(name, word, allowed, choices, fits(word)) for word in unknown]
    return tuple(dict.fromkeys(code for codes in found for code in codes))


def _unknown(
    name: str, word: str, allowed: tuple[str, ...], choices: Choices, fits: tuple[str, ...] = ()
) -> Problem:
    """A word we do not know, with the known words closest to it ("did you mean …?"): the terms
    that fit it equally ("data": "victim data" or "data management"), else the closest spelt."""
    return Problem(name, "unknown_value", word, allowed, fits or choices.closest(word))


def _countries(
    value: str, kind: str | None, vocab: Vocabulary, problems: list[Problem]
) -> tuple[str, ...]:
    """Countries, regions ("region:035") or "any"; for a need, countries only."""
    found, unknown = read_list(narrowed(value, vocab), place(vocab), within(vocab))
    problems += [_unknown("country", word, (), place_choices()) for word in unknown]
    if not found and not unknown and kind == "offer":
        problems.append(Problem("country", "missing"))
    if kind == "need" and any(p == ANY or p.startswith(REGION_PREFIX) for p in found):
        problems.append(Problem("country", "invalid", value))
    if ANY in found:
        return (ANY,)
    return tuple(dict.fromkeys(found))


def _checked(
    name: str,
    value: str | None,
    read: Callable[[str], tuple[A, B]],
    examples: tuple[str, ...],
    problems: list[Problem],
) -> tuple[A | None, B | None]:
    """Apply money() or period() to a field that was given; a FieldError becomes a Problem."""
    if not value:
        return None, None
    try:
        return read(value)
    except FieldError as exc:
        problems.append(Problem(name, _FIELD_ERROR_CODES.get(exc.code, "invalid"), value, examples))
        return None, None
