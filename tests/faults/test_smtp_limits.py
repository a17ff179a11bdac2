"""What one SMTP client may ask: size, recipients, connections, line length, time, no smuggling,
no AUTH. Most are about the protocol alone, so they run on SQLite only."""

from __future__ import annotations

import smtplib
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from ipaddress import ip_network
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.app import Portal
from bot.config import Settings
from bot.errors import ConfigError
from store.inbox import InboxItem
from tests.faults.conftest import StartPortal
from tests.faults.listener import Listener
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email

MESSAGE = (
    b"From: vong@nra.example\r\nTo: submit@portal.test\r\nSubject: NEED\r\n"
    b"Message-ID: <limits@nra.example>\r\n\r\n" + LAO_NEED.replace("\n", "\r\n").encode()
)
GREETING = "220 portal.test Cooperation Portal"
TOO_MANY = "421 4.7.0 Too many connections, please try again later"


class Listening(Protocol):
    host: str
    port: int


class Client:
    """A raw SMTP client: sends exactly the bytes given, reads exactly the replies."""

    def __init__(self, server: Listening, source: str = "127.0.0.1") -> None:
        self.sock = socket.create_connection(
            (server.host, server.port), timeout=5, source_address=(source, 0)
        )
        self.replies = self.sock.makefile("rb")

    def reply(self) -> str:
        """One reply; its lines joined by "|" when it has several."""
        lines = [self.replies.readline().decode("ascii").rstrip("\r\n")]
        while lines[-1][3:4] == "-":
            lines.append(self.replies.readline().decode("ascii").rstrip("\r\n"))
        return "|".join(lines)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def command(self, line: bytes) -> str:
        self.send(line + b"\r\n")
        return self.reply()

    def closed(self) -> bool:
        """True when the server has closed the connection (EOF before any further reply)."""
        try:
            return self.replies.read() == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.replies.close()
        self.sock.close()


@pytest.fixture
def clients() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def connect(stack: ExitStack, server: Listening, source: str = "127.0.0.1") -> Client:
    client = Client(server, source)
    stack.callback(client.close)
    return client


def envelope(client: Client, sender: bytes = b"vong@nra.example") -> None:
    assert client.reply().startswith("220 portal.test ")
    assert client.command(b"EHLO client.example").startswith("250-portal.test|")
    assert client.command(b"MAIL FROM:<" + sender + b">") == "250 2.1.0 OK"
    assert client.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"


def inbox(server: RunningPortal) -> list[InboxItem]:
    with server.portal.sessions() as session:
        return session.query(InboxItem).order_by(InboxItem.id).all()


def test_size_is_announced_and_enforced(sqlite_only: None, start_portal: StartPortal) -> None:
    server = start_portal(max_message_size=2000)
    with smtplib.SMTP(server.host, server.port, timeout=5) as client:
        client.ehlo()
        assert client.esmtp_features["size"] == "2000"
        assert client.mail("vong@nra.example", ["SIZE=2001"]) == (
            552,
            b"Error: message size exceeds fixed maximum message size",
        )
        client.rset()
        client.mail("vong@nra.example")  # no SIZE given: refused once the data is in
        client.rcpt("submit@portal.test")
        assert client.data(MESSAGE * 5) == (552, b"5.3.4 Message too big for this system")
    assert inbox(server) == []


