"""The site's words in one language: UI strings, vocabulary labels, places, reasons of a match."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from babel.support import NullTranslations

from bot.locale import N_, translations
from bot.parsing.fields import Vocabulary
from bot.records.views import language_name, place_name
from bot.render import LANGUAGES, environment

# Words a page picks by a code; the templates' own words are `_("...")` in them. English is the
# msgid of bot/locale/*/LC_MESSAGES/portal.po.
ACTOR_TYPES = {
    "state_party": N_("State Party"),
    "signatory": N_("Signatory State"),
    "observer_state": N_("Observer State"),
    "un_entity": N_("UN entity"),
    "international_organisation": N_("International organisation"),
    "regional_organisation": N_("Regional organisation"),
    "rcrc_movement": N_("Red Cross and Red Crescent"),
    "ngo_international": N_("International NGO"),
    "ngo_national": N_("National NGO"),
    "civil_society_coalition": N_("Civil-society coalition"),
    "academic_research": N_("Academic or research institution"),
    "private_sector": N_("Private sector"),
}
KINDS = {"need": N_("Need"), "offer": N_("Offer")}
STATUSES = {"published": N_("published")}
ALL_OF = N_("%(area)s (all)")  # a parent area with every one of its sub-areas
# How an offer is open to a country page's country.
VIA = {
    "country": N_("open to this country by name"),
    "region": N_("open to its region"),
    "any": N_("open to any country"),
}


def language_names() -> dict[str, str]:
    """Each language by its own name (English, Français, Español), for the language switch."""
    return {lang: language_name(lang, lang) for lang in LANGUAGES}


@dataclass(frozen=True)
class Labels:
    """Names of codes in one language; also the `names(kind, codes)` the reasons macro calls."""

    words: Vocabulary
    lang: str

    @property
    def translations(self) -> NullTranslations:
        return translations(self.lang)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def area(self, code: str) -> str:
        return self.words.area_label(code, self.lang)

    def areas(self, codes: Iterable[str]) -> str:
        """Areas as people say them: every sub-area of a parent is "victim assistance (all)",
        several are "victim assistance (medical care, rehabilitation)", one keeps its label."""
        codes = tuple(codes)
        said: list[str] = []
        done: set[str] = set()
        for code in codes:
            parent = self.words.area_parent(code)
            if parent is None:
                said.append(self.area(code))
                continue
            if parent.code in done:
                continue
            done.add(parent.code)
            mine = [c for c in parent.areas if c in codes]
            if len(mine) == 1:
                said.append(self.area(code))
                continue
            name = self.words.parent_label(parent.code, self.lang)
            if len(mine) == len(parent.areas):
                said.append(self.gettext(ALL_OF) % {"area": name})
            else:
                tails = ", ".join(self._tail(c, name) for c in mine)
                said.append(f"{name} ({tails})")
        return ", ".join(said)

    def _tail(self, code: str, parent: str) -> str:
        """A sub-area's label after its parent's name ("medical care" of "victim assistance —
        medical care"); the whole label when it does not start with it."""
        head, dash, tail = self.area(code).partition(" — ")
        return tail if dash and head == parent else self.area(code)

    def area_or_parent(self, code: str) -> str:
        """An option of the area filter: a parent stands for every one of its sub-areas."""
        if code in self.words.parents:
            return self.gettext(ALL_OF) % {"area": self.words.parent_label(code, self.lang)}
        return self.area(code)

    def assistance(self, code: str) -> str:
        return self.words.assistance_label(code, self.lang)

    def region(self, code: str) -> str:
        return self.words.region_label(code, self.lang)

    def place(self, code: str) -> str:
        """A country (ISO3), a region (`region:035` or `035`) or `any`."""
        return self.region(code) if code in self.words.regions else place_name(code, self.lang)

    def actor_type(self, code: str) -> str:
        return self.gettext(ACTOR_TYPES[code])

    def kind(self, code: str) -> str:
        return self.gettext(KINDS[code])

    def status(self, code: str) -> str:
        return self.gettext(STATUSES[code])

    def via(self, how: str) -> str:
        return self.gettext(VIA[how])

    def __call__(self, kind: str, codes: Iterable[str]) -> str:
        return ", ".join(self._name(kind, code) for code in codes)

    def _name(self, kind: str, code: str) -> str:
        if kind == "area":
            return self.area(code)
        if kind == "assistance":
            return self.assistance(code)
        if kind == "region":
            return self.region(code)
        if kind == "language":
            return language_name(code, self.lang)
        return place_name(code, self.lang)

    def reasons(self, why: Iterable[tuple[str, Iterable[str]]]) -> str:
        """A match's reasons in plain words, by the `line` macro of LANG/reasons.j2.

        Called here, not from the page template: that macro comes from a template without
        autoescape, so its result must reach the page as plain text, to be escaped there.
        """
        module: Any = environment().get_template(f"{self.lang}/reasons.j2").module
        return str(module.line([[code, list(values)] for code, values in why], self))
