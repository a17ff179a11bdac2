"""Parse the plain-text need/offer template into a Submission and every problem found in it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TypeVar

from bot.parsing.fields import Vocabulary, country, language
from bot.parsing.label_line import split_label, split_label_otherwise
from bot.parsing.money import money_if_any
from bot.parsing.normalise import FieldError, fold, resolve_list
from bot.parsing.periods import period_if_any
from bot.words import table

A = TypeVar("A")
B = TypeVar("B")

# Size limits (characters), stated in the README; the replies cut what they echo at these
# (bot/templates/LANG/fields.txt.j2, refill.txt.j2).
TITLE_MAX = 200
REFERENCE_MAX = 200
DESCRIPTION_MAX = 20_000
MONEY_EXAMPLES = ("250k USD", "EUR 1.2m", "1 200 000 €")
PERIOD_EXAMPLES = ("2027", "2027-01 to 2027-12", "2027-01-15 to 2027-06-30")
KINDS = ("need", "offer")

# Every label of each field, in en/fr/es: bot/data/words.json.
LABELS: dict[str, tuple[str, ...]] = table().aliases()
_LABEL_OF = {fold(alias): name for name, aliases in LABELS.items() for alias in aliases}
_LIST_FIELDS = frozenset({"country", "areas", "assistance", "languages"})
KIND_WORDS = {
    "need": "need",
    "needs": "need",
    "besoin": "need",
    "besoins": "need",
    "necesidad": "need",
    "necesidades": "need",
    "offer": "offer",
    "offers": "offer",
    "offre": "offer",
    "offres": "offer",
    "oferta": "offer",
    "ofertas": "offer",
}
_ANY = frozenset(
    fold(w)
    for w in (
        "any",
        "all",
        "any country",
        "all countries",
        "any state",
        "all states",
        "tous",
        "toutes",
        "tous les pays",
        "tout pays",
        "todos",
        "todas",
        "todos los países",
        "cualquier país",
        "cualquiera",
    )
)
_BULLET = re.compile(r"[-*•+]\s")
_PLACEHOLDER = re.compile(r"^(?:<[^<>]*>|\[[^\[\]]*\]|\.\.\.|…|_+)$")
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|tr|rv|aw|wg)\s*:\s*|\[[^\]]*\]\s*)+", re.I)
_FIELD_ERROR_CODES = {"ambiguous": "ambiguous", "unknown_currency": "unknown_value"}
# Bidirectional controls (they can make "N-2026-0001 withdrawn" read as something else in a
# digest or a list) and the other invisible control characters; tab and newline stay.
_UNSAFE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission, for the error reply."""

    field: str
    code: str
    value: str = ""
    allowed: tuple[str, ...] = ()


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
    text: str, subject: str = "", *, vocabulary: Vocabulary | None = None
) -> ParseResult:
    """Read the `Label: value` lines of a message; collect every problem, not just the first."""
    vocab = vocabulary or Vocabulary.load()
    problems: list[Problem] = []
    fields = _fields(text, problems)
    kind = _kind(fields.get("type", ""), subject, problems)
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
    areas = _codes("areas", fields.get("areas", ""), vocab.area, area_labels, problems)
    form_labels = tuple(vocab.assistance_label(c) for c in vocab.assistance_codes)
    assistance = fields.get("assistance", "")
    forms = _codes("assistance", assistance, vocab.assistance, form_labels, problems)
    amount_of = partial(money_if_any, countries=countries)  # a CFA franc is XOF or XAF by country
    amount, currency = _checked("amount", fields.get("amount"), amount_of, MONEY_EXAMPLES, problems)
    start, end = _checked("period", fields.get("period"), period_if_any, PERIOD_EXAMPLES, problems)
    found, unknown = resolve_list(fields.get("languages", ""), language)
    problems += [Problem("languages", "unknown_value", word) for word in unknown]
    description = fields.get("description") or None
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
        languages=tuple(dict.fromkeys(found)),
        reference=reference,
        description=description,
        actor=fields.get("actor") or None,
        on_behalf_of=fields.get("on_behalf_of") or None,
        fields=fields,
    )
    return ParseResult(submission, tuple(problems))


