"""A digest period that fell due while the portal was stopped is sent when it starts again."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Portal
from bot.config import Settings
from digests.period import last_due, period_of
from store.base import utcnow
from store.digests import DigestRun
from tests.digests.test_digests import LAO_NEED, NOR_OFFER
from tests.factories import focal_point, publish
from tests.harness import RunningPortal, free_port


def test_the_missed_period_is_caught_up_at_start(settings: Settings, portal: Portal) -> None:
    now = utcnow()
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "vong@nra.example", LAO_NEED, now - timedelta(hours=2))
    publish(portal, "ingrid@mfa.example", NOR_OFFER, now - timedelta(hours=1))
    due = last_due(settings.digest_schedule, settings.timezone, now)
    assert due is not None
    missed = period_of(due, settings.timezone)

    live = Portal.open(settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}"))
    server = RunningPortal(live).start()
    try:
        server.mail(4)  # two "published" notices, then the two digests
        server.settled()
        mails = [m for m in server.mail(4) if "digest" in m["Subject"]]
    finally:
        server.stop()
        live.close()
    assert sorted((m["To"], m["Subject"]) for m in mails) == [
        ("ingrid@mfa.example", f"Your weekly digest ({missed}): 1 item"),
        ("vong@nra.example", f"Your weekly digest ({missed}): 1 item"),
    ]
    with portal.sessions() as session:
        run = session.get(DigestRun, missed)
        assert run is not None and run.finished_at is not None
