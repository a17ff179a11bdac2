"""Personal data: `portal focal-point export|erase EMAIL`, and pruning old raw mail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from bot.app import Portal
from bot.cli import cli
from bot.config import Settings
from bot.errors import ConfigError
from bot.people.retention import prune
from store.audit import AuditEntry
from store.db import transaction
from store.inbox import DONE, FAILED, NEW, InboxItem, store_message
from store.people import EmailAddress, Person
from store.records import Record, Revision
from store.subscriptions import Subscription
from store.telegram import LinkCode
from tests.factories import subscribe
from tests.flows.test_need_by_email import LAO_NEED
from tests.security.conftest import deliver, message

KEYS = [
    "person",
    "addresses",
    "actors",
    "telegram_id",
    "subscriptions",
    "audit",
    "registration_requests",
    "inbox_items",
    "outbox_items",
    "link_codes",
    "calls",
    "counts",
]
INBOX_KEYS = {
    "id",
    "channel",
    "sender",
    "message_id",
    "status",
    "outcome",
    "received_at",
    "processed_at",
    "size",
    "pruned",
}


@pytest.fixture
def portal_cli(people: Portal, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PORTAL_HOME", str(people.settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", people.settings.database_url)
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
        result = runner.invoke(cli, list(args), input=input)
        return result.exit_code, result.stdout if result.exit_code == 0 else result.output

    return invoke


@pytest.fixture
def vong_acted(people: Portal) -> Portal:
    """Vong sent a need, asked for a Telegram link code, and follows a digest."""
    assert deliver(people, message("vong@nra.example", "NEED", LAO_NEED)).outcome == (
        "need N-2026-0001 created"
    )
    assert deliver(people, message("vong@nra.example", "LINK")).outcome.startswith("link")
    subscribe(people, "vong@nra.example", datetime(2026, 1, 1, tzinfo=UTC), kind="offer")
    return people


def exported(portal_cli: Any, email: str) -> dict[str, Any]:
    code, output = portal_cli("focal-point", "export", email)
    assert code == 0, output
    data: dict[str, Any] = json.loads(output)
    return data


def test_export_gives_all_we_hold_about_a_person(vong_acted: Portal, portal_cli: Any) -> None:
    data = exported(portal_cli, "Vong@NRA.example")
    assert list(data) == KEYS
    assert {k: v for k, v in data["person"].items() if k != "created_at"} == {
        "id": 1,
        "name": "Vong Saysana",
        "language": "en",
        "telegram_id": None,
        "telegram_active": True,
        "is_secretariat": False,
    }
    assert data["addresses"] == ["vong@nra.example"]
    assert data["actors"] == [{"code": "LAO", "name": "Lao People's Democratic Republic"}]
    assert data["telegram_id"] is None
    assert [(s["kind"], s["status"]) for s in data["subscriptions"]] == [
        ("own", "active"),
        ("filtered", "active"),
    ]
    assert [a["action"] for a in data["audit"]] == ["created"]
    assert data["audit"][0]["who"] == "vong@nra.example (person 1)"
    assert data["registration_requests"] == []
    assert [(i["outcome"], set(i)) for i in data["inbox_items"]] == [
        ("need N-2026-0001 created", INBOX_KEYS),
        (data["inbox_items"][1]["outcome"], INBOX_KEYS),
    ]
    assert all(i["size"] > 0 and i["pruned"] is None for i in data["inbox_items"])
    assert [o["kind"] for o in data["outbox_items"]] == ["receipt", "link_code"]
    assert [set(c) for c in data["link_codes"]] == [{"created_at", "expires_at", "used_at"}]
    assert data["calls"] == []
    assert data["counts"] == {
        "addresses": 1,
        "actors": 1,
        "subscriptions": 2,
        "audit": 1,
        "registration_requests": 0,
        "inbox_items": 2,
        "outbox_items": 2,
        "link_codes": 1,
        "calls": 0,
    }
    assert "Savannakhet" not in json.dumps(data)  # metadata only: no mail, no record text


def test_export_of_an_unregistered_address_shows_its_request(
    people: Portal, portal_cli: Any
) -> None:
    deliver(people, message("ana@cancilleria.example", "REGISTER", "Name: Ana\nActor: Colombia"))
    data = exported(portal_cli, "ana@cancilleria.example")
    assert (data["person"], data["actors"], data["addresses"]) == (
        None,
        [],
        ["ana@cancilleria.example"],
    )
    (request,) = data["registration_requests"]
    assert (request["name"], request["actor_text"], request["status"]) == (
        "Ana",
        "Colombia",
        "pending",
    )
    assert data["counts"]["inbox_items"] == 1


def everything_mentioning(portal: Portal, text: str) -> list[str]:
    found = []
    with portal.sessions() as session:
        for entry in session.scalars(select(AuditEntry)):
            if text in f"{entry.who} {entry.before} {entry.after} {entry.note}":
                found.append(f"audit {entry.id}")
        for item in session.scalars(select(InboxItem)):
            if text in item.sender or text.encode() in item.raw:
                found.append(f"inbox {item.id}")
        found += [
            f"address {e.id}" for e in session.scalars(select(EmailAddress)) if e.address == text
        ]
        found += [
            f"subscription {s.id}"
            for s in session.scalars(select(Subscription))
            if s.address == text
        ]
    return found


def test_erase_forgets_the_person_and_keeps_the_records_with_their_actor(
    vong_acted: Portal, portal_cli: Any
) -> None:
    assert everything_mentioning(vong_acted, "vong@nra.example")
    code, output = portal_cli("focal-point", "erase", "vong@nra.example", "--yes")
    assert (code, output) == (
        0,
        "erased vong@nra.example: 1 person, 1 address(es), 2 subscription(s), 1 link code(s); "
        "2 audit row(s), 0 registration request(s), 2 inbox and 2 outbox item(s) made "
        "anonymous; records stay with their actors\n",
    )
    assert everything_mentioning(vong_acted, "vong@nra.example") == []
    with vong_acted.sessions() as session:
        assert session.scalars(select(Person.name)).all() == [
            "Rana Haddad",
            "Kari Nordmann",
            "ISU desk",
        ]
        (record,) = session.scalars(select(Record)).all()
        assert (record.public_id, record.actor.code, record.status) == (
            "N-2026-0001",
            "LAO",
            "pending",
        )
        assert session.scalars(select(Revision.submitted_by)).all() == [None]
        assert session.scalars(select(LinkCode)).all() == []
        created = session.scalars(select(AuditEntry).where(AuditEntry.action == "created")).one()
        assert (created.who, created.person_id, created.record_id) == (
            "erased person",
            None,
            record.id,
        )
        assert session.scalars(
            select(AuditEntry.action).order_by(AuditEntry.id.desc())
        ).first() == ("person_erased")
    data = exported(portal_cli, "vong@nra.example")
    assert data["person"] is None and set(data["counts"].values()) == {0, 1}
    assert data["counts"]["addresses"] == 1 and data["counts"]["audit"] == 0


def test_erase_asks_first(vong_acted: Portal, portal_cli: Any) -> None:
    code, output = portal_cli("focal-point", "erase", "vong@nra.example", input="n\n")
    assert code == 1 and output.endswith("Aborted!\n")
    assert exported(portal_cli, "vong@nra.example")["person"] is not None
    code, output = portal_cli("focal-point", "erase", "vong@nra.example", input="y\n")
    assert code == 0 and "erased vong@nra.example: 1 person" in output


def test_erasing_an_unknown_address_is_one_clear_error(people: Portal, portal_cli: Any) -> None:
    assert portal_cli("focal-point", "erase", "nobody@nowhere.example", "--yes") == (
        1,
        "Error: nothing is held about nobody@nowhere.example\n",
    )


# ---- raw mail retention ------------------------------------------------------------------


NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)


def kept(portal: Portal, name: str, status: str, age_days: int) -> int:
    with transaction(portal.sessions) as session:
        item, _ = store_message(
            session,
            channel="email",
            sender=f"{name}@nra.example",
            recipients=["submit@portal.test"],
            message_id=f"<{name}@nra.example>",
            raw=f"Subject: {name}\r\n\r\nbody of {name}\r\n".encode(),
            meta={"note": name},
        )
        session.execute(
            update(InboxItem)
            .where(InboxItem.id == item.id)
            .values(status=status, outcome=name, received_at=NOW - timedelta(days=age_days))
        )
        return item.id


def test_prune_empties_only_old_processed_mail(portal: Portal) -> None:
    old_done = kept(portal, "old-done", DONE, 181)
    kept(portal, "recent-done", DONE, 179)
    kept(portal, "old-failed", FAILED, 400)
    kept(portal, "old-new", NEW, 400)
    assert prune(portal.sessions, portal.settings, NOW) == 1
    with portal.sessions() as session:
        items = {i.outcome: i for i in session.scalars(select(InboxItem))}
    assert {name: len(i.raw) > 0 for name, i in items.items()} == {
        "old-done": False,
        "recent-done": True,
        "old-failed": True,
        "old-new": True,
    }
    emptied = items["old-done"]
    assert (emptied.id, emptied.raw, emptied.message_id, emptied.status) == (
        old_done,
        b"",
        "<old-done@nra.example>",
        DONE,
    )
    assert emptied.meta == {"note": "old-done", "pruned": "2026-11-28"}
    assert prune(portal.sessions, portal.settings, NOW) == 0


def test_the_retention_comes_from_the_environment(portal: Portal) -> None:
    kept(portal, "month-old", DONE, 31)
    settings = Settings.load({"PORTAL_RAW_RETENTION_DAYS": "30"})
    assert Settings().raw_retention_days == 180
    assert (
        prune(
            portal.sessions,
            portal.settings.with_changes(raw_retention_days=settings.raw_retention_days),
            NOW,
        )
        == 1
    )
    with pytest.raises(ConfigError, match="PORTAL_RAW_RETENTION_DAYS"):
        prune(portal.sessions, portal.settings.with_changes(raw_retention_days="soon"), NOW)
