"""How much of each section a digest shows: its best entries, and how many more there are.

A focal point of an active actor can have hundreds of matches in a week, and a subscriber who
follows everything hundreds of new records: nobody reads that in a mail, and rendering it is
most of what a digest run costs. Each section shows its first entries in a fixed order and says how
many more are on the portal; the digest's count stays the true total.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

from digests.build import GAPS, MATCHES, NEW, RENEWAL, SECTIONS, Entry, Facts

CAPS = {
    MATCHES: 20,  # the best by score: what a focal point can follow up in a week
    NEW: 30,  # the newest: a week's worth for a subscriber with narrow filters
    GAPS: 20,  # the longest waiting first
    RENEWAL: 20,  # the longest since published or renewed first; a reminder comes per record too
}


@dataclass(frozen=True)
class Digest:
    """The entries one digest shows, section by section, and what it leaves to the portal."""

    entries: list[Entry]
    more: dict[str, int]  # per section, how many entries are not shown
    total: int  # every entry, shown or not


def shorten(entries: list[Entry], records: dict[int, Facts], caps: dict[str, int] = CAPS) -> Digest:
    """Each section in its order, cut at its cap. `records` holds every record named."""
    order = _orders(records)
    sections: dict[str, list[Entry]] = {section: [] for section in SECTIONS}
    for entry in entries:
        sections[entry.section].append(entry)
    shown: list[Entry] = []
    more: dict[str, int] = {}
    for section, kept in sections.items():
        # the first `cap` in order, as sorted() would give them: a focal point's thousands of
        # matches are not all sorted to show twenty
        shown += heapq.nsmallest(caps[section], kept, key=order[section])
        more[section] = max(len(kept) - caps[section], 0)
    return Digest(shown, more, len(entries))


def _orders(records: dict[int, Facts]) -> dict[str, Callable[[Entry], tuple[float, ...]]]:
    """Per section, the sort key of its entries: the first to show sorts first."""

    def published(e: Entry) -> float:
        return records[e.record_id].published_at.timestamp()

    def confirmed(e: Entry) -> float:  # published or renewed: when its year started again
        record = records[e.record_id]
        return (record.renewed_at or record.published_at).timestamp()

    return {
        MATCHES: lambda e: (-(e.score or 0), -published(e), -e.record_id, -(e.other_id or 0)),
        NEW: lambda e: (-published(e), -e.record_id),
        GAPS: lambda e: (published(e), e.record_id),
        RENEWAL: lambda e: (confirmed(e), e.record_id),
    }
