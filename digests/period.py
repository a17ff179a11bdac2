"""Digest periods: ISO weeks in the portal's time zone, and when the schedule last fell due."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

_PERIOD = re.compile(r"^(\d{4})-W(\d{2})$")


def period_of(moment: datetime, timezone: str) -> str:
    """The ISO week of a moment, as seen in the time zone: "2026-W48"."""
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year}-W{week:02d}"


def check_period(text: str) -> str:
    """A period as given on the command line, or ValueError."""
    found = _PERIOD.match(text.strip().upper())
    if found is None:
        raise ValueError(f"a period is an ISO week such as 2026-W48, not {text!r}")
    date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1)  # a week that exists
    return text.strip().upper()


def trigger(schedule: str, timezone: str) -> CronTrigger:
    """The cron trigger of PORTAL_DIGEST_SCHEDULE ("minute hour day month day-of-week")."""
    return CronTrigger.from_crontab(schedule, timezone=ZoneInfo(timezone))


def last_due(schedule: str, timezone: str, now: datetime) -> datetime | None:
    """The latest time at or before `now` when the schedule fell due (within the last 5 weeks)."""
    cron = trigger(schedule, timezone)
    moment = now - timedelta(weeks=5)
    latest: datetime | None = None
    while True:
        upcoming = cron.get_next_fire_time(latest, moment)
        if upcoming is None or upcoming > now:
            return latest
        latest = upcoming
        moment = upcoming + timedelta(seconds=1)
