"""What the digest templates are given: entries put into words once per run, and the sections."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markupsafe import Markup

from bot.config import Settings
from bot.records.views import RecordView, language_name, place_name, vocabulary
from bot.render import render_text
from digests.build import SECTIONS, Entry
from digests.caps import Digest
from store.records import Record


@dataclass(frozen=True)
class Item:
    """One entry of a digest as the reader sees it: bot/templates/LANG/digest_entry.*.j2."""

    text: str
    html: Markup


@dataclass
class Wording:
    """What a run has put into words so far, for the recipients after: the view of each record
    and the text of each entry, per language. Many recipients share records and entries (the
    same new record, for the same reasons), and wording one is most of a digest's cost."""

    views: dict[tuple[int, str], RecordView] = field(default_factory=dict)
    items: dict[tuple[Entry, str], Item] = field(default_factory=dict)

    def missing(self, entries: Iterable[Entry], lang: str) -> set[int]:
        """The records these entries name that have no view in `lang` yet."""
        named = {e.record_id for e in entries} | {e.other_id for e in entries if e.other_id}
        return {record_id for record_id in named if (record_id, lang) not in self.views}

    def add(self, records: Iterable[Record], lang: str) -> None:
        """Views of these records in `lang` (their actor loaded with them, for its name)."""
        for record in records:
            self.views[(record.id, lang)] = RecordView.of_record(record, lang)

    def item(self, entry: Entry, lang: str) -> Item:
        """The entry in words; every record it names must have its view in `lang`."""
        key = (entry, lang)
        if key not in self.items:
            own = None if entry.other_id is None else self.views[(entry.other_id, lang)]
            shown = Shown(self.views[(entry.record_id, lang)], own, entry.score, entry.why)
            self.items[key] = entry_item(entry.section, shown, lang)
        return self.items[key]


@dataclass(frozen=True)
class Shown:
    """What the entry templates read as `item`. Attributes, not a dict's keys: Jinja2 tries an
    attribute first, and a dict answers each of the entry's dozen lookups with an exception."""

    record: RecordView
    own: RecordView | None  # for a match: the reader's own record
    score: int | None
    why: tuple[tuple[str, tuple[str, ...]], ...]


def entry_item(section: str, item: Shown, lang: str) -> Item:
    """Render one entry, given as the entry templates read it (record, own, score, why)."""
    context = {"section": section, "item": item, "names": names_in(lang)}
    return Item(
        render_text("digest_entry.txt.j2", lang, **context).strip("\n"),
        Markup(render_text("digest_entry.html.j2", lang, **context).strip("\n")),
    )


@dataclass(frozen=True)
class Letter:
    """A digest in words: the same for every recipient of the same entries in one language."""

    subject: str
    body: str
    html: str


def letter(settings: Settings, lang: str, digest: Digest, wording: Wording, period: str) -> Letter:
    """Render the digest; `wording` has a view of every record its entries name."""
    context = digest_context(settings, lang, digest, wording, period)
    subject, _, body = render_text("digest.txt.j2", lang, **context).partition("\n\n")
    return Letter(
        " ".join(subject.split()),
        body.strip("\n") + "\n",
        render_text("digest.html.j2", lang, **context),
    )


def digest_context(
    settings: Settings, lang: str, digest: Digest, wording: Wording, period: str
) -> dict[str, Any]:
    """The digest templates' context; `wording` has a view of every record the entries name."""
    sections: dict[str, list[Item]] = {name: [] for name in SECTIONS}
    for entry in digest.entries:
        sections[entry.section].append(wording.item(entry, lang))
    return {
        **settings.names_in(lang),
        "submit_address": settings.submit_address,
        "period": period,
        "sections": sections,
        "count": digest.total,
        "more": digest.more,
        "site": _site(settings, lang),
    }


def names_in(lang: str) -> Callable[[str, tuple[str, ...]], str]:
    """`names(kind, codes)` for the reasons templates: the codes' words in `lang`."""
    return lambda kind, codes: ", ".join(_name(kind, code, lang) for code in codes)


def _site(settings: Settings, lang: str) -> str:
    """The public site's page in the reader's language, where every record is; "" if none."""
    if not settings.public_url:
        return ""
    return f"{settings.public_url.rstrip('/')}/{lang}/index.html"


@cache  # a run names the same few hundred codes tens of thousands of times
def _name(kind: str, code: str, lang: str) -> str:
    words = vocabulary()
    if kind == "area":
        return words.area_label(code, lang)
    if kind == "assistance":
        return words.assistance_label(code, lang)
    if kind == "region":
        return words.region_label(code, lang)
    if kind == "language":
        return language_name(code, lang)
    return place_name(code, lang)
