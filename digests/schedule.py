"""The weekly trigger: APScheduler only says "ensure this period"; our ledger says what is done."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from digests.period import last_due, period_of, trigger
from store.digests import DigestRun

log = logging.getLogger(__name__)

RENEWAL_SCHEDULE = "30 7 * * *"  # every day, before the working day in Geneva


def overdue_period(
    sessions: sessionmaker[Session], schedule: str, timezone: str, now: datetime
) -> str | None:
    """The period whose digests fell due while we were not running, if any is unfinished."""
    due = last_due(schedule, timezone, now)
    if due is None:
        return None
    period = period_of(due, timezone)
    with sessions() as session:
        run = session.get(DigestRun, period)
    return None if run is not None and run.finished_at is not None else period


def start(
    schedule: str,
    timezone: str,
    on_digest: Callable[[], Awaitable[None]],
    on_renewal: Callable[[], Awaitable[None]],
) -> AsyncIOScheduler:
    """Start the scheduler on the running loop. Jobs that fire late still run (no grace limit)
    and a backlog collapses into one run: the job itself decides what is due from the ledger."""
    scheduler = AsyncIOScheduler(timezone=ZoneInfo(timezone), event_loop=asyncio.get_running_loop())
    options = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}
    scheduler.add_job(on_digest, trigger(schedule, timezone), id="digests", **options)
    scheduler.add_job(
        on_renewal,
        CronTrigger.from_crontab(RENEWAL_SCHEDULE, timezone=ZoneInfo(timezone)),
        id="renewal",
        **options,
    )
    scheduler.start()
    log.info(
        "digests scheduled at %r (%s); next %s",
        schedule,
        timezone,
        scheduler.get_job("digests").next_run_time,
    )
    return scheduler
