"""The IMAP connection: PORTAL_IMAP_URL read, the server reached, the mailbox logged in to."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import unquote

from imapclient import IMAPClient

from bot.channels.email.credentials import imap_login, mailbox_login
from bot.config import Settings
from bot.errors import ConfigError

PORTS = {"imaps": 993, "imap": 143}
TIMEOUT = 30.0  # seconds to connect, and for any one answer of the server
SHAPE = "imaps://user:password@host[:port]/FOLDER (imap:// without TLS)"


@dataclass(frozen=True)
class MailboxUrl:
    """Where the mailbox is and who logs in to it (the password may come from elsewhere)."""

    tls: bool
    user: str
    password: str
    host: str
    port: int
    folder: str

    @property
    def name(self) -> str:
        """The mailbox as the portal remembers it: user@host/FOLDER."""
        return f"{self.user}@{self.host}/{self.folder}"

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"MailboxUrl({self.name!r}, port={self.port}, tls={self.tls})"


def mailbox_url(settings: Settings) -> MailboxUrl:
    """PORTAL_IMAP_URL read; the password from it or from PORTAL_IMAP_PASSWORD. The user may
    hold an @, as is or as %40; every part is percent-decoded. Raises ConfigError."""
    url = settings.imap_url.strip()
    scheme, found, rest = url.partition("://")
    if not found or scheme.lower() not in PORTS:
        given = f" ({scheme + '://'!r} is not an IMAP address)" if found else ""
        raise ConfigError(f"PORTAL_IMAP_URL must be {SHAPE}{given}")
    userinfo, at, location = rest.rpartition("@")
    if not at or not userinfo:
        raise ConfigError(f"PORTAL_IMAP_URL names no user: it must be {SHAPE}")
    user, _, password = userinfo.partition(":")
    hostport, _, folder = location.partition("/")
    host, port_text = hostport, ""
    if hostport.startswith("["):  # an IPv6 address: [::1] or [::1]:993
        host, _, after = hostport[1:].partition("]")
        port_text = after.removeprefix(":")
    elif ":" in hostport:
        host, _, port_text = hostport.rpartition(":")
    if not host:
        raise ConfigError(f"PORTAL_IMAP_URL names no host: it must be {SHAPE}")
    try:
        port = int(port_text) if port_text else PORTS[scheme.lower()]
    except ValueError as exc:
        raise ConfigError(
            f"PORTAL_IMAP_URL has a port that is not a number: {port_text!r}"
        ) from exc
    if not 0 < port < 65536:
        raise ConfigError(f"PORTAL_IMAP_URL has no such port: {port}")
    secret = unquote(password) or settings.imap_password
    if not secret:  # OAuth2 tokens stored, or a ConfigError naming the command to run
        mailbox_login(settings)
    return MailboxUrl(
        tls=scheme.lower() == "imaps",
        user=unquote(user.partition(";")[0]),  # RFC 5092's ;AUTH=XOAUTH2 is not the user's
        password=secret,
        host=host,
        port=port,
        folder=unquote(folder.strip("/")) or "INBOX",
    )


def connect(mailbox: MailboxUrl, settings: Settings) -> IMAPClient:
    """A client connected (with TLS for imaps, certificate checked) and logged in."""
    client = IMAPClient(mailbox.host, port=mailbox.port, ssl=mailbox.tls, timeout=TIMEOUT)
    try:
        _keep_alive(client.socket())
        login(client, mailbox, settings)
    except BaseException:
        client.shutdown()
        raise
    return client


def _keep_alive(sock: socket.socket) -> None:
    """A connection that died without a word (a NAT forgot it) is found within two minutes,
    not at the next IDLE renewal 25 minutes on."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, seconds in (("TCP_KEEPIDLE", 60), ("TCP_KEEPINTVL", 20), ("TCP_KEEPCNT", 3)):
        if hasattr(socket, option):  # Linux; elsewhere the system's defaults
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), seconds)


def login(client: IMAPClient, mailbox: MailboxUrl, settings: Settings) -> None:
    """Log in to the mailbox: with its password, or XOAUTH2 (bot.channels.email.credentials)."""
    imap_login(client, mailbox_login(settings))
