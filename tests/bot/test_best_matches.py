"""Each record keeps its best K matches (PORTAL_MATCHES_PER_RECORD, here 2): a match stays open
while it is among the best K of its need or of its offer; one pushed out of both is dropped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from bot.app import Portal
from bot.cli import cli
from bot.config import Settings
from bot.records.lifecycle import close
from bot.site.model import gather
from digests.gather import news
from store.db import transaction
from store.matches import CLOSED, DROPPED, OPEN, Match, MatchBar, rebuild_bars
from store.records import WITHDRAWN, Record, by_public_id
from tests.factories import context, focal_point, publish

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def need(areas: str) -> str:
    return (
        f"Type: need\nTitle: Survey and clearance\nAreas: {areas}\n"
        "Assistance: financial, equipment\nDescription: Teams for two provinces.\n"
    )


def offer(title: str, areas: str, assistance: str) -> str:
    return (
        f"Type: offer\nTitle: {title}\nCountry: any\nAreas: {areas}\n"
        f"Assistance: {assistance}\nDescription: Through accredited operators.\n"
    )


# Lebanon's and Iraq's needs are each offer's two best; Lao PDR's asks for four areas, so every
# offer covers less of it, and it is every offer's third.
SURVEY_AND_CLEARANCE = need("technical survey, clearance")
FOUR_AREAS = need("technical survey, clearance, risk education, victim assistance")
WORST = offer("Survey grants", "technical survey", "financial")
MIDDLE = offer("Survey and clearance grants", "technical survey, clearance", "financial")
GOOD = offer("Survey and clearance kits", "technical survey, clearance", "financial, equipment")
BEST = offer(
    "Survey, clearance and education", "technical survey, clearance, risk education",
    "financial, equipment",
)  # fmt: skip


@pytest.fixture
def two_each(settings: Settings) -> Iterator[Portal]:
    portal = Portal.open(settings.with_changes(matches_per_record=2))
    focal_point(portal, "LBN", "rania@lmac.example")
    focal_point(portal, "IRQ", "ali@dmaiq.example")
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    publish(portal, "rania@lmac.example", SURVEY_AND_CLEARANCE, NOW)  # N-2026-0001
    publish(portal, "ali@dmaiq.example", SURVEY_AND_CLEARANCE, NOW)  # N-2026-0002
    publish(portal, "vong@nra.example", FOUR_AREAS, NOW)  # N-2026-0003
    for n, template in enumerate((WORST, MIDDLE, GOOD)):  # O-2026-0001 .. 0003
        publish(portal, "ingrid@mfa.example", template, NOW + timedelta(hours=n + 1))
    yield portal
    portal.close()


def rows(portal: Portal) -> list[tuple[str, str, int, str]]:
    with portal.sessions() as session:
        found = session.scalars(select(Match).order_by(Match.need_id, Match.offer_id))
        return [(m.need.public_id, m.offer.public_id, m.score, m.status) for m in found]


THREE_OFFERS = [
    ("N-2026-0001", "O-2026-0001", 55, OPEN),
    ("N-2026-0001", "O-2026-0002", 73, OPEN),
    ("N-2026-0001", "O-2026-0003", 85, OPEN),
    ("N-2026-0002", "O-2026-0001", 55, OPEN),
    ("N-2026-0002", "O-2026-0002", 73, OPEN),
    ("N-2026-0002", "O-2026-0003", 85, OPEN),
    ("N-2026-0003", "O-2026-0001", 41, DROPPED),
    ("N-2026-0003", "O-2026-0002", 45, OPEN),
    ("N-2026-0003", "O-2026-0003", 58, OPEN),
]


def test_a_need_keeps_its_two_best_of_three_offers(two_each: Portal) -> None:
    # The worst offer came first and was held; the third pushed it out of Lao PDR's best two,
    # and it was never among the worst offer's own best two (Lebanon's and Iraq's needs).
    assert rows(two_each) == THREE_OFFERS


def test_a_better_fourth_offer_drops_the_worst_kept(two_each: Portal) -> None:
    publish(two_each, "ingrid@mfa.example", BEST, NOW + timedelta(hours=5))  # O-2026-0004
    assert rows(two_each) == [
        *THREE_OFFERS[:3],
        ("N-2026-0001", "O-2026-0004", 85, OPEN),
        *THREE_OFFERS[3:6],
        ("N-2026-0002", "O-2026-0004", 85, OPEN),
        THREE_OFFERS[6],
        ("N-2026-0003", "O-2026-0002", 45, DROPPED),
        THREE_OFFERS[8],
        ("N-2026-0003", "O-2026-0004", 62, OPEN),
    ]
    with two_each.sessions() as session:
        dropped = session.scalars(select(Match).where(Match.status == DROPPED)).all()
        assert sorted(m.closed_at for m in dropped) == [  # type: ignore[type-var]
            NOW + timedelta(hours=3),
            NOW + timedelta(hours=5),
        ]


def test_a_withdrawn_offer_s_matches_close_as_before(two_each: Portal) -> None:
    later = NOW + timedelta(days=1)
    with transaction(two_each.sessions) as session:
        record = by_public_id(session, "O-2026-0003")
        assert record is not None
        close(context(session, two_each, later, "ingrid@mfa.example"), record, WITHDRAWN, "")
    assert rows(two_each) == [
        *THREE_OFFERS[:2],
        ("N-2026-0001", "O-2026-0003", 85, CLOSED),
        *THREE_OFFERS[3:5],
        ("N-2026-0002", "O-2026-0003", 85, CLOSED),
        *THREE_OFFERS[6:8],
        ("N-2026-0003", "O-2026-0003", 58, CLOSED),
    ]


def test_digests_the_site_and_the_command_line_show_the_kept_ones(
    two_each: Portal, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = sorted((n, o) for n, o, _, status in THREE_OFFERS if status == OPEN)
    with two_each.sessions() as session:
        ids = {r.id: r.public_id for r in session.scalars(select(Record))}
        found = news(session, NOW - timedelta(days=7), NOW + timedelta(days=1), set()).matches
        assert sorted((ids[m.need_id], ids[m.offer_id]) for m in found) == kept
        site = gather(session, two_each.settings, NOW)
        assert sorted((m.need, m.offer) for m in site.matches) == kept
        assert [m.offer for m in site.matches_of("N-2026-0003")] == ["O-2026-0003", "O-2026-0002"]
    monkeypatch.setenv("PORTAL_HOME", str(tmp_path / "cli"))
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["matches", "list", "--record", "N-2026-0003"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[:4] for line in lines[1:-1]] == [
        ["N-2026-0003", "O-2026-0003", "58", "open"],
        ["N-2026-0003", "O-2026-0002", "45", "open"],
    ]
    assert lines[-1] == "2 match(es)"
    everything = CliRunner().invoke(cli, ["matches", "list", "--record", "N-2026-0003", "--all"])
    assert "O-2026-0001  41     dropped" in everything.output


def bars(portal: Portal) -> dict[int, tuple[int | None, int | None]]:
    with portal.sessions() as session:
        return {b.record_id: (b.score, b.other_id) for b in session.scalars(select(MatchBar))}


def test_the_bars_kept_are_each_record_s_second_best(two_each: Portal) -> None:
    publish(two_each, "ingrid@mfa.example", BEST, NOW + timedelta(hours=5))
    kept = bars(two_each)
    with transaction(two_each.sessions) as session:
        rebuild_bars(session, 2)
    # needs 1-3 and offers 4-7 (ids): the second best's score and the other record's id
    assert kept == {
        1: (85, 7),
        2: (85, 7),
        3: (58, 6),
        4: (55, 2),
        5: (73, 2),
        6: (85, 2),
        7: (85, 2),
    }
    assert bars(two_each) == kept  # computed afresh from the open matches: the same
