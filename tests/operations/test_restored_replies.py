"""A focal point answers a receipt made before the backup; the restored portal accepts it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app import Portal
from bot.config import Settings
from bot.operations.backup import make_backup
from bot.operations.restore import restore
from store.base import utcnow
from tests.factories import register_people
from tests.flows.test_conversation import new_mail, submitted
from tests.harness import RunningPortal, free_port, reply

YEAR = utcnow().year  # records are numbered by the year they are made in


@contextmanager
def running(settings: Settings) -> Iterator[RunningPortal]:
    live = Portal.open(settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}"))
    server = RunningPortal(live).start()
    try:
        yield server
    finally:
        server.stop()
        live.close()


def test_a_reply_to_a_receipt_made_before_the_backup_is_accepted_after_restore(
    settings: Settings, empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    before = settings.with_changes(home=tmp_path / "before", secret_key="")  # key kept in home
    Portal.open(before).close()
    with running(before) as portal:
        register_people(portal.portal)
        receipt = submitted(portal)
    assert receipt["Reply-To"].startswith("reply+r")
    archive = make_backup(before, tmp_path / "b.tar.gz", settings_path=tmp_path / "none.toml")

    after = before.with_changes(home=tmp_path / "after", database_url=empty_database_url)
    restore(after, archive, tmp_path / "none.toml")
    with running(after) as portal:
        message, rcpt = reply(receipt, "vong@nra.example", "Amount: 300000 USD")
        portal.send(message, recipients=rcpt)
        (update_receipt, to_secretariat) = new_mail(portal, 0, 2)
    assert update_receipt["Subject"] == (
        f"Updated: N-{YEAR}-0001 Technical survey teams for two districts of Savannakhet"
    )
    assert "Amount: 300,000 USD" in update_receipt.get_content().splitlines()
    assert to_secretariat["To"] == "isu@ccm.example"
