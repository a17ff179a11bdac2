"""A message past the reading limits: quarantined at once, and its sender told why, once."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.context import Context
from bot.envelope import Inbound
from bot.errors import UnreadableMessage
from bot.pipeline.fronts import front_of
from store import inbox
from store.db import transaction
from store.people import person_by_email

log = logging.getLogger(__name__)


def quarantine_unreadable(
    sessions: sessionmaker[Session], settings: Settings, item_id: int, error: UnreadableMessage
) -> None:
    """Quarantine the item now (reading it again would fail the same way) and answer its
    envelope sender, unless the message is automatic: at most once a day per address, as such
    messages may come in floods with a forged sender."""
    try:
        _quarantine(sessions, settings, item_id, error)
    except DBAPIError:  # it stays claimed, and is taken up again once the claim is stale
        log.exception("inbox item %d: its quarantine could not be recorded", item_id)


def _quarantine(
    sessions: sessionmaker[Session], settings: Settings, item_id: int, error: UnreadableMessage
) -> None:
    with transaction(sessions) as session:
        item = inbox.quarantine(session, item_id, f"unreadable: {error.reason}")
        if item is None:
            return
        log.info("inbox item %d: unreadable, quarantined: %s", item_id, error.reason)
        automatic = _automatic(item)
        if automatic or not item.sender:
            log.info("inbox item %d: not answered (%s)", item_id, automatic or "no sender")
            return
        person = person_by_email(session, item.sender)
        ctx = Context(session, settings, unread(item), person, inbox_item_id=item.id)
        ctx.reply("unreadable", problem=error.problem, limit=error.limit, error_key="unreadable")


def _automatic(item: inbox.InboxItem) -> str | None:
    """Why the message must not be answered, as its channel tells without reading it whole."""
    return front_of(item.channel).automatic(item)


def unread(item: inbox.InboxItem) -> Inbound:
    """What is known of an item without reading it again: who sent it, and its Message-ID."""
    return Inbound(
        channel=item.channel,
        sender=item.sender,
        subject="",
        text="",
        message_id=item.message_id,
        automatic=None if item.sender else "bounce (null sender)",
    )
