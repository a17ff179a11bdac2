"""The published records and their open matches, read once from the database as plain values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.render import LANGUAGES
from bot.trends import Trends, trends
from store.actors import Actor
from store.matches import OPEN, Match, list_matches
from store.records import NEED, OFFER, PUBLISHED, Record, list_records

PUBLIC_ID = re.compile(r"^[NO]-\d{4}-\d{4,}$")


@dataclass(frozen=True)
class Owner:
    """An actor as the site shows it: code, type and name in each language (no person)."""

    code: str
    type: str
    names: Mapping[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]

    @classmethod
    def of(cls, actor: Actor) -> Owner:
        return cls(actor.code, actor.type, {lang: actor.display_name(lang) for lang in LANGUAGES})


@dataclass(frozen=True)
class SiteRecord:
    """A published need or offer: every public field, and nothing about the people behind it."""

    public_id: str
    kind: str
    status: str
    title: str
    owner: Owner
    on_behalf_of: Owner | None
    countries: tuple[str, ...]
    areas: tuple[str, ...]
    assistance: tuple[str, ...]
    amount: Decimal | None
    currency: str | None
    period_start: date | None
    period_end: date | None
    languages: tuple[str, ...]
    reference: str
    description: str
    published_at: datetime
    renewed_at: datetime | None

    @property
    def updated(self) -> datetime:
        """When it was published or last renewed."""
        return max(self.published_at, self.renewed_at or self.published_at)

    @property
    def renewed(self) -> datetime | None:
        """When it was renewed after it was published, if it was (publishing starts the clock)."""
        return self.renewed_at if self.renewed_at and self.renewed_at > self.published_at else None

    def content(self) -> dict[str, Any]:
        """The content fields, as bot.records.views.RecordView.of reads them."""
        return {
            "title": self.title,
            "countries": list(self.countries),
            "areas": list(self.areas),
            "assistance": list(self.assistance),
            "amount": self.amount,
            "currency": self.currency,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "languages": list(self.languages),
            "reference": self.reference,
            "description": self.description,
        }


@dataclass(frozen=True)
class SiteMatch:
    """An open match between two published records, by their public ids."""

    need: str
    offer: str
    score: int
    reasons: tuple[tuple[str, tuple[str, ...]], ...]

    def other(self, public_id: str) -> str:
        return self.offer if public_id == self.need else self.need


@dataclass(frozen=True)
class Site:
    """Everything a build needs; pure values from here on."""

    records: tuple[SiteRecord, ...]  # by public id: needs, then offers, oldest first
    matches: tuple[SiteMatch, ...]  # best first
    generated_at: datetime
    submit_address: str
    bot_names: Mapping[str, str] = field(default_factory=dict)  # the portal's name per language
    base_url: str = ""  # absolute address of the site, if known; links stay relative
    domain: str = "localhost"  # the portal's mail domain: it names the feed's entry ids
    trends: Trends | None = None  # counts over time from the records' history (the overview)

    @property
    def needs(self) -> tuple[SiteRecord, ...]:
        return tuple(r for r in self.records if r.kind == NEED)

    @property
    def offers(self) -> tuple[SiteRecord, ...]:
        return tuple(r for r in self.records if r.kind == OFFER)

    def matches_of(self, public_id: str) -> tuple[SiteMatch, ...]:
        return tuple(m for m in self.matches if public_id in (m.need, m.offer))


def id_key(public_id: str) -> tuple[str, int, int]:
    """N-2026-0002 before N-2026-0010 before N-2027-0001."""
    prefix, year, number = public_id.split("-")
    return prefix, int(year), int(number)


def gather(
    session: Session, settings: Settings, generated_at: datetime, base_url: str = ""
) -> Site:
    """The published records and the open matches between them (the only database read)."""
    records = [_record(r) for r in list_records(session, status=PUBLISHED)]
    published = {r.public_id for r in records}
    matches = [
        SiteMatch(
            need=m.need.public_id,
            offer=m.offer.public_id,
            score=m.score,
            reasons=tuple((str(code), tuple(map(str, values))) for code, values in m.reasons),
        )
        for m in list_matches(session, status=OPEN)
    ]
    return Site(
        records=tuple(sorted(records, key=lambda r: id_key(r.public_id))),
        matches=tuple(
            sorted(
                (m for m in matches if m.need in published and m.offer in published),
                key=lambda m: (-m.score, id_key(m.need), id_key(m.offer)),
            )
        ),
        generated_at=generated_at,
        submit_address=settings.submit_address,
        bot_names={lang: settings.names_in(lang)["bot_name"] for lang in LANGUAGES},
        base_url=base_url.rstrip("/"),
        domain=settings.domain,
        trends=trends(session, generated_at, settings.timezone),
    )


def _record(record: Record) -> SiteRecord:
    if not PUBLIC_ID.match(record.public_id) or record.published_at is None:
        raise ValueError(f"{record.public_id}: not a published record with a public id")
    return SiteRecord(
        public_id=record.public_id,
        kind=record.kind,
        status=record.status,
        title=record.title,
        owner=Owner.of(record.actor),
        on_behalf_of=Owner.of(record.on_behalf_of) if record.on_behalf_of else None,
        countries=tuple(record.countries or ()),
        areas=tuple(record.areas or ()),
        assistance=tuple(record.assistance or ()),
        amount=record.amount,
        currency=record.currency,
        period_start=record.period_start,
        period_end=record.period_end,
        languages=tuple(record.languages or ()),
        reference=record.reference or "",
        description=(record.description or "").strip(),
        published_at=record.published_at,
        renewed_at=record.renewed_at,
    )


def site_fingerprint(sessions: sessionmaker[Session]) -> tuple[object, ...]:
    """What the site shows changes exactly when this does: records' and matches' last changes."""
    with sessions() as session:
        records = session.execute(
            select(func.count(), func.max(Record.updated_at))
            .select_from(Record)
            .where(Record.status == PUBLISHED)
        ).one()
        matches = session.execute(
            select(func.count(), func.max(Match.updated_at))
            .select_from(Match)
            .where(Match.status == OPEN)
        ).one()
    return (*records, *matches)
