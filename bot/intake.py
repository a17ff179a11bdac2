"""Intake: keep what a channel received in the inbox, durably, before it is acknowledged."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.inbox import store_message


def keeper(sessions: sessionmaker[Session], channel: str):  # type: ignore[no-untyped-def]
    """A function that commits one received message and returns its inbox item id."""

    def keep(sender: str, recipients: list[str], message_id: str | None, raw: bytes) -> int:
        with transaction(sessions) as session:
            item, _ = store_message(
                session,
                channel=channel,
                sender=sender,
                recipients=recipients,
                message_id=message_id,
                raw=raw,
            )
            return item.id

    return keep
