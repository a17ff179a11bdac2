"""Weekly digests with a frozen clock: the right items, exactly once, caught up after a stop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import Portal
from digests import send as send_module
from digests.schedule import overdue_period
from digests.send import ensure_period
from store.digests import DigestEntry
from store.outbox import OutboxItem
from tests.factories import focal_point, publish, subscribe

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 2026-W48
BEFORE = MONDAY - timedelta(days=3)

LAO_NEED = """Type: need
Title: Technical survey teams for Savannakhet
Areas: technical survey, clearance
Assistance: financial, equipment
Languages: English, Lao
Period: 2027-01 to 2027-12
Description: Six survey teams for 18 months.
"""
NOR_OFFER = """Type: offer
Title: Grant window for survey and clearance
Country: South-eastern Asia, Lebanon
Areas: technical survey, clearance, land release
Assistance: financial
Languages: English
Period: 2026-06 to 2028-12
Description: Multi-year grants through accredited operators.
"""
LBN_NEED = """Type: need
Title: Risk education in the South
Areas: risk education
Assistance: training, equipment
Description: Sessions in schools of the South.
"""


def digests(portal: Portal) -> dict[str, OutboxItem]:
    with portal.sessions() as session:
        items = session.scalars(select(OutboxItem).where(OutboxItem.kind == "digest")).all()
        return {item.recipient: item for item in items}


def test_each_subscriber_gets_what_their_filters_and_records_say(published: Portal) -> None:
    subscribe(
        published,
        "clearance.watch@donor.example",
        BEFORE - timedelta(days=30),
        areas=["art4.clearance"],
        places=["region:035"],
    )
    subscribe(published, "offers@ngo.example", BEFORE - timedelta(days=30), kind="offer")
    subscribe(
        published, "veille@ong.example", BEFORE - timedelta(days=30), language="fr", kind="need"
    )
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.recipients, report.sent, report.empty, report.already) == (6, 5, 1, 0)
    sent = digests(published)
    assert sorted(sent) == [
        "clearance.watch@donor.example",
        "ingrid@mfa.example",
        "offers@ngo.example",
        "veille@ong.example",
        "vong@nra.example",
    ]
    # Lebanon's need matched nothing and Rana follows nothing else: no mail for her.

    lao = sent["vong@nra.example"].body
    assert "MATCHES FOR YOUR RECORDS" in lao
    assert "* O-2026-0001 Grant window for survey and clearance" in lao
    assert "for your N-2026-0001 (Technical survey teams for Savannakhet)" in lao
    assert "both: technical survey, clearance" in lao and "offer open to South-eastern Asia" in lao
    assert "N-2026-0002" not in lao  # Lebanon's need is neither theirs nor followed

    norway = sent["ingrid@mfa.example"].body
    assert "* N-2026-0001 Technical survey teams for Savannakhet" in norway

    watcher = sent["clearance.watch@donor.example"].body
    assert "NEW NEEDS AND OFFERS YOU FOLLOW" in watcher
    assert "why: both: clearance · in your countries and regions: South-eastern Asia" in watcher
    assert "N-2026-0001" in watcher and "O-2026-0001" in watcher and "N-2026-0002" not in watcher

    offers_only = sent["offers@ngo.example"].body
    assert "O-2026-0001" in offers_only and "N-2026-0001" not in offers_only

    french = sent["veille@ong.example"]
    assert french.subject.startswith("Votre")  # in the subscriber's language
    assert "N-2026-0001" in french.body and "N-2026-0002" in french.body
    assert "O-2026-0001" not in french.body

    headers = sent["vong@nra.example"].headers
    assert headers["List-Id"] == "Cooperation Portal digest <digest.portal.test>"
    assert headers["List-Unsubscribe"].startswith("<mailto:reply+d")
    assert headers["Auto-Submitted"] == "auto-generated"
    assert "<li><strong>O-2026-0001</strong>" in (sent["vong@nra.example"].html or "")


def test_a_second_run_of_the_same_period_sends_nothing(published: Portal) -> None:
    first = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    second = ensure_period(
        published.sessions, published.settings, "2026-W48", MONDAY + timedelta(hours=2)
    )
    assert (first.sent, first.empty, second.sent, second.already) == (2, 1, 0, 3)
    assert len(digests(published)) == 2


def test_a_run_killed_half_way_and_run_again_gives_each_one_digest(
    published: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = send_module._write_batch
    calls = []

    def dies_on_the_second(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("killed")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(send_module, "BATCH", 1)
    monkeypatch.setattr(send_module, "_write_batch", dies_on_the_second)
    with pytest.raises(SystemExit):
        ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert list(digests(published)) == ["vong@nra.example"]
    assert (
        overdue_period(published.sessions, "0 8 * * mon", "UTC", MONDAY + timedelta(hours=1))
        == "2026-W48"
    )
    monkeypatch.setattr(send_module, "_write_batch", real_write)
    again = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (again.sent, again.empty, again.already) == (1, 1, 1)
    assert sorted(digests(published)) == ["ingrid@mfa.example", "vong@nra.example"]
    with published.sessions() as session:
        assert session.query(DigestEntry).count() == 3
    assert (
        overdue_period(published.sessions, "0 8 * * mon", "UTC", MONDAY + timedelta(hours=1))
        is None
    )


def test_nothing_new_means_no_mail(published: Portal) -> None:
    ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    next_week = ensure_period(
        published.sessions, published.settings, "2026-W49", MONDAY + timedelta(days=7)
    )
    assert (next_week.sent, next_week.empty) == (0, 3)
    assert len(digests(published)) == 2


def test_a_need_without_offers_for_eight_weeks_reaches_donors(portal: Portal) -> None:
    focal_point(portal, "LBN", "rana@lmac.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "rana@lmac.example", LBN_NEED, MONDAY - timedelta(weeks=8, days=2))
    publish(portal, "ingrid@mfa.example", NOR_OFFER, MONDAY - timedelta(weeks=20))
    ensure_period(portal.sessions, portal.settings, "2026-W48", MONDAY)
    norway = digests(portal)["ingrid@mfa.example"].body
    assert "NEEDS STILL WITHOUT AN OFFER" in norway
    assert "no offer has matched it for 8 weeks" in norway


def test_one_bad_digest_does_not_stop_the_others(
    published: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digests import render as render_module

    real = render_module.RecordView.of_record

    def breaks_on_lebanon(record, lang):  # type: ignore[no-untyped-def]
        if record.public_id == "N-2026-0002":
            raise ValueError("a record that cannot be shown")
        return real(record, lang)

    subscribe(published, "everything@watch.example", BEFORE - timedelta(days=30))
    monkeypatch.setattr(render_module.RecordView, "of_record", breaks_on_lebanon)
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty, report.failed) == (2, 1, 1)  # only the watcher sees it
    assert sorted(digests(published)) == ["ingrid@mfa.example", "vong@nra.example"]
    assert (
        overdue_period(published.sessions, "0 8 * * mon", "UTC", MONDAY + timedelta(hours=1))
        == "2026-W48"
    )  # not finished
    monkeypatch.setattr(render_module.RecordView, "of_record", real)
    again = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (again.sent, again.already, again.failed) == (1, 3, 0)
    assert sorted(digests(published)) == [
        "everything@watch.example",
        "ingrid@mfa.example",
        "vong@nra.example",
    ]


def test_a_run_row_written_by_another_worker_in_between_is_not_an_error(
    published: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers start the same period: both see no run row, one insert must give way."""
    from sqlalchemy.orm import Session

    from store.db import transaction
    from store.digests import DigestRun

    with transaction(published.sessions) as session:
        session.add(DigestRun(period="2026-W48", started_at=MONDAY))  # the other worker's commit
    real_get = Session.get

    def not_yet_visible(self, entity, ident, **kwargs):  # type: ignore[no-untyped-def]
        return None if entity is DigestRun else real_get(self, entity, ident, **kwargs)

    monkeypatch.setattr(Session, "get", not_yet_visible)
    send_module._open(published.sessions, "2026-W48", MONDAY)  # must not raise
    monkeypatch.setattr(Session, "get", real_get)
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty) == (2, 1)
    assert overdue_period(published.sessions, "0 8 * * mon", "UTC", MONDAY) is None


