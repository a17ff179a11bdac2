"""Fill a scratch portal quickly: focal points, published records with their tags, matches,
subscriptions and last week's digest ledger, inserted in bulk rather than one by one."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from bench.corpus import NEED_ACTORS, NOW, OFFER_ACTORS, Corpus, Spec, roster
from bot.app import Portal
from bot.matching.refresh import places_of, region_countries
from bot.matching.score import Side, match
from bot.people import registry
from store.actors import Actor
from store.base import Base
from store.db import transaction
from store.digests import DigestEntry
from store.match_keys import MatchKey, key_rows
from store.matches import Match
from store.records import PUBLISHED, Record
from store.subscriptions import ACTIVE, OWN, Subscription

BATCH = 5000
FIRST_READER_ID = 1000  # filtered subscriptions get ids 1000 + 10 n (+1 for a second one)
SECRETARIAT = "isu@ccm.example"


@dataclass(frozen=True)
class Published:
    """A record as inserted: enough to build its Side without reading it back."""

    id: int
    spec: Spec
    actor_id: int
    status: str
    published_at: datetime
    renewed_at: datetime | None

    def side(self) -> Side:
        s = self.spec
        return Side(
            self.id, f"#{self.id}", s.kind, self.actor_id, s.countries, s.areas, s.assistance,
            s.languages, s.amount, s.currency, s.period_start, s.period_end,
            max(self.published_at, self.renewed_at or self.published_at),
        )  # fmt: skip


def register_people(portal: Portal, per_actor: int = 1) -> None:
    """The roster's focal points (and `per_actor - 1` colleagues each) and one secretariat desk."""
    with transaction(portal.sessions) as session:
        for person in roster():
            for n in range(per_actor):
                email = person.email if n == 0 else person.email.replace("focal.", f"focal{n}.")
                registry.add_focal_point(
                    session, actor_name=person.actor, email=email, name=person.name,
                    language=person.language, now=NOW - timedelta(days=400),
                )  # fmt: skip
        registry.add_secretariat(session, email=SECRETARIAT, name="ISU desk")


def actor_ids(portal: Portal) -> dict[str, int]:
    with portal.sessions() as session:
        codes = (*NEED_ACTORS, *OFFER_ACTORS)
        return dict(
            session.execute(select(Actor.code, Actor.id).where(Actor.code.in_(codes))).all()
        )  # type: ignore[arg-type]


def record_row(spec: Spec, public_id: str, actor_id: int, status: str,
               published_at: datetime, renewed_at: datetime | None) -> dict[str, Any]:  # fmt: skip
    return {
        "public_id": public_id,
        "kind": spec.kind,
        "actor_id": actor_id,
        "status": status,
        "title": spec.title,
        "countries": list(spec.countries),
        "areas": list(spec.areas),
        "assistance": list(spec.assistance),
        "amount": spec.amount,
        "currency": spec.currency,
        "period_start": spec.period_start,
        "period_end": spec.period_end,
        "languages": list(spec.languages),
        "reference": spec.reference,
        "description": spec.description,
        "created_at": published_at - timedelta(days=2),
        "updated_at": renewed_at or published_at,
        "published_at": published_at,
        "renewed_at": renewed_at,
    }


def key_rows_of(record_id: int, spec: Spec) -> list[dict[str, Any]]:
    """The match keys bot.matching.refresh.refresh would write for a published record."""
    places = places_of(spec)  # type: ignore[arg-type]
    return key_rows(record_id, spec.kind, spec.areas, spec.assistance, places)


def insert_records(
    portal: Portal,
    rows: Sequence[tuple[Spec, str, datetime, datetime | None]],
    first_number: int,
) -> list[Published]:
    """Insert (spec, status, published_at, renewed_at) rows; published ones get their keys."""
    actors = actor_ids(portal)
    inserted: list[Published] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        values = [
            record_row(
                spec,
                f"{spec.kind[0].upper()}-2025-{first_number + start + i:06d}",
                actors[spec.actor],
                status,
                published,
                renewed,
            )  # fmt: skip
            for i, (spec, status, published, renewed) in enumerate(chunk)
        ]
        with transaction(portal.sessions) as session:
            # Ids given up front: an executemany without RETURNING is the fast path on both
            # databases (SQLAlchemy's sorted RETURNING goes row by row on SQLite).
            first_id = (session.scalar(select(func.max(Record.id))) or 0) + 1
            ids = list(range(first_id, first_id + len(values)))
            for record_id, value in zip(ids, values, strict=True):
                value["id"] = record_id
            session.execute(insert(_table(Record)), values)
            _advance_sequence(session, "records", ids[-1])
            keys = [
                key
                for record_id, (spec, status, _, _) in zip(ids, chunk, strict=True)
                if status == PUBLISHED
                for key in key_rows_of(record_id, spec)
            ]
            if keys:
                session.execute(insert(_table(MatchKey)), keys)
        inserted += [
            Published(record_id, spec, actors[spec.actor], status, published, renewed)
            for record_id, (spec, status, published, renewed) in zip(ids, chunk, strict=True)
        ]
    return inserted


def _table(model: type[Base]) -> Table:
    """A model's table, for Core inserts: executemany without the ORM's per-row work."""
    return cast(Table, model.__table__)


