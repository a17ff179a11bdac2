"""Records and submissions as people read them: labels, names and amounts in their language."""

from __future__ import annotations

import gettext
import json
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pycountry
from babel.numbers import format_decimal

from bot.locale import BUTTON, N_, pgettext
from bot.parsing.fields import Vocabulary, country_name
from bot.parsing.parser import MONEY_EXAMPLES, PERIOD_EXAMPLES, Problem
from bot.reference import reference_actors
from store.records import Record

ANY = "any"
EXAMPLES_FILE = Path(__file__).parent.parent / "data" / "examples.json"
REGION_PREFIX = "region:"


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary.load()


@cache
def _languages(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def language_name(code: str, lang: str = "en") -> str:
    found = pycountry.languages.get(alpha_2=code)
    if found is None:
        return code
    return _languages(lang).gettext(found.name)


def place_name(code: str, lang: str = "en") -> str:
    """A country, a UN region or `any`, by name."""
    if code == ANY:
        return {"fr": "tous les pays", "es": "todos los países"}.get(lang, "any country")
    if code.startswith(REGION_PREFIX):
        return vocabulary().region_label(code.removeprefix(REGION_PREFIX), lang)
    names = _state_names().get(code)
    return names[lang] if names else country_name(code, lang)


@cache
def _state_names() -> dict[str, dict[str, str]]:
    """States by the names the portal gives them (those of the reference actors)."""
    return {
        row["code"]: {"en": row["name"], "fr": row["name_fr"], "es": row["name_es"]}
        for row in reference_actors()
        if row["iso2"]
    }


def money(amount: Decimal | None, currency: str | None, lang: str = "en") -> str:
    if amount is None or currency is None:
        return ""
    locale = {"fr": "fr_FR", "es": "es_ES"}.get(lang, "en_GB")
    return f"{format_decimal(amount, format='#,##0.##', locale=locale)} {currency}"


@dataclass(frozen=True)
class RecordView:
    """Every field of a record (or of a submission) as text, ready for a template."""

    kind: str
    title: str
    countries: str
    areas: str
    assistance: str
    amount: str
    period: str
    languages: str
    reference: str
    description: str
    public_id: str = ""
    status: str = ""
    actor: str = ""

    @classmethod
    def of(cls, content: dict[str, Any], kind: str, lang: str, **extra: str) -> RecordView:
        words = vocabulary()
        return cls(
            kind=kind,
            title=content.get("title") or "",
            countries=", ".join(place_name(c, lang) for c in content.get("countries") or ()),
            areas=", ".join(words.area_label(a, lang) for a in content.get("areas") or ()),
            assistance=", ".join(
                words.assistance_label(a, lang) for a in content.get("assistance") or ()
            ),
            amount=money(content.get("amount"), content.get("currency"), lang),
            period=_period(content.get("period_start"), content.get("period_end"), lang),
            languages=", ".join(language_name(c, lang) for c in content.get("languages") or ()),
            reference=content.get("reference") or "",
            description=(content.get("description") or "").strip(),
            **extra,
        )

    def as_fields(self) -> dict[str, str]:
        """The view as template fields, to re-fill a template with a record's current text."""
        return {
            "type": self.kind,
            "title": self.title,
            "country": self.countries,
            "areas": self.areas,
            "assistance": self.assistance,
            "amount": self.amount,
            "period": self.period,
            "languages": self.languages,
            "reference": self.reference,
            "description": self.description,
        }

    @classmethod
    def of_record(
        cls, record: Record, lang: str, content: dict[str, Any] | None = None
    ) -> RecordView:
        """The record as people read it; with `content`, as it will read once a change is
        confirmed (its id, status and owner stay the record's)."""
        return cls.of(
            record.content() if content is None else content,
            record.kind,
            lang,
            public_id=record.public_id,
            status=record.status,
            actor=record.actor.display_name(lang),
        )


def _period(start: date | None, end: date | None, lang: str) -> str:
    if start is None or end is None:
        return ""
    return f"{start.isoformat()} {_TO.get(lang, 'to')} {end.isoformat()}"


_TO = {"en": "to", "fr": "au", "es": "a"}


def localised(problems: list[Problem], lang: str) -> list[Problem]:
    """Problems whose allowed values, and examples of amounts and periods, are in the reader's
    language."""
    words = vocabulary()
    labels = {
        "areas": lambda: tuple(words.area_label(code, lang) for code in words.area_codes),
        "assistance": lambda: tuple(
            words.assistance_label(code, lang) for code in words.assistance_codes
        ),
    }
    english = {"amount": MONEY_EXAMPLES, "period": PERIOD_EXAMPLES}
    found = []
    for p in problems:
        if p.allowed and p.field in labels:
            p = replace(p, allowed=labels[p.field]())
        elif p.field in english and p.allowed == english[p.field]:
            p = replace(p, allowed=examples(p.field, lang))
        found.append(p)
    return found


@cache
def examples(field: str, lang: str) -> tuple[str, ...]:
    """Examples of an amount or a period as people write them in `lang` (data/examples.json)."""
    data = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return tuple(data[field].get(lang) or data[field]["en"])


# The Telegram buttons by key; English is their msgid (context "button") in bot/locale's catalogs.
BUTTONS = {
    "done": N_("Done"),
    "skip": N_("Skip"),
    "submit": N_("Submit"),
    "edit": N_("Edit"),
    "cancel": N_("Cancel"),
    "title": N_("Title"),
    "countries": N_("Countries"),
    "areas": N_("Areas"),
    "assistance": N_("Assistance"),
    "amount": N_("Amount"),
    "period": N_("Period"),
    "description": N_("Description"),
    "confirm": N_("Confirm"),
    "reject": N_("Reject"),
}


@cache
def button_labels(lang: str) -> dict[str, str]:
    """The labels of Telegram buttons in a language."""
    return {key: pgettext(lang, BUTTON, label) for key, label in BUTTONS.items()}