def test_a_batch_meeting_a_digest_another_worker_wrote_is_written_one_by_one(
    published: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.db import transaction

    with transaction(published.sessions) as session:  # the other worker's row, not yet seen
        session.add(
            DigestEntry(
                channel="email", address="vong@nra.example", period="2026-W48", items=1,
                created_at=MONDAY,
            )
        )  # fmt: skip
    monkeypatch.setattr(send_module, "written", lambda session, period: set())
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty, report.already, report.failed) == (1, 1, 1, 0)
    assert list(digests(published)) == ["ingrid@mfa.example"]
    with published.sessions() as session:
        assert session.query(DigestEntry).count() == 3


def test_each_ledger_row_names_the_digest_written_with_it(published: Portal) -> None:
    """One batch writes every row: each ledger row points at its own recipient's digest, whose
    Message-ID and unsubscribe token name that row."""
    subscribe(published, "everything@watch.example", BEFORE - timedelta(days=30))
    subscribe(published, "tout@veille.example", BEFORE - timedelta(days=30), language="fr")
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty) == (4, 1)
    with published.sessions() as session:
        rows = session.scalars(select(DigestEntry).order_by(DigestEntry.id)).all()
        digests = select(OutboxItem).where(OutboxItem.kind == "digest")
        items = {item.id: item for item in session.scalars(digests)}
    assert len(rows) == 5 and len(items) == 4
    assert [(row.items, row.outbox_item_id) for row in rows if row.items == 0] == [(0, None)]
    for row in rows:
        if row.outbox_item_id is None:
            continue
        item = items.pop(row.outbox_item_id)
        assert item.recipient == row.address
        assert item.message_id.startswith(f"<digest.{row.id}.")
        assert item.headers["Reply-To"].partition("+")[2].startswith(f"d{row.id}-")
    assert items == {}
