"""Old raw mail is emptied after PORTAL_RAW_RETENTION_DAYS; what it said stays as metadata."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.errors import ConfigError
from store.db import transaction
from store.inbox import prune_raw

log = logging.getLogger(__name__)


def prune(sessions: sessionmaker[Session], settings: Settings, now: datetime) -> int:
    """Empty the raw mail of processed inbox items older than PORTAL_RAW_RETENTION_DAYS.

    Meant to run daily; returns how many items were emptied.
    """
    try:
        days = int(settings.raw_retention_days)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"PORTAL_RAW_RETENTION_DAYS must be a number of days: {settings.raw_retention_days!r}"
        ) from exc
    if days < 1:
        raise ConfigError(f"PORTAL_RAW_RETENTION_DAYS must be at least 1, not {days}")
    with transaction(sessions) as session:
        count = prune_raw(session, now, days)
    log.info("raw mail of %d processed inbox item(s) older than %d days emptied", count, days)
    return count
