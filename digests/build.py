"""What goes in one recipient's digest: pure, from values and the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

GAP_AFTER = timedelta(weeks=8)
RENEWAL_AFTER = timedelta(days=335)  # about eleven months

MATCHES, NEW, GAPS, RENEWAL = "matches", "new", "gaps", "renewal"
SECTIONS = (MATCHES, NEW, GAPS, RENEWAL)


@dataclass(frozen=True)
class Facts:
    """A published record, as far as the digest needs to know it."""

    id: int
    kind: str
    actor_id: int
    countries: tuple[str, ...]
    areas: tuple[str, ...]
    assistance: tuple[str, ...]
    published_at: datetime
    renewed_at: datetime | None = None

    @classmethod
    def of(cls, record: Any) -> Facts:
        return cls(
            record.id,
            record.kind,
            record.actor_id,
            tuple(record.countries),
            tuple(record.areas),
            tuple(record.assistance),
            record.published_at,
            record.renewed_at,
        )


@dataclass(frozen=True)
class MatchFacts:
    need_id: int
    offer_id: int
    score: int
    reasons: tuple[tuple[str, tuple[str, ...]], ...]
    created_at: datetime


@dataclass(frozen=True)
class Filters:
    """A subscription's filters; an empty set admits everything."""

    kind: str | None = None
    areas: frozenset[str] = frozenset()
    assistance: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()  # ISO3 codes and "region:<M49>" codes

    def why(
        self, record: Facts, region_countries: Callable[[str], frozenset[str]]
    ) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
        """The reasons this record is inside the filters, or None when it is not."""
        if self.kind and record.kind != self.kind:
            return None
        reasons: list[tuple[str, tuple[str, ...]]] = []
        for name, wanted, have in (
            ("areas", self.areas, record.areas),
            ("assistance", self.assistance, record.assistance),
        ):
            if wanted:
                shared = tuple(code for code in have if code in wanted)
                if not shared:
                    return None
                reasons.append((name, shared))
        if self.places:
            places = tuple(p for p in sorted(self.places) if _covers(p, record, region_countries))
            if not places:
                return None
            reasons.append(("places", places))
        return tuple(reasons) or (("everything", ()),)


def _covers(place: str, record: Facts, region_countries: Callable[[str], frozenset[str]]) -> bool:
    if place.startswith("region:"):
        members = region_countries(place.removeprefix("region:"))
        return any(c in members or c == place or c == "any" for c in record.countries)
    return place in record.countries or "any" in record.countries


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str
    language: str
    since: datetime
    actor_ids: frozenset[int] = frozenset()  # a focal point's actors (own subscription)
    filters: tuple[Filters, ...] = ()


@dataclass(frozen=True)
class Entry:
    section: str
    record_id: int  # the record the entry is about
    other_id: int | None = None  # for a match: the recipient's own record
    score: int | None = None
    why: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class News:
    """Everything that may go in this period's digests, gathered once for all recipients, so
    that building one digest costs what that digest holds, not what the portal holds."""

    matches: tuple[MatchFacts, ...] = ()  # matches made in the window
    published: tuple[Facts, ...] = ()  # records published in the window
    gaps: tuple[Facts, ...] = ()  # needs whose eighth week without a match ended in the window
    records: dict[int, Facts] = field(default_factory=dict)  # every record named above
    by_actor: dict[int, tuple[Facts, ...]] = field(default_factory=dict)  # published, per owner
    offer_actors: frozenset[int] = frozenset()  # actors with a published offer
    # Per actor, the positions in `matches` where the need or the offer is theirs (see
    # `index_matches`); None means "look at every match", as a hand-made News may.
    match_index: dict[int, tuple[int, ...]] | None = None
    # Which of `published` have each kind and code (see `index_published`); None means "try
    # every record against the filters".
    published_index: Tags | None = None


@dataclass(frozen=True)
class Tags:
    """Per kind, area, form of assistance and country (or "any"), the records of a list that
    have it, as the bits of an int (bit n: the list's record n). A subscriber's filters then
    point at the few records they may admit, instead of being tried on every record."""

    everything: int
    kinds: dict[str, int]
    areas: dict[str, int]
    assistance: dict[str, int]
    countries: dict[str, int]

    def admitted(
        self, filters: tuple[Filters, ...], region_countries: Callable[[str], frozenset[str]]
    ) -> int:
        """The records these filters may admit (at least every one they do admit)."""
        found = 0
        for wanted in filters:
            bits = self.everything
            if wanted.kind:
                bits &= self.kinds.get(wanted.kind, 0)
            for codes, tagged in ((wanted.areas, self.areas), (wanted.assistance, self.assistance)):
                if codes:
                    bits &= _any_of(codes, tagged)
            if wanted.places:
                bits &= _any_of((*self._countries(wanted.places, region_countries), "any"),
                                self.countries)  # fmt: skip
            found |= bits
        return found

    @staticmethod
    def _countries(
        places: frozenset[str], region_countries: Callable[[str], frozenset[str]]
    ) -> Iterator[str]:
        """The country codes whose records a place covers (see `_covers`)."""
        for place in places:
            yield place
            if place.startswith("region:"):
                yield from region_countries(place.removeprefix("region:"))


