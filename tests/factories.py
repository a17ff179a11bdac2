"""Build the portal's state directly, for tests that are not about the email conversation."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Portal
from bot.context import Context
from bot.envelope import Inbound
from bot.parsing.parser import parse_submission
from bot.people import registry
from bot.records.create import create_record
from bot.records.review import confirm
from store.db import transaction
from store.inbox import store_message
from store.people import person_by_email
from store.records import Record, by_public_id
from store.subscriptions import ACTIVE, Subscription


def context(session, portal: Portal, now: datetime, sender: str = "cli:test") -> Context:  # type: ignore[no-untyped-def]
    person = person_by_email(session, sender) if "@" in sender else None
    inbound = Inbound(channel="email" if person else "cli", sender=sender, subject="", text="")
    return Context(session, portal.settings, inbound, person, now=now)


def focal_point(
    portal: Portal,
    actor: str,
    email: str,
    language: str | None = "en",
    now: datetime = datetime(2026, 1, 5, tzinfo=UTC),
) -> None:
    with transaction(portal.sessions) as session:
        registry.add_focal_point(session, actor_name=actor, email=email, language=language, now=now)


def publish(portal: Portal, email: str, template: str, now: datetime) -> str:
    """A record from a focal point's filled template, published by the secretariat at `now`."""
    result = parse_submission(template)
    assert result.ok, result.problems
    with transaction(portal.sessions) as session:
        ctx = context(session, portal, now, email)
        assert ctx.person is not None
        submission = result.submission
        if submission.kind == "need" and not submission.countries:
            from dataclasses import replace

            submission = replace(submission, countries=(ctx.person.actors[0].code,))
        record = create_record(ctx, ctx.person.actors[0], submission)
        public_id = record.public_id
    with transaction(portal.sessions) as session:
        assert confirm(context(session, portal, now), public_id).outcome == "published"
    return public_id


def record(portal: Portal, public_id: str) -> Record:
    with portal.sessions() as session:
        found = by_public_id(session, public_id)
        assert found is not None
        return found


def subscribe(
    portal: Portal, address: str, now: datetime, language: str = "en", **filters: object
) -> int:
    with transaction(portal.sessions) as session:
        subscription = Subscription(
            channel="email",
            address=address,
            language=language,
            filters=filters,
            status=ACTIVE,
            created_at=now,
            confirmed_at=now,
        )
        session.add(subscription)
        session.flush()
        return subscription.id


def register_people(portal: Portal) -> Portal:
    """Focal points of Lao PDR, Lebanon (in French) and NPA, and the secretariat's desk."""
    with transaction(portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="LAO", email="vong@nra.example", name="Vong Saysana"
        )
        registry.add_focal_point(
            session, actor_name="LBN", email="rana@lmac.example", name="Rana Haddad", language="fr"
        )
        registry.add_focal_point(
            session, actor_name="NPA", email="kari@npaid.example", name="Kari Nordmann"
        )
        registry.add_secretariat(session, email="isu@ccm.example", name="ISU desk")
    return portal


def keep_in_inbox(
    portal: Portal, raw: bytes, *, sender: str, message_id: str | None
) -> tuple[int, bool]:
    """A mail stored as intake stores it (email, to submit@): (inbox item id, whether new)."""
    with transaction(portal.sessions) as session:
        item, created = store_message(
            session,
            channel="email",
            sender=sender,
            recipients=["submit@portal.test"],
            message_id=message_id,
            raw=raw,
        )
        return item.id, created
