"""`portal outbox` through the real command line: list, failed ones, and retry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.app import Portal
from bot.cli import cli
from bot.config import Settings
from store.db import transaction
from store.outbox import FAILED, PENDING, SENT, OutboxItem


@pytest.fixture
def outbox_cli(settings: Settings, portal: Portal, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PORTAL_HOME", str(settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    created = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    with transaction(portal.sessions) as session:
        for n, (status, error) in enumerate(
            [(SENT, None), (FAILED, "gone: relay refused: 550 5.1.1 User unknown"), (PENDING, None)]
        ):
            session.add(
                OutboxItem(
                    channel="email",
                    recipient=f"fp{n}@state.example",
                    kind="digest",
                    body="",
                    message_id=f"<m{n}@portal.test>",
                    status=status,
                    attempts=1,
                    last_error=error,
                    created_at=created,
                )  # fmt: skip
            )

    def invoke(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.output

    return invoke


def test_list_and_list_failed(outbox_cli) -> None:  # type: ignore[no-untyped-def]
    code, output = outbox_cli("outbox", "list")
    assert code == 0
    lines = output.splitlines()
    assert lines[0].split() == [
        "id", "created", "channel", "recipient", "kind", "status", "tries", "error"
    ]  # fmt: skip
    assert [line.split()[0] for line in lines[1:-1]] == ["3", "2", "1"]
    assert lines[-1] == "3 item(s)"
    code, output = outbox_cli("outbox", "list", "--failed")
    assert code == 0
    assert output.splitlines()[1].split() == [
        "2", "2026-12-03", "09:30", "email", "fp1@state.example", "digest", "failed", "1",
        "gone:", "relay", "refused:", "550", "5.1.1", "User", "unknown",
    ]  # fmt: skip
    assert output.splitlines()[-1] == "1 item(s)"


def test_retry_a_failed_item_and_only_a_failed_one(outbox_cli, portal: Portal) -> None:  # type: ignore[no-untyped-def]
    assert outbox_cli("outbox", "retry", "2") == (0, "outbox item 2 will be delivered again\n")
    with portal.sessions() as session:
        item = session.get_one(OutboxItem, 2)
        assert (item.status, item.attempts) == (PENDING, 0)
    code, output = outbox_cli("outbox", "retry", "1")
    assert code != 0
    assert "outbox item 1 is sent, not failed" in output
    code, output = outbox_cli("outbox", "retry", "99")
    assert code != 0
    assert "no outbox item 99" in output
