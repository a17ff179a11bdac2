"""`portal doctor` logs in to the mailbox it is to read."""

from __future__ import annotations

from pathlib import Path

from bot.app import Portal
from bot.config import Settings
from bot.operations.backup import make_backup
from tests.mailbox.conftest import Mailbox
from tests.operations.test_checks import RecordingRelay, doctor


def test_doctor_says_when_the_mailbox_refuses_the_login(mailbox: Mailbox, tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    portal = Portal.open(settings)
    portal.init()
    portal.close()
    make_backup(settings, settings_path=tmp_path / "none.toml")
    wrong = mailbox.url().replace(":pw@", ":wrong@")
    with RecordingRelay() as relay:
        assert doctor(home, PORTAL_RELAY=relay.url, PORTAL_IMAP_URL=mailbox.url()) == (
            0,
            ["all checks passed: ready for real use"],
        )
        code, lines = doctor(home, PORTAL_RELAY=relay.url, PORTAL_IMAP_URL=wrong)
    assert code == 1
    assert lines[0].startswith("- the mailbox of PORTAL_IMAP_URL cannot be read (LoginError: ")
    assert "wrong" not in "\n".join(lines)  # the password is never shown
    assert lines[1:] == [
        "  what to do: check PORTAL_IMAP_URL and PORTAL_IMAP_PASSWORD, or run `portal mailbox "
        "authorize` (OAuth2); `portal mailbox check` shows the folder once it works",
        "1 thing(s) to do before real use",
    ]
