"""End to end through the real SMTP server: a fiscal year is read by the writer's state."""

from __future__ import annotations

from datetime import date

from store.records import list_records
from tests import factories
from tests.harness import RunningPortal, email

OFFER_FY = """\
Type: offer
Title: Grants for survey and clearance in Southeast Asia
Country: Lao PDR, Viet Nam
Areas: technical survey, clearance
Assistance: financial
Amount: USD 3M
Period: FY2028
Description:
Grants through implementing partners, subject to appropriations.
"""


def test_a_us_fiscal_year_runs_october_to_september(running: RunningPortal) -> None:
    factories.register_people(running.portal)
    factories.focal_point(running.portal, "USA", "pm@state.example")

    running.send(email("pm@state.example", "Offer FY2028", OFFER_FY))
    receipt, _ = running.mail(2)

    assert receipt["Subject"].startswith("Received: O-2026-0001")
    with running.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.period_start, record.period_end) == (date(2027, 10, 1), date(2028, 9, 30))


def test_an_organisations_fiscal_year_is_asked(running: RunningPortal) -> None:
    factories.register_people(running.portal)
    factories.focal_point(running.portal, "MAG", "grants@mag.example")

    running.send(email("grants@mag.example", "Offer FY2028", OFFER_FY))
    (reply,) = running.mail(1)

    body = reply.get_body(("plain",)).get_content()
    assert '- Period: "FY2028" can be read in more than one way' in body
    with running.portal.sessions() as session:
        assert list_records(session) == []
