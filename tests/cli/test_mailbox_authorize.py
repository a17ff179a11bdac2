"""`portal mailbox authorize` end to end, as a real process driven through its terminal, against
the fake provider: the browser on this machine (loopback redirect), the browser elsewhere (the
address pasted), Microsoft's device code; then the mailbox (real Dovecot) and the relay tried."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests import imap_server
from tests.channels.test_oauth2_imap import oauth2_passdb
from tests.channels.test_oauth2_smtp import SubmissionServer
from tests.fake_oauth2 import CLIENT_ID, FakeOAuth2Provider

USER = "portal@ministry.example"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def provider() -> Iterator[FakeOAuth2Provider]:
    with FakeOAuth2Provider(USER) as fake:
        yield fake


class Terminal:
    """`portal mailbox authorize …` running, its output read line by line."""

    def __init__(self, home: Path, fake: FakeOAuth2Provider, *args: str, **env: str) -> None:
        environment = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "PORTAL_CONFIG": str(home / "no-portal.toml"),
            "PORTAL_HOME": str(home),
            "PORTAL_MAIL_PROVIDER": "google",
            "PORTAL_OAUTH2_CLIENT_ID": CLIENT_ID,
            "PORTAL_OAUTH2_TOKEN_URL": fake.token_url,
            "PORTAL_OAUTH2_AUTHORIZE_URL": fake.authorize_url,
            **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import main; main()", "mailbox", "authorize"]
            + list(args),
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []

    def read_until_address(self) -> str:
        """The lines up to the authorisation address; that address."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("   http"):
                return line.strip()
        raise AssertionError("\n".join(self.lines))

    def finish(self, typed: str = "") -> tuple[int, list[str]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(typed)  # not communicate(): it would skip what was read ahead
        self.process.stdin.close()
        out = self.process.stdout.read()
        return self.process.wait(timeout=60), self.lines + out.splitlines()


def run_in_process(
    home: Path, fake: FakeOAuth2Provider, *args: str, typed: str = "", **env: str
) -> tuple[int, list[str]]:
    """The command in this process (CliRunner), for runs that need no browser meanwhile."""
    environment = {
        "PORTAL_CONFIG": str(home / "no-portal.toml"),
        "PORTAL_HOME": str(home),
        "PORTAL_MAIL_PROVIDER": "google",
        "PORTAL_OAUTH2_CLIENT_ID": CLIENT_ID,
        "PORTAL_OAUTH2_TOKEN_URL": fake.token_url,
        "PORTAL_OAUTH2_AUTHORIZE_URL": fake.authorize_url,
        **env,
    }
    result = CliRunner().invoke(cli, ["mailbox", "authorize", *args], input=typed, env=environment)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    return result.exit_code, result.stdout.splitlines() + errors  # not the servers' own logs


def stored(home: Path) -> dict[str, object]:
    path = home / "oauth2.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert isinstance(data, dict)
    return data


def test_the_address_pasted_from_a_browser_elsewhere(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    terminal = Terminal(tmp_path, provider, "--no-browser", "--user", USER)
    address = terminal.read_until_address()
    ended_on = httpx.get(address).headers["location"]  # a browser elsewhere: it stops there
    code, lines = terminal.finish(ended_on + "\n")

    redirect = ended_on.split("/?", 1)[0]
    assert (code, lines[:4]) == (
        0,
        [
            f"Authorising the portal to use {USER} at Google.",
            "",
            "1. Open this address in a browser and sign in as the mailbox's user:",
            "",
        ],
    )
    assert lines[5:] == [
        "",
        f"2. If the browser is on this machine, it comes back to {redirect} and this command "
        "goes on by itself.",
        "   If it is on another machine, it ends on an address that does not open "
        f"({redirect}/?code=…): copy that whole address and paste it here.",
        "Address (or code): ",
        "Received the answer from the terminal; asking Google for tokens.",
        f"Tokens stored in {tmp_path / 'oauth2.json'} (readable by you only).",
        "PORTAL_IMAP_URL is not set: the mailbox was not tried.",
        "PORTAL_RELAY is not set: outgoing mail stays in the maildir; not tried.",
    ]
    assert stored(tmp_path)["user"] == USER
    assert stored(tmp_path)["access_token"] in provider.access_tokens
    assert provider.exchanges == 1


@pytest.mark.skipif(not imap_server.available(), reason=imap_server.NO_DOVECOT)
def test_the_browser_on_this_machine_comes_back_and_the_mailbox_is_tried(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    dovecot = imap_server.Dovecot(
        {USER: "unused"}, extra=oauth2_passdb(tmp_path, provider.introspect_url)
    ).start()
    try:
        home = tmp_path / "home"
        imap_url = dovecot.url(USER, password=False)
        terminal = Terminal(home, provider, "--no-browser", PORTAL_IMAP_URL=imap_url)
        address = terminal.read_until_address()
        page = httpx.get(address, follow_redirects=True)  # the browser here: back to loopback
        code, lines = terminal.finish()
    finally:
        dovecot.stop()

    assert page.status_code == 200
    assert "You can close this page" in page.text
    assert code == 0, lines
    assert lines[0] == f"Authorising the portal to use {USER} at Google."  # the URL's user
    assert lines[-5:] == [
        "Address (or code): ",
        "Received the answer from the browser; asking Google for tokens.",
        f"Tokens stored in {home / 'oauth2.json'} (readable by you only).",
        f"Mailbox (IMAP): logged in as {USER} with OAuth2. It works.",
        "PORTAL_RELAY is not set: outgoing mail stays in the maildir; not tried.",
    ], lines
    assert stored(home)["access_token"] in provider.access_tokens


def test_microsofts_device_code_and_the_relay_tried(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    with SubmissionServer(provider) as relay:
        relay_url = f"smtp://portal%40ministry.example@127.0.0.1:{relay.port}"
        code, lines = run_in_process(
            tmp_path, provider, "--device", PORTAL_MAIL_PROVIDER="microsoft", PORTAL_RELAY=relay_url
        )
    token = stored(tmp_path)["access_token"]
    assert (code, lines) == (
        0,
        [
            f"Authorising the portal to use {USER} at Microsoft.",
            "",
            f"To sign in, open {provider.base}/device and enter the code ABCD-EFGH.",
            "Waiting for the sign-in…",
            f"Tokens stored in {tmp_path / 'oauth2.json'} (readable by you only).",
            "PORTAL_IMAP_URL is not set: the mailbox was not tried.",
            f"Relay (SMTP): connected to 127.0.0.1:{relay.port}, logged in. It works.",
        ],
    )
    assert relay.logins == [("XOAUTH2", token)]
    assert provider.exchanges == 1


def test_a_refused_authorisation_stores_nothing(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    code, lines = run_in_process(
        tmp_path,
        provider,
        "--no-browser",
        "--user",
        USER,
        typed="http://127.0.0.1:1/?error=access_denied&error_description=The+user+said+no\n",
    )
    assert (code, lines[-1]) == (
        1,
        "Error: the mail provider refused the authorisation (access_denied: The user said no)",
    )
    assert not (tmp_path / "oauth2.json").exists()


def test_google_has_no_device_code_for_mail(tmp_path: Path, provider: FakeOAuth2Provider) -> None:
    code, lines = run_in_process(tmp_path, provider, "--device", "--user", USER)
    assert (code, lines[-1]) == (
        1,
        "Error: Google offers no device code for mail: use the browser flow (without --device) "
        "and paste the address the browser ends on",
    )