def _fields(text: str, problems: list[Problem]) -> dict[str, str]:
    """Canonical field name → value as sent; a value runs on until the next known label."""
    found: list[tuple[str, list[str]]] = []
    closed = False
    for line in text.splitlines():
        if line.rstrip() == "--":
            break
        match = split_label(line)
        name = _LABEL_OF.get(fold(match[0])) if match else None
        if name is None:  # `Title – …`, `AREAS = …`, `Title<tab>…`: a known label all the same
            match = split_label_otherwise(line)
            name = _LABEL_OF.get(fold(match[0])) if match else None
        if match and name:
            found.append((name, [match[1].strip()]))
            closed = False
        elif found and found[-1][0] == "description":
            found[-1][1].append(line.rstrip())
        elif found and not closed and line.strip():
            found[-1][1].append(line.strip())
        elif found:
            closed = True  # a blank line ends a one-line field
    fields: dict[str, str] = {}
    for name, lines in found:
        value = _clean(_join(name, lines))
        if name not in fields or not fields[name]:
            fields[name] = value
        elif name in _LIST_FIELDS:
            fields[name] = f"{fields[name]}, {value}" if value else fields[name]
        elif value and value != fields[name]:
            problems.append(Problem(name, "ambiguous", value))
    return fields


def _join(name: str, lines: list[str]) -> str:
    """Description keeps its lines; a list keeps bulleted lines apart; others join with spaces."""
    if name == "description":
        return "\n".join(lines).strip()
    if name in _LIST_FIELDS:
        return "".join(("\n" if _BULLET.match(line) else " ") + line for line in lines).strip()
    return " ".join(lines).strip()


def clean_text(text: str) -> str:
    """Text without bidirectional or other control characters (newlines and tabs kept)."""
    return _UNSAFE.sub("", text)


def _clean(value: str) -> str:
    value = clean_text(value).strip()
    return "" if _PLACEHOLDER.match(value) else value


def _kind(value: str, subject: str, problems: list[Problem]) -> str | None:
    if value:
        kind = KIND_WORDS.get(fold(value))
        if kind is None:
            problems.append(Problem("type", "unknown_value", value, KINDS))
        return kind
    words = fold(_SUBJECT_PREFIX.sub("", subject)).split()
    kind = KIND_WORDS.get(words[0]) if words else None
    if kind is None:
        problems.append(Problem("type", "missing", "", KINDS))
    return kind


def _codes(
    name: str,
    value: str,
    lookup: Callable[[str], tuple[str, ...] | None],
    allowed: tuple[str, ...],
    problems: list[Problem],
) -> tuple[str, ...]:
    found, unknown = resolve_list(value, lookup)
    if not found and not unknown:
        problems.append(Problem(name, "missing", "", allowed))
    problems += [Problem(name, "unknown_value", word, allowed) for word in unknown]
    return tuple(dict.fromkeys(code for codes in found for code in codes))


def _place(vocab: Vocabulary) -> Callable[[str], str | None]:
    def lookup(text: str) -> str | None:
        if fold(text) in _ANY:
            return "any"
        code = country(text)
        if code:
            return code
        region = vocab.region(text)
        return f"region:{region}" if region else None

    return lookup


def _countries(
    value: str, kind: str | None, vocab: Vocabulary, problems: list[Problem]
) -> tuple[str, ...]:
    """Countries, regions ("region:035") or "any"; for a need, countries only."""
    found, unknown = resolve_list(value, _place(vocab))
    problems += [Problem("country", "unknown_value", word) for word in unknown]
    if not found and not unknown and kind == "offer":
        problems.append(Problem("country", "missing"))
    if kind == "need" and any(p == "any" or p.startswith("region:") for p in found):
        problems.append(Problem("country", "invalid", value))
    if "any" in found:
        return ("any",)
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
