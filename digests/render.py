"""What the digest templates are given: record views, sections, and the words for reasons."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.views import RecordView, language_name, place_name, vocabulary
from digests.build import SECTIONS, Entry, Recipient
from store.records import Record


def digest_context(
    settings: Settings,
    recipient: Recipient,
    entries: list[Entry],
    records: dict[int, Record],
    period: str,
) -> dict[str, Any]:
    lang = recipient.language
    views: dict[int, RecordView] = {}

    def view(record_id: int | None) -> RecordView | None:
        if record_id is None:
            return None
        if record_id not in views:
            views[record_id] = RecordView.of_record(records[record_id], lang)
        return views[record_id]

    sections = {name: [] for name in SECTIONS}  # type: dict[str, list[dict[str, Any]]]
    for item in entries:
        sections[item.section].append(
            {
                "record": view(item.record_id),
                "own": view(item.other_id),
                "score": item.score,
                "why": item.why,
            }
        )
    return {
        **settings.names_in(lang),
        "submit_address": settings.submit_address,
        "period": period,
        "sections": sections,
        "count": len(entries),
        "names": lambda kind, codes: ", ".join(_name(kind, code, lang) for code in codes),
        "public_url": settings.public_url,
    }


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
