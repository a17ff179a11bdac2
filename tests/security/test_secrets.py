"""Secrets (keys, tokens, passwords, passwords inside URLs) never show in a repr, a log line or
an error message."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from bot.channels.email.sending import RelaySender, compose
from bot.cli import cli
from bot.config import Settings
from bot.errors import ConfigError, DeliveryError
from bot.logs import configure
from bot.masking import url_without_password
from store.outbox import OutboxItem
from tests.harness import free_port

PORTAL = str(Path(sys.executable).parent / "portal")

SECRETS = {
    "secret_key": "0123456789abcdef-key",
    "telegram_token": "123456:AAH-telegram-token",
    "imap_password": "imap-pass-word",
    "relay_password": "relay-pass-word",
    "oauth2_client_secret": "oauth2-client-secret",
}
URLS = {
    "database_url": "postgresql+psycopg://portal:db-pass-word@db.example:5432/portal",
    "relay": "smtp://portal:relay-url-pass@smtp.example:587",
    "imap_url": "imaps://portal%40ministry.example:imap-url-pass@imap.example/INBOX",
}
HIDDEN = [*SECRETS.values(), "db-pass-word", "relay-url-pass", "imap-url-pass"]


def test_repr_and_str_of_settings_mask_every_secret() -> None:
    settings = Settings(**SECRETS, **URLS)
    for text in (repr(settings), str(settings), f"{settings}"):
        assert [secret for secret in HIDDEN if secret in text] == []
        for name in SECRETS:
            assert f"{name}='***'" in text
        assert "database_url='postgresql+psycopg://portal:***@db.example:5432/portal'" in text
        assert "relay='smtp://portal:***@smtp.example:587'" in text
        assert "imap_url='imaps://portal%40ministry.example:***@imap.example/INBOX'" in text
        assert "domain='localhost'" in text  # what is no secret is shown as it is


def test_an_unset_secret_shows_as_unset() -> None:
    assert "telegram_token=''" in repr(Settings())


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("smtp://u:p@h:25", "smtp://u:***@h:25"),
        ("smtp://u:p@ss:w@rd@h", "smtp://u:***@h"),
        ("smtp://u@h:25", "smtp://u@h:25"),
        ("smtp://:p@h", "smtp://:***@h"),
        ("sqlite:////srv/portal/portal.db", "sqlite:////srv/portal/portal.db"),
        (
            "postgresql://pg:pw@[::1]:5432/x?sslmode=require",
            "postgresql://pg:***@[::1]:5432/x?sslmode=require",
        ),
        ("smtp://u:pw@[::1:25", "smtp://u:***@[::1:25"),  # broken: urlsplit refuses it
        ("not a url", "not a url"),
        (
            "postgresql://pg@db/x?password=pw&sslmode=require",
            "postgresql://pg@db/x?password=***&sslmode=require",
        ),
        (
            "postgresql://pg@db/x?sslmode=require&Password=pw",
            "postgresql://pg@db/x?sslmode=require&Password=***",
        ),
    ],
)
def test_url_without_password(url: str, shown: str) -> None:
    assert url_without_password(url) == shown


def test_settings_list_their_secrets_for_the_logs() -> None:
    settings = Settings(**SECRETS, **URLS)
    assert settings.secrets() == sorted(
        [*SECRETS.values(), "db-pass-word", "relay-url-pass", "imap-url-pass"]
    )


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure() replaces the root handlers; give the test's own back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_log_lines_and_tracebacks_never_show_a_secret(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(**SECRETS, **URLS)
    configure("DEBUG", part="delivery", secrets=settings.secrets())
    log = logging.getLogger("httpx")  # as httpx logs each request to the Bot API at DEBUG
    log.warning(
        "HTTP Request: POST %s/getMe", f"https://api.telegram.org/bot{SECRETS['telegram_token']}"
    )
    try:
        raise RuntimeError(f"cannot log in with {SECRETS['imap_password']}")
    except RuntimeError:
        logging.getLogger("bot.test").exception("mailbox %s", URLS["imap_url"])
    err = capsys.readouterr().err
    assert [secret for secret in HIDDEN if secret in err] == []
    lines = err.splitlines()
    assert lines[0].endswith(
        "WARNING [delivery] httpx: HTTP Request: POST https://api.telegram.org/bot***/getMe"
    )
    assert lines[1].endswith(
        "ERROR [delivery] bot.test: mailbox imaps://portal%40ministry.example:***@imap.example/INBOX"
    )
    assert lines[-1] == "RuntimeError: cannot log in with ***"


def test_a_wrong_relay_url_is_named_without_its_password() -> None:
    with pytest.raises(DeliveryError) as raised:
        RelaySender("http://portal:relay-url-pass@smtp.example")
    assert str(raised.value) == (
        "PORTAL_RELAY must look like smtp://host:port, not 'http://portal:***@smtp.example'"
    )


async def test_a_relay_that_cannot_be_reached_is_named_without_its_password() -> None:
    port = free_port()  # nothing listens there
    sender = RelaySender(f"smtp://portal:relay-url-pass@127.0.0.1:{port}", timeout=5)
    item = OutboxItem(
        id=7,
        channel="email",
        kind="receipt",
        recipient="a@b.example",
        subject="s",
        body="b",
        headers={},
        message_id="<m@x>",
        created_at=datetime(2026, 12, 3, tzinfo=UTC),
    )
    message = compose(item, from_name="Portal", from_address="submit@portal.test")
    with pytest.raises(DeliveryError) as raised:
        await sender.send(item, message)
    assert str(raised.value).startswith(f"relay 127.0.0.1:{port}: ")
    assert "relay-url-pass" not in str(raised.value)


def _with_password(database_url: str) -> str:
    if database_url.startswith("sqlite"):
        pytest.skip("a SQLite URL carries no password")
    url = make_url(database_url).set(password="db-pass-word")  # trust auth: any password works
    return url.render_as_string(hide_password=False)


def test_portal_init_and_run_never_show_the_database_password(
    tmp_path: Path, database_url: str
) -> None:
    url = _with_password(database_url)
    masked = make_url(url).render_as_string(hide_password=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_HOME=str(tmp_path / "var"),
        PORTAL_DATABASE_URL=url,
        PORTAL_LOG_LEVEL="DEBUG",
        PORTAL_SMTP_LISTEN="127.0.0.1:0",
    )
    init = subprocess.run([PORTAL, "init"], env=env, capture_output=True, text=True, check=True)
    assert init.stdout.startswith(f"database ready at {masked}; ")
    process = subprocess.Popen([PORTAL, "run"], env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    try:
        seen = []
        for line in process.stderr:
            seen.append(line)
            if "portal running" in line:
                break
        assert seen[-1].endswith(f"portal running (database {masked}); stop with Ctrl-C\n")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        seen.append(process.stderr.read())
    finally:
        process.kill()
    assert "db-pass-word" not in init.stdout + init.stderr + "".join(seen)


def test_an_error_on_the_command_line_never_shows_a_secret(
    monkeypatch: pytest.MonkeyPatch, root_logging: None
) -> None:
    """Whatever a command's error says, a secret in it is written `***` (the safety net of
    PortalGroup, for errors that quote a setting)."""

    @click.command()
    @click.pass_context
    def careless(ctx: click.Context) -> None:
        settings: Settings = ctx.find_root().obj
        raise ConfigError(f"cannot log in to {settings.imap_url} with {settings.relay_password}")

    monkeypatch.setitem(cli.commands, "careless", careless)
    for name in (*SECRETS, *URLS):
        monkeypatch.setenv(f"PORTAL_{name.upper()}", {**SECRETS, **URLS}[name])
    result = CliRunner().invoke(cli, ["careless"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: cannot log in to imaps://portal%40ministry.example:***@imap.example/INBOX"
        " with ***\n"
    )