def _advance_sequence(session: Session, table: str, last: int) -> None:
    """PostgreSQL's id sequence past ids given by hand (SQLite needs nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), :last)"), {"last": last}
        )


def insert_matches(portal: Portal, of: Sequence[Published], among: Sequence[Published]) -> int:
    """Every match of the records `of` among the published records `among`, created when the
    newer of the two was published: what refresh() would have stored."""
    by_kind: dict[str, list[Side]] = {"need": [], "offer": []}
    for record in among:
        if record.status == PUBLISHED:
            by_kind[record.spec.kind].append(record.side())
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for record in of:
        me = record.side()
        for other in by_kind["offer" if me.kind == "need" else "need"]:
            result = match(me, other, region_countries=region_countries, now=NOW)
            if result is None:
                continue
            created = max(me.published_at, other.published_at)
            found[(result.need_id, result.offer_id)] = {
                "need_id": result.need_id,
                "offer_id": result.offer_id,
                "score": result.score,
                "reasons": [[r.code, list(r.values)] for r in result.reasons],
                "status": "open",
                "created_at": created,
                "updated_at": created,
            }
    rows = list(found.values())
    for start in range(0, len(rows), BATCH):
        with transaction(portal.sessions) as session:
            session.execute(insert(_table(Match)), rows[start : start + BATCH])
    return len(rows)


def filters(rng: random.Random, corpus: Corpus) -> dict[str, Any]:
    """What people who follow the portal ask for: everything, one kind, some areas, places."""
    roll = rng.random()
    areas = list(corpus._pick(corpus.areas, corpus.area_weights, 1, 3))
    if roll < 0.10:
        return {}
    if roll < 0.30:
        return {"kind": rng.choice(("need", "offer"))}
    if roll < 0.60:
        return {"areas": areas}
    if roll < 0.80:
        places = rng.sample(NEED_ACTORS, rng.randint(1, 2)) + rng.sample(
            ["region:035", "region:145", "region:002", "region:419", "region:039"],
            rng.randint(0, 1),
        )
        return {"areas": areas, "places": places}
    if roll < 0.90:
        return {"assistance": list(corpus._pick(corpus.forms, corpus.form_weights, 1, 2))}
    return {
        "kind": "need",
        "areas": areas,
        "assistance": list(corpus._pick(corpus.forms, corpus.form_weights, 1, 2)),
    }


def insert_subscribers(portal: Portal, corpus: Corpus, count: int, first: int = 0) -> None:
    """`count` filtered subscriptions (one in twenty of them a second one of the same address),
    in English, French and Spanish, confirmed a year ago."""
    rng = random.Random(first + 7)
    rows = []
    for n in range(first, first + count):
        address = f"reader{n}@subscriber{n % 97}.example"
        language = rng.choices(("en", "fr", "es"), (7, 2, 1))[0]
        for second in range(2 if rng.random() < 0.05 else 1):
            rows.append(
                {
                    "id": FIRST_READER_ID + 10 * n + second,
                    "channel": "email",
                    "address": address,
                    "kind": "filtered",
                    "language": language,
                    "filters": filters(rng, corpus),
                    "status": ACTIVE,
                    "created_at": NOW - timedelta(days=380),
                    "confirmed_at": NOW - timedelta(days=379),
                }
            )
    for start in range(0, len(rows), BATCH):
        with transaction(portal.sessions) as session:
            session.execute(insert(_table(Subscription)), rows[start : start + BATCH])
    with transaction(portal.sessions) as session:
        _advance_sequence(session, "subscriptions", FIRST_READER_ID + 10 * (first + count))
    spread_own_subscriptions(portal, first + count)


def spread_own_subscriptions(portal: Portal, readers: int) -> None:
    """Give the focal points' own subscriptions ids spread evenly among the readers' ones.

    A run takes recipients in subscription order; the focal points registered first would
    otherwise come first, and their digests (every match of their actor's records) are the
    largest: a run stopped early would see only them, and project its end too late.
    """
    with transaction(portal.sessions) as session:
        own = list(
            session.scalars(
                select(Subscription.id).where(Subscription.kind == OWN).order_by(Subscription.id)
            )
        )
        for n, old in enumerate(own):  # out of the way first: ids are unique
            session.execute(update(Subscription).where(Subscription.id == old).values(id=-1 - n))
        for n in range(len(own)):
            place = FIRST_READER_ID + 10 * int((n + 0.5) * readers / len(own)) + 5
            session.execute(update(Subscription).where(Subscription.id == -1 - n).values(id=place))


def ledger_of_last_week(portal: Portal, period: str, at: datetime) -> None:
    """Every active address got last week's digest: this week's covers one week."""
    with transaction(portal.sessions) as session:
        addresses = set(
            session.execute(
                select(Subscription.channel, Subscription.address).where(
                    Subscription.status == ACTIVE
                )
            ).all()
        )
        done = set(
            session.execute(
                select(DigestEntry.channel, DigestEntry.address).where(DigestEntry.period == period)
            ).all()
        )
        rows = [
            {"channel": c, "address": a, "period": period, "items": 3, "created_at": at}
            for c, a in sorted(addresses - done)
        ]
        for start in range(0, len(rows), BATCH):
            session.execute(insert(_table(DigestEntry)), rows[start : start + BATCH])