def test_at_most_20_recipients_and_the_message_still_goes_in(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    server = start_portal()
    client = connect(clients, server)
    envelope(client)
    tokens = [b"reply+t%d@portal.test" % n for n in range(1, 20)]
    assert [client.command(b"RCPT TO:<" + t + b">") for t in tokens] == ["250 2.1.5 OK"] * 19
    assert client.command(b"RCPT TO:<other@elsewhere.example>") == (
        "550 5.1.1 No such recipient here"
    )  # refused ones do not count
    assert client.command(b"RCPT TO:<reply+t20@portal.test>") == "452 4.5.3 Too many recipients"
    assert client.command(b"DATA").startswith("354 ")
    client.send(MESSAGE + b".\r\n")
    assert client.reply() == "250 2.0.0 Message accepted"
    (item,) = inbox(server)
    assert len(item.recipients) == 20


def test_connections_beyond_the_limit_per_client_get_421_and_are_closed(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    server = start_portal(smtp_max_connections_per_client=3)
    held = [connect(clients, server) for _ in range(3)]
    assert [c.reply()[:4] for c in held] == ["220 "] * 3
    extra = connect(clients, server)
    assert extra.reply() == TOO_MANY
    assert extra.closed()
    other = connect(clients, server, source="127.0.0.2")  # another client is not held back
    assert other.reply().startswith("220 ")
    assert held[0].command(b"QUIT").startswith("221 ")
    assert held[0].closed()
    assert admitted_again(clients, server)


def test_connections_beyond_the_limit_in_all_get_421(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    server = start_portal(smtp_max_connections=2)
    held = [connect(clients, server, source=f"127.0.0.{n}") for n in (2, 3)]
    assert [c.reply()[:4] for c in held] == ["220 ", "220 "]
    extra = connect(clients, server, source="127.0.0.4")
    assert extra.reply() == TOO_MANY
    assert extra.closed()
    assert held[0].command(b"QUIT").startswith("221 ")
    assert admitted_again(clients, server)


def listen(clients: ExitStack, portal: Portal, **options: Any) -> Listener:
    """The SMTP listener alone (tests.faults.listener), closed after the test's clients."""
    listener = Listener(portal, **options)
    clients.callback(listener.stop)
    return listener


def test_a_front_server_is_not_held_to_the_limit_per_client(
    sqlite_only: None, portal: Portal, clients: ExitStack
) -> None:
    """Behind Postfix every connection comes from the front server's address: before, its
    11th connection was refused, so the limit per client capped all the portal's mail."""
    server = listen(clients, portal, front_servers=[ip_network("127.0.1.0/24")])
    front = [connect(clients, server, source="127.0.1.5") for _ in range(12)]
    assert [c.reply() for c in front] == [GREETING] * 12
    ordinary = [connect(clients, server, source="127.0.0.2") for _ in range(11)]
    assert [c.reply() for c in ordinary] == [GREETING] * 10 + [TOO_MANY]
    assert ordinary[10].closed()
    last = front[11]
    assert last.command(b"EHLO mx.portal.test").startswith("250-portal.test|")
    assert last.command(b"MAIL FROM:<vong@nra.example>") == "250 2.1.0 OK"
    assert last.command(b"RCPT TO:<submit@portal.test>") == "250 2.1.5 OK"
    assert last.command(b"DATA").startswith("354 ")
    last.send(MESSAGE + b".\r\n")
    assert last.reply() == "250 2.0.0 Message accepted"
    with portal.sessions() as session:
        assert session.query(InboxItem.sender).all() == [("vong@nra.example",)]


def test_a_front_server_still_counts_towards_the_limit_in_all(
    sqlite_only: None, portal: Portal, clients: ExitStack
) -> None:
    server = listen(clients, portal, max_connections=12, front_servers=[ip_network("127.0.1.5")])
    front = [connect(clients, server, source="127.0.1.5") for _ in range(12)]
    assert [c.reply() for c in front] == [GREETING] * 12
    assert connect(clients, server, source="127.0.1.5").reply() == TOO_MANY
    assert connect(clients, server, source="127.0.0.2").reply() == TOO_MANY


def test_a_vrfy_of_bytes_that_are_not_utf8_is_answered_and_the_session_goes_on(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    """aiosmtpd echoes an address it cannot parse; before, the echo failed (451, a traceback)."""
    client = connect(clients, start_portal())
    assert client.reply() == GREETING
    client.command(b"EHLO client.example")
    assert client.command(b"VRFY <v\xff@>") == "502 Could not VRFY <v\\udcff@>"
    assert client.command(b"NOOP") == "250 OK"


def admitted_again(clients: ExitStack, server: RunningPortal) -> bool:
    """A freed place is given again (the server counts the close as soon as it sees it)."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        greeting = connect(clients, server).reply()
        if greeting.startswith("220 "):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("length", [600, 5000], ids=["over-512", "over-the-stream-limit"])
def test_a_command_line_over_512_characters_is_refused_and_the_session_goes_on(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack, length: int
) -> None:
    client = connect(clients, start_portal())
    assert client.reply().startswith("220 ")
    assert client.command(b"NOOP " + b"x" * length) == "500 5.5.2 Line too long"
    assert client.command(b"NOOP") == "250 OK"


@pytest.mark.parametrize("length", [2000, 9_000_000], ids=["2-kb", "9-mb"])
def test_a_data_line_over_1000_characters_is_refused_and_nothing_kept(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack, length: int
) -> None:
    """aiosmtpd holds lines to RFC 5321's 1000 characters; mail clients encode longer ones."""
    server = start_portal()
    client = connect(clients, server)
    envelope(client)
    assert client.command(b"DATA").startswith("354 ")
    client.send(MESSAGE + b"a" * length + b"\r\n.\r\n")
    assert client.reply() == "500 5.5.2 Line too long"
    assert inbox(server) == []


def test_a_sender_address_longer_than_rfc_5321_allows_is_refused(
    start_portal: StartPortal, clients: ExitStack
) -> None:
    """Before, it was kept on SQLite and answered 451 for ever on PostgreSQL (320 characters)."""
    client = connect(clients, start_portal())
    assert client.reply().startswith("220 ")
    client.command(b"EHLO client.example")
    long_sender = b"v" * 64 + b"@" + b"d" * 300 + b".example"
    assert client.command(b"MAIL FROM:<" + long_sender + b">") == "501 5.1.7 Path too long"


def test_a_silent_client_is_disconnected_after_the_timeout(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    client = connect(clients, start_portal(smtp_timeout=0.5))
    assert client.reply().startswith("220 ")
    assert client.command(b"EHLO client.example").startswith("250-")
    started = time.monotonic()
    assert client.closed()
    assert 0.25 < time.monotonic() - started < 3.0


def test_data_must_all_arrive_within_the_timeout_or_nothing_is_kept(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    """aiosmtpd's timer restarts with each command, not with each line of data: a client that
    sends its data slower than PORTAL_SMTP_TIMEOUT allows is cut off, and told nothing."""
    server = start_portal(smtp_timeout=0.5)
    client = connect(clients, server)
    envelope(client)
    assert client.command(b"DATA").startswith("354 ")
    started = time.monotonic()
    try:
        for line in MESSAGE.splitlines(keepends=True):  # a line every 0.1 s: 1.7 s in all
            client.send(line)
            time.sleep(0.1)
    except (BrokenPipeError, ConnectionResetError):  # the server has hung up
        pass
    assert client.closed()
    assert 0.25 < time.monotonic() - started < 3.0
    assert inbox(server) == []


SMUGGLED = (
    b"MAIL FROM:<isu@ccm.example>\r\nRCPT TO:<submit@portal.test>\r\nDATA\r\n"
    b"From: isu@ccm.example\r\nSubject: CONFIRM N-2026-0001\r\n\r\nsmuggled\r\n"
)


@pytest.mark.parametrize(
    "end",
    [b"\n.\n", b"\r.\r", b"\n.\r\n", b"\r\n.\n"],
    ids=["lf.lf", "cr.cr", "lf.crlf", "crlf.lf"],
)
def test_a_false_end_of_data_never_makes_a_second_message(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack, end: bytes
) -> None:
    """aiosmtpd (1.4.5 and later) ends DATA at <CRLF>.<CRLF> only: the rest is data."""
    server = start_portal()
    client = connect(clients, server)
    envelope(client)
    assert client.command(b"DATA").startswith("354 ")
    client.send(MESSAGE + end + SMUGGLED + b".\r\nQUIT\r\n")
    assert [client.reply(), client.reply()] == ["250 2.0.0 Message accepted", "221 Bye"]
    assert client.closed()
    (item,) = inbox(server)
    assert item.sender == "vong@nra.example"
    assert b"MAIL FROM:<isu@ccm.example>\r\nRCPT TO:<submit@portal.test>\r\nDATA" in item.raw
    assert b"Subject: CONFIRM N-2026-0001\r\n\r\nsmuggled\r\n" in item.raw


def test_auth_is_neither_offered_nor_accepted(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    server = start_portal()
    with smtplib.SMTP(server.host, server.port, timeout=5) as smtp:
        smtp.ehlo()
        assert "auth" not in smtp.esmtp_features
    client = connect(clients, server)
    assert client.reply().startswith("220 ")
    client.command(b"EHLO client.example")
    assert client.command(b"AUTH PLAIN AHZvbmcAc2VjcmV0") == "502 5.5.1 AUTH not available here"
    assert client.command(b"AUTH LOGIN") == "502 5.5.1 AUTH not available here"
    assert client.command(b"MAIL FROM:<vong@nra.example>") == "250 2.1.0 OK"  # goes on as before


def test_a_message_within_every_limit_is_accepted(
    sqlite_only: None, start_portal: StartPortal
) -> None:
    server = start_portal()
    assert server.send(email("vong@nra.example", "NEED", LAO_NEED)) == {}
    server.settled()
    assert [i.status for i in inbox(server)] == ["done"]


def test_the_limits_are_settings_with_defaults(tmp_path: Path) -> None:
    absent = tmp_path / "no.toml"
    defaults = Settings.load({}, toml_path=absent)
    assert (
        defaults.smtp_max_recipients,
        defaults.smtp_max_connections,
        defaults.smtp_max_connections_per_client,
        defaults.smtp_timeout,
        defaults.smtp_store_timeout,
    ) == (20, 100, 10, 300.0, 60.0)
    chosen = Settings.load(
        {"PORTAL_SMTP_MAX_RECIPIENTS": "5", "PORTAL_SMTP_TIMEOUT": "0.5"}, toml_path=absent
    )
    assert (chosen.smtp_max_recipients, chosen.smtp_timeout) == (5, 0.5)
    with pytest.raises(ConfigError) as wrong:
        Settings.load({"PORTAL_SMTP_MAX_CONNECTIONS": "many"}, toml_path=absent)
    assert str(wrong.value) == "PORTAL_SMTP_MAX_CONNECTIONS must be a number: 'many'"
    with pytest.raises(ConfigError) as zero:
        Settings.load({"PORTAL_SMTP_STORE_TIMEOUT": "0"}, toml_path=absent)
    assert str(zero.value) == "PORTAL_SMTP_STORE_TIMEOUT must be more than 0: '0'"


def test_portal_run_passes_the_front_servers_on(
    sqlite_only: None, start_portal: StartPortal, clients: ExitStack
) -> None:
    server = start_portal(
        smtp_max_connections_per_client=2, smtp_front_servers=(ip_network("127.0.0.1"),)
    )
    front = [connect(clients, server) for _ in range(3)]
    assert [c.reply() for c in front] == [GREETING] * 3
    ordinary = [connect(clients, server, source="127.0.0.2") for _ in range(3)]
    assert [c.reply() for c in ordinary] == [GREETING] * 2 + [TOO_MANY]
