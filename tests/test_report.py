"""`portal report`: a year's figures from records, matches and closures made in two years."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.app import Portal
from bot.cli import cli
from bot.config import Settings
from bot.parsing.parser import parse_submission
from bot.records import lifecycle
from bot.records.create import create_record
from bot.records.endorsement import endorse
from bot.records.renewal import remind_and_expire
from bot.records.review import confirm
from bot.report import Figures, Tally, as_csv, as_markdown, as_text, figures, summary
from bot.trends import Trends, trends
from store.actors import find_actor
from store.db import transaction
from store.records import by_public_id
from tests.factories import context, focal_point, publish


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def template(kind: str, areas: str, assistance: str, country: str = "") -> str:
    where = f"Country: {country}\n" if country else ""
    return (
        f"Type: {kind}\nTitle: A {kind} about {areas}\n{where}Areas: {areas}\n"
        f"Assistance: {assistance}\nDescription: Details of the {kind}.\n"
    )


def on_behalf_of(portal: Portal, email: str, state: str, text: str, now: datetime) -> str:
    """A need sent by an organisation for a state, endorsed by the state, then published."""
    parsed = parse_submission(text)
    assert parsed.ok, parsed.problems
    with transaction(portal.sessions) as session:
        ctx = context(session, portal, now, email)
        assert ctx.person is not None
        speaks_for = find_actor(session, state)
        assert speaks_for is not None
        record = create_record(ctx, ctx.person.actors[0], parsed.submission, speaks_for)
        endorse(ctx, record)
        public_id = record.public_id
    with transaction(portal.sessions) as session:
        assert confirm(context(session, portal, now), public_id).outcome == "published"
    return public_id


def submit_only(portal: Portal, email: str, text: str, now: datetime) -> str:
    """A need the secretariat never published."""
    parsed = parse_submission(text)
    assert parsed.ok, parsed.problems
    with transaction(portal.sessions) as session:
        ctx = context(session, portal, now, email)
        assert ctx.person is not None
        return create_record(ctx, ctx.person.actors[0], parsed.submission).public_id


def close(portal: Portal, public_id: str, status: str, now: datetime) -> None:
    with transaction(portal.sessions) as session:
        record = by_public_id(session, public_id)
        assert record is not None
        lifecycle.close(context(session, portal, now), record, status, f"{status} by the owner")


@pytest.fixture
def two_years(portal: Portal) -> Portal:
    """Needs of three States Parties (one sent by HALO for Iraq) and a signatory in 2026,
    offers of a state, a UN entity and an NGO; a second year of new records and closures."""
    people = {
        "LAO": "vong@nra.example",
        "LBN": "rana@lmac.example",
        "AGO": "joao@cnidah.example",
        "HALO": "ops@halo.example",
        "NOR": "ingrid@mfa.example",
        "UNDP": "mine.action@undp.example",
        "KOR": "kim@mofa.example",
        "CMC": "info@cmc.example",
    }
    for actor, email in people.items():
        focal_point(portal, actor, email)
    lao = publish(
        portal,
        people["LAO"],
        template("need", "technical survey, clearance", "financial, equipment"),
        at(2026, 3, 2),
    )
    publish(
        portal,
        people["NOR"],
        template("offer", "technical survey, clearance", "financial", "South-eastern Asia"),
        at(2026, 3, 10),
    )
    lbn = publish(
        portal, people["LBN"], template("need", "risk education", "training"), at(2026, 4, 1)
    )
    publish(
        portal,
        people["AGO"],
        template("need", "clearance", "technical expertise"),
        at(2026, 5, 4),
    )
    irq = on_behalf_of(
        portal,
        people["HALO"],
        "IRQ",
        template("need", "clearance, risk education", "equipment", "Iraq"),
        at(2026, 6, 1),
    )
    publish(  # matches Lebanon's and Iraq's needs
        portal,
        people["UNDP"],
        template("offer", "risk education", "training, equipment", "Lebanon, Iraq"),
        at(2026, 6, 15),
    )
    publish(  # matches Angola's need
        portal,
        people["HALO"],
        template("offer", "clearance", "technical expertise", "Angola"),
        at(2026, 7, 1),
    )
    never = submit_only(
        portal, people["LBN"], template("need", "clearance", "financial"), at(2026, 8, 1)
    )
    close(portal, never, "withdrawn", at(2026, 8, 5))
    close(portal, lbn, "withdrawn", at(2026, 10, 1))

    publish(  # matches Norway's offer
        portal, people["LAO"], template("need", "clearance", "financial"), at(2027, 1, 15)
    )
    close(portal, lao, "fulfilled", at(2027, 2, 1))
    publish(  # matches the new Lao need and Angola's
        portal,
        people["KOR"],
        template("offer", "clearance", "financial, technical expertise", "any"),
        at(2027, 3, 1),
    )
    publish(
        portal,
        people["CMC"],
        template("offer", "risk education", "training", "Lebanon"),
        at(2027, 4, 1),
    )
    close(portal, irq, "withdrawn", at(2027, 5, 1))
    # Norway's offer and Angola's need were not renewed for twelve months.
    assert remind_and_expire(portal.sessions, portal.settings, at(2027, 5, 10)) == (0, 2)
    return portal


def figures_of(portal: Portal, year: int, timezone: str = "UTC") -> Figures:
    with portal.sessions() as session:
        return figures(session, year, timezone)


def listed(tallies: tuple[Tally, ...]) -> list[tuple[str, int, int]]:
    return [(t.label, t.needs, t.offers) for t in tallies if t.needs or t.offers]


def test_2026_counts_what_happened_in_2026(two_years: Portal) -> None:
    f = figures_of(two_years, 2026)
    assert (f.year, f.needs_published, f.offers_published) == (2026, 4, 3)
    assert f.states_with_needs == {
        "state_party": {"IRQ": 1, "LAO": 1, "LBN": 1},
        "signatory": {"AGO": 1},
        "observer_state": {},
    }
    assert f.actors_offering == {
        "states": {"NOR": 1},
        "international_organisations": {"UNDP": 1},
        "ngos": {"HALO": 1},
        "other": {},
    }
    assert listed(f.by_area) == [
        ("technical survey", 1, 1),
        ("clearance", 3, 2),
        ("risk education", 2, 1),
    ]
    assert listed(f.by_assistance) == [
        ("financial", 1, 1),
        ("technical expertise", 1, 1),
        ("equipment", 2, 1),
        ("training", 1, 1),
    ]
    assert (len(f.by_area), len(f.by_assistance)) == (27, 10)
    assert (f.matches_made, f.needs_matched) == (4, 4)
    # The need withdrawn before it was published is not counted.
    assert (f.needs_fulfilled, f.needs_withdrawn, f.needs_expired) == (0, 1, 0)
    # Lao (fulfilled), Angola (expired) and Iraq (withdrawn) closed only in 2027.
    assert (f.needs_open, f.offers_open) == (3, 3)


def test_2027_counts_new_records_and_the_closures_of_older_ones(two_years: Portal) -> None:
    f = figures_of(two_years, 2027)
    assert (f.needs_published, f.offers_published) == (1, 2)
    assert f.states_with_needs == {
        "state_party": {"LAO": 1},
        "signatory": {},
        "observer_state": {},
    }
    assert f.actors_offering == {
        "states": {"KOR": 1},
        "international_organisations": {},
        "ngos": {"CMC": 1},
        "other": {},
    }
    assert listed(f.by_area) == [("clearance", 1, 1), ("risk education", 0, 1)]
    assert listed(f.by_assistance) == [
        ("financial", 1, 1),
        ("technical expertise", 0, 1),
        ("training", 0, 1),
    ]
    assert (f.matches_made, f.needs_matched) == (3, 2)
    assert (f.needs_fulfilled, f.needs_withdrawn, f.needs_expired) == (1, 1, 1)
    assert (f.needs_open, f.offers_open) == (1, 4)


def test_a_year_without_records_is_all_zeros(two_years: Portal) -> None:
    f = figures_of(two_years, 2025)
    assert [value for _, _, value in summary(f)] == [0] * 16
    assert (listed(f.by_area), listed(f.by_assistance)) == ([], [])


def test_the_year_ends_at_midnight_in_the_portal_timezone(portal: Portal) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    publish(
        portal,
        "vong@nra.example",
        template("need", "clearance", "financial"),
        datetime(2026, 12, 31, 20, tzinfo=UTC),  # 2027-01-01 03:00 in Vientiane
    )
    utc = (figures_of(portal, 2026).needs_published, figures_of(portal, 2027).needs_published)
    vientiane = (
        figures_of(portal, 2026, "Asia/Vientiane").needs_published,
        figures_of(portal, 2027, "Asia/Vientiane").needs_published,
    )
    assert (utc, vientiane) == ((1, 0), (0, 1))


def test_text_lists_the_summary_and_the_states(two_years: Portal) -> None:
    lines = as_text(figures_of(two_years, 2026)).splitlines()
    assert lines[:37] == [
        "Cooperation and assistance in 2026",
        "",
        "Summary",
        "  figure                                        value",
        "  needs published                               4",
        "  offers published                              3",
        "  States Parties that reported needs            3",
        "  signatories that reported needs               1",
        "  observer states that reported needs           0",
        "  states offering support                       1",
        "  international organisations offering support  1",
        "  NGOs offering support                         1",
        "  other actors offering support                 0",
        "  matches made                                  4",
        "  needs with at least one match made            4",
        "  needs fulfilled                               0",
        "  needs withdrawn                               1",
        "  needs expired                                 0",
        "  needs open on 31 December                     3",
        "  offers open on 31 December                    3",
        "",
        "States that reported needs",
        "  state  status       needs",
        "  IRQ    State Party  1",
        "  LAO    State Party  1",
        "  LBN    State Party  1",
        "  AGO    signatory    1",
        "",
        "Actors that offered support",
        "  actor  group                        offers",
        "  NOR    states                       1",
        "  UNDP   international organisations  1",
        "  HALO   NGOs                         1",
        "",
        "By area",
        "  area                                               needs  offers",
        "  stockpile destruction — planning                   0      0",
    ]
    assert "  clearance                                          3      2" in lines
    assert lines[-3:] == [
        "  secondment of personnel              0      0",
        "  trust fund contribution              0      0",
        "  emergency assistance                 0      0",
    ]


def test_markdown_has_a_table_per_section(two_years: Portal) -> None:
    text = as_markdown(figures_of(two_years, 2027))
    lines = text.splitlines()
    assert lines[0] == "# Cooperation and assistance in 2027"
    assert [line for line in lines if line.startswith("## ")] == [
        "## Summary",
        "## States that reported needs",
        "## Actors that offered support",
        "## By area",
        "## By form of assistance",
    ]
    start = lines.index("## States that reported needs")
    assert lines[start : start + 5] == [
        "## States that reported needs",
        "",
        "| state | status | needs |",
        "| --- | --- | ---: |",
        "| LAO | State Party | 1 |",
    ]
    area = lines.index("## By area")
    assert lines[area + 2 : area + 4] == ["| area | needs | offers |", "| --- | ---: | ---: |"]
    assert "| clearance | 1 | 1 |" in lines
    assert "| needs open on 31 December | 1 |" in lines


def test_markdown_says_none_for_an_empty_table(two_years: Portal) -> None:
    lines = as_markdown(figures_of(two_years, 2025)).splitlines()
    start = lines.index("## States that reported needs")
    assert lines[start : start + 4] == ["## States that reported needs", "", "_None._", ""]


def csv_rows(text: str) -> dict[tuple[str, str], str]:
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == ["section", "key", "value"]
    rows = [(row["section"], row["key"], row["value"]) for row in reader]
    found = {(section, key): value for section, key, value in rows}
    assert len(found) == len(rows)  # no (section, key) twice
    return found


def test_csv_holds_the_same_numbers(two_years: Portal) -> None:
    f = figures_of(two_years, 2026)
    rows = csv_rows(as_csv(f))
    assert len(rows) == 1 + 16 + 4 + 3 + 2 * 27 + 2 * 10
    for key, _, value in summary(f):
        section, name = key.split(".")
        assert rows[(section, name)] == str(value)
    assert rows[("summary", "year")] == "2026"
    assert rows[("states_reporting_needs", "state_party")] == "3"
    assert rows[("actors_offering_support", "international_organisations")] == "1"
    assert rows[("summary", "needs_open_at_year_end")] == "3"
    assert [(key, n) for (section, key), n in rows.items() if section == "needs_by_state"] == [
        ("IRQ", "1"),
        ("LAO", "1"),
        ("LBN", "1"),
        ("AGO", "1"),
    ]
    assert rows[("needs_by_area", "clearance")] == "3"
    assert rows[("offers_by_area", "clearance")] == "2"
    assert rows[("needs_by_assistance", "equipment")] == "2"
    assert rows[("offers_by_area", "stockpile destruction — planning")] == "0"


@pytest.fixture
def portal_cli(
    settings: Settings, two_years: Portal, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str]]:
    monkeypatch.setenv("PORTAL_HOME", str(settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.output

    return invoke


def test_cli_prints_the_chosen_year_and_format(
    portal_cli: Callable[..., tuple[int, str]], two_years: Portal
) -> None:
    code, output = portal_cli("report", "--year", "2026", "--format", "csv")
    assert (code, output) == (0, as_csv(figures_of(two_years, 2026)))
    assert csv_rows(output)[("summary", "matches_made")] == "4"
    code, output = portal_cli("report", "--year", "2027", "--format", "markdown")
    assert (code, output.splitlines()[0]) == (0, "# Cooperation and assistance in 2027")


def test_cli_defaults_to_text_of_the_current_year(
    portal_cli: Callable[..., tuple[int, str]],
) -> None:
    code, output = portal_cli("report")
    assert (code, output.splitlines()[0]) == (
        0,
        f"Cooperation and assistance in {datetime.now(UTC).year}",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--year", "1999"), "Error: Invalid value for '--year': 1999 is not in the range"),
        (("--format", "pdf"), "Error: Invalid value for '--format': 'pdf' is not one of"),
    ],
)
def test_cli_refuses_a_bad_year_or_format(
    portal_cli: Callable[..., tuple[int, str]], args: tuple[str, ...], message: str
) -> None:
    code, output = portal_cli("report", *args)
    assert (code, output.splitlines()[-1].startswith(message)) == (2, True)


def series(t: Trends) -> dict[str, tuple[int, ...]]:
    return {s.key: s.counts for s in t.series}


def test_trends_count_each_year_then_the_quarters_from_the_history(two_years: Portal) -> None:
    with two_years.sessions() as session:
        t = trends(session, at(2027, 5, 20), "UTC")
    assert [p.label for p in t.periods] == ["2026", "2027 Q1", "2027 Q2"]
    assert series(t) == {
        "needs": (4, 1, 0),  # Lebanon's need of 2026 counts though it was withdrawn since
        "offers": (3, 1, 1),
        "matches": (4, 3, 0),
        "fulfilled": (0, 1, 0),
    }
    assert [(a.code, a.needs, a.offers) for a in t.by_area] == [
        ("art4.survey.technical", 1, 1),
        ("art4.clearance", 4, 3),
        ("art4.risk_reduction_education", 2, 2),
    ]
    assert t.rows()[1] == ("2027 Q1", (1, 1, 3, 1))


def test_trends_before_any_record_are_the_quarters_of_the_year(portal: Portal) -> None:
    with portal.sessions() as session:
        t = trends(session, at(2026, 8, 1), "UTC")
    assert [p.label for p in t.periods] == ["2026 Q1", "2026 Q2", "2026 Q3"]
    assert set(series(t).values()) == {(0, 0, 0)}
    assert t.by_area == ()


def test_cli_html_has_the_tables_and_the_charts_over_time(
    portal_cli: Callable[..., tuple[int, str]], two_years: Portal
) -> None:
    code, output = portal_cli("report", "--year", "2026", "--format", "html")
    assert code == 0
    assert "<h1>Cooperation and assistance in 2026</h1>" in output
    assert "<h2>States that reported needs</h2>" in output
    assert "<style>" in output and "://" not in output and "<link" not in output  # stands alone
    bars = re.findall(
        r'<rect class="bar" [^>]*data-period="([^"]+)" data-value="(\d+)"/>',
        output.split('id="trend-needs"')[1].split("</figure>")[0],
    )
    assert bars == [("2026 Q1", "1"), ("2026 Q2", "3"), ("2026 Q3", "0"), ("2026 Q4", "0")]
    areas = re.findall(r'data-area="([^"]+)" data-needs="(\d+)"', output)
    assert areas == [
        ("art4.survey.technical", "1"),
        ("art4.clearance", "3"),
        ("art4.risk_reduction_education", "2"),
    ]
