"""`portal focal-point` and `portal secretariat` through the real command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import Settings
from store.people import person_by_email


@pytest.fixture
def portal_cli(settings: Settings, portal, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PORTAL_HOME", str(settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.output

    return invoke


def test_add_and_list_focal_points(portal_cli) -> None:  # type: ignore[no-untyped-def]
    assert portal_cli(
        "focal-point",
        "add",
        "--actor",
        "Lao PDR",
        "--email",
        "Vong@NRA.example",
        "--name",
        "Vong S.",
        "--language",
        "fr",
    ) == (0, "vong@nra.example is a focal point of LAO\n")
    assert portal_cli("focal-point", "add", "--actor", "Liban", "--email", "vong@nra.example") == (
        0,
        "vong@nra.example is a focal point of LAO, LBN\n",
    )
    code, output = portal_cli("focal-point", "list", "--actor", "LAO")
    assert code == 0
    assert output.splitlines() == [
        "email             name     actors   lang  telegram",
        "vong@nra.example  Vong S.  LAO,LBN  fr",
        "1 focal point(s)",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--actor", "Atlantis", "--email", "a@b.example"),
            "Error: unknown actor: 'Atlantis' (use a code such as LAO or NPA, or a name)\n",
        ),
        (
            ("--actor", "LAO", "--email", "not-an-address"),
            "Error: not a valid email address: 'not-an-address'\n",
        ),
        (
            ("--actor", "LAO", "--email", "two@@signs.example"),
            "Error: not a valid email address: 'two@@signs.example'\n",
        ),
    ],
)
def test_mistakes_are_one_line(portal_cli, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    code, output = portal_cli("focal-point", "add", *args)
    assert (code, output) == (1, message)


def test_duplicate_focal_point_is_refused(portal_cli) -> None:  # type: ignore[no-untyped-def]
    portal_cli("focal-point", "add", "--actor", "LAO", "--email", "a@nra.example")
    assert portal_cli("focal-point", "add", "--actor", "LAO", "--email", "A@nra.example") == (
        1,
        "Error: a@nra.example is already a focal point of LAO\n",
    )


def test_remove_focal_point_and_secretariat(portal_cli) -> None:  # type: ignore[no-untyped-def]
    portal_cli("focal-point", "add", "--actor", "LAO", "--email", "a@nra.example")
    assert portal_cli("focal-point", "remove", "a@nra.example") == (
        0,
        "a@nra.example is no longer a focal point of LAO\n",
    )
    assert portal_cli("focal-point", "remove", "a@nra.example")[0] == 1
    assert portal_cli("secretariat", "add", "--email", "isu@ccm.example", "--name", "ISU") == (
        0,
        "isu@ccm.example is a member of the secretariat\n",
    )
    assert portal_cli("secretariat", "add", "--email", "isu@ccm.example") == (
        1,
        "Error: isu@ccm.example is already a member of the secretariat\n",
    )
    assert portal_cli("secretariat", "list")[1].splitlines()[1:] == [
        "isu@ccm.example  ISU   -",  # no language given: none until their mail tells it
        "1 member(s)",
    ]
    assert portal_cli("secretariat", "remove", "isu@ccm.example") == (
        0,
        "isu@ccm.example is no longer a member of the secretariat\n",
    )


def test_a_focal_point_added_without_a_language_has_none_until_it_is_set(
    portal_cli, portal
) -> None:  # type: ignore[no-untyped-def]
    portal_cli("focal-point", "add", "--actor", "LAO", "--email", "a@nra.example")
    portal_cli(
        "focal-point", "add", "--actor", "LBN", "--email", "b@lmac.example", "--language", "fr"
    )
    with portal.sessions() as session:
        assert person_by_email(session, "a@nra.example").language is None  # type: ignore[union-attr]
        assert person_by_email(session, "b@lmac.example").language == "fr"  # type: ignore[union-attr]
    assert portal_cli("focal-point", "language", "a@nra.example", "es") == (
        0,
        "a@nra.example is written to in es\n",
    )
    assert portal_cli("focal-point", "language", "a@nra.example", "de")[0] == 2  # not a choice
    assert portal_cli("focal-point", "language", "nobody@nra.example", "fr") == (
        1,
        "Error: nobody is registered with 'nobody@nra.example'\n",
    )
    with portal.sessions() as session:
        assert person_by_email(session, "a@nra.example").language == "es"  # type: ignore[union-attr]


def test_actors_list_by_type(portal_cli) -> None:  # type: ignore[no-untyped-def]
    code, output = portal_cli("actors", "list", "--type", "state_party")
    lines = output.splitlines()
    assert code == 0
    assert lines[-1] == "112 actor(s)"
    assert len(lines) == 1 + 112 + 1


def test_a_bouncing_address_is_listed_and_enabled_again(portal_cli, portal) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from store.db import transaction
    from store.people import email_address

    portal_cli(
        "focal-point", "add", "--actor", "LAO", "--email", "vong@nra.example", "--name", "Vong"
    )
    portal_cli("focal-point", "add", "--actor", "LBN", "--email", "rana@lmac.example")
    with transaction(portal.sessions) as session:
        row = email_address(session, "vong@nra.example")
        row.bounce_score, row.bounce_reason = 2.0, "5.1.1 User unknown"
        row.bouncing_since = datetime(2026, 12, 3, tzinfo=UTC)
    assert portal_cli("focal-point", "list", "--bouncing") == (
        0,
        "email             name  actors  since       score  last bounce\n"
        "vong@nra.example  Vong  LAO     2026-12-03  2      5.1.1 User unknown\n"
        "1 bouncing address(es)\n",
    )
    assert portal_cli("focal-point", "enable", "vong@nra.example") == (
        0,
        "vong@nra.example gets mail again\n",
    )
    assert portal_cli("focal-point", "list", "--bouncing")[1].splitlines()[-1] == (
        "0 bouncing address(es)"
    )
    code, output = portal_cli("focal-point", "enable", "nobody@nowhere.example")
    assert code != 0 and "no one is registered with nobody@nowhere.example" in output
