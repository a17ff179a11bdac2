"""The site's words in one language: UI strings, vocabulary labels, places, reasons of a match."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.parsing.fields import Vocabulary
from bot.records.views import language_name, place_name
from bot.render import environment, render_text


@cache
def strings(lang: str) -> dict[str, str]:
    """The `key=value` lines of bot/templates/LANG/site/strings.txt.j2."""
    text = render_text("site/strings.txt.j2", lang)
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


@dataclass(frozen=True)
class Labels:
    """Names of codes in one language; also the `names(kind, codes)` the reasons macro calls."""

    words: Vocabulary
    lang: str

    @property
    def t(self) -> dict[str, str]:
        return strings(self.lang)

    def area(self, code: str) -> str:
        return self.words.area_label(code, self.lang)

    def assistance(self, code: str) -> str:
        return self.words.assistance_label(code, self.lang)

    def region(self, code: str) -> str:
        return self.words.region_label(code, self.lang)

    def place(self, code: str) -> str:
        """A country (ISO3), a region (`region:035` or `035`) or `any`."""
        return self.region(code) if code in self.words.regions else place_name(code, self.lang)

    def actor_type(self, code: str) -> str:
        return self.t[f"type.{code}"]

    def kind(self, code: str) -> str:
        return self.t[f"kind.{code}"]

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