def _any_of(codes: Iterable[str], tagged: dict[str, int]) -> int:
    bits = 0
    for code in codes:
        bits |= tagged.get(code, 0)
    return bits


def index_published(published: tuple[Facts, ...]) -> Tags:
    """Which records of `published` have each kind and code (see `Tags`)."""
    kinds: dict[str, int] = {}
    areas: dict[str, int] = {}
    assistance: dict[str, int] = {}
    countries: dict[str, int] = {}
    for position, record in enumerate(published):
        bit = 1 << position
        kinds[record.kind] = kinds.get(record.kind, 0) | bit
        for codes, tagged in (
            (record.areas, areas),
            (record.assistance, assistance),
            (record.countries, countries),
        ):
            for code in codes:
                tagged[code] = tagged.get(code, 0) | bit
    return Tags((1 << len(published)) - 1, kinds, areas, assistance, countries)


def index_matches(
    matches: tuple[MatchFacts, ...], records: dict[int, Facts]
) -> dict[int, tuple[int, ...]]:
    """The positions of the matches of each actor's records, in order, each position once."""
    index: dict[int, list[int]] = {}
    for position, found in enumerate(matches):
        need, offer = records.get(found.need_id), records.get(found.offer_id)
        if need is None or offer is None:
            continue
        for actor_id in dict.fromkeys((need.actor_id, offer.actor_id)):
            index.setdefault(actor_id, []).append(position)
    return {actor_id: tuple(positions) for actor_id, positions in index.items()}


def build(
    recipient: Recipient,
    news: News,
    now: datetime,
    region_countries: Callable[[str], frozenset[str]],
) -> list[Entry]:
    """The recipient's entries, section by section; empty when nothing is new for them."""
    entries: list[Entry] = []
    mine = recipient.actor_ids
    for found in _matches_of(mine, news):
        if found.created_at <= recipient.since:
            continue
        need, offer = news.records.get(found.need_id), news.records.get(found.offer_id)
        if need is None or offer is None:
            continue
        for own, other in ((need, offer), (offer, need)):
            if own.actor_id in mine:
                entries.append(Entry(MATCHES, other.id, own.id, found.score, found.reasons))
    shown = {e.record_id for e in entries}
    for record in _candidates(recipient.filters, news, region_countries):
        if record.published_at <= recipient.since or record.id in shown or record.actor_id in mine:
            continue
        why = _inside(recipient.filters, record, region_countries)
        if why is not None:
            entries.append(Entry(NEW, record.id, why=why))
            shown.add(record.id)
    gives = bool(mine & news.offer_actors)
    for record in news.gaps:
        if (
            record.id in shown
            or record.actor_id in mine
            or not recipient.since < record.published_at + GAP_AFTER <= now
        ):
            continue
        if gives or _inside(recipient.filters, record, region_countries) is not None:
            entries.append(Entry(GAPS, record.id, why=(("unmatched_weeks", ("8",)),)))
    for actor_id in sorted(mine):
        for record in news.by_actor.get(actor_id, ()):
            if now - (record.renewed_at or record.published_at) >= RENEWAL_AFTER:
                entries.append(Entry(RENEWAL, record.id, why=(("renew_by", ()),)))
    return entries


def _matches_of(actor_ids: frozenset[int], news: News) -> Iterator[MatchFacts]:
    """The matches where a record of these actors takes part, in the order of `news.matches`."""
    if news.match_index is None:
        yield from news.matches
        return
    index = news.match_index
    for position in sorted({p for actor_id in actor_ids for p in index.get(actor_id, ())}):
        yield news.matches[position]


def _candidates(
    filters: tuple[Filters, ...], news: News, region_countries: Callable[[str], frozenset[str]]
) -> Iterator[Facts]:
    """The records of `news.published` that these filters may admit, in order."""
    if news.published_index is None:
        yield from news.published
        return
    bits = news.published_index.admitted(filters, region_countries)
    while bits:
        lowest = bits & -bits
        yield news.published[lowest.bit_length() - 1]
        bits ^= lowest


def _inside(
    filters: tuple[Filters, ...], record: Facts, region_countries: Callable[[str], frozenset[str]]
) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    for wanted in filters:
        why = wanted.why(record, region_countries)
        if why is not None:
            return why
    return None
