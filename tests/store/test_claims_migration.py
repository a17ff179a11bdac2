"""`portal init` brings a database from before named claims (0006) to head, keeping its claims."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import MetaData, Table, insert, select

from bot.app import Portal
from store import inbox, migrate, outbox
from store.base import utcnow
from store.db import transaction


def back_to_0006(portal: Portal) -> None:
    config = migrate.alembic_config(portal.engine)
    with portal.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")


def test_init_migrates_claims_made_before_0007_and_they_can_be_released(portal: Portal) -> None:
    back_to_0006(portal)
    claimed = utcnow() - timedelta(seconds=5)
    with portal.engine.begin() as connection:  # a delivery and a processing under way
        tables = MetaData()
        outbox_items = Table("outbox_items", tables, autoload_with=connection)
        inbox_items = Table("inbox_items", tables, autoload_with=connection)
        assert "claimed_by" not in outbox_items.c and "claimed_by" not in inbox_items.c
        connection.execute(
            insert(outbox_items).values(
                id=1,
                channel="email",
                recipient="a@x.example",
                kind="receipt",
                subject="s",
                body="b",
                headers={},
                message_id="<o1@portal.test>",
                created_at=claimed,
                status="sending",
                attempts=1,
                next_attempt_at=claimed + outbox.LEASE,
            )
        )
        connection.execute(
            insert(inbox_items).values(
                id=1,
                channel="email",
                sender="a@x.example",
                recipients=[],
                dedup_key="k",
                raw=b"",
                received_at=claimed,
                status="processing",
                attempts=1,
                claimed_at=claimed,
                meta={},
            )
        )
    portal.init()
    assert migrate.current_revision(portal.engine) == migrate.head_revision()
    with portal.sessions() as session:
        sending = session.get_one(outbox.OutboxItem, 1)
        assert (sending.status, sending.claimed_by, sending.claimed_at) == ("sending", None, None)
        assert session.get_one(inbox.InboxItem, 1).claimed_by is None
    with transaction(portal.sessions) as session:  # as a start on SQLite releases them
        assert outbox.release_claims(session, before=utcnow()) == 1
        assert inbox.release_claims(session, before=utcnow()) == 1
    with portal.sessions() as session:
        assert session.scalars(select(outbox.OutboxItem.status)).all() == ["pending"]
        assert session.scalars(select(inbox.InboxItem.status)).all() == ["new"]
