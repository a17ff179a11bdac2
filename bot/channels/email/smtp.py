"""Email in: an aiosmtpd server that keeps each accepted message in the inbox before saying 250."""

from __future__ import annotations

import asyncio
import errno
import logging
import re
import socket
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.channels.email.connections import ConnectionCount, Network

log = logging.getLogger(__name__)

TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please try again later"
STORAGE_FULL = "452 4.3.1 Insufficient system storage, please try again later"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
TOO_MANY_CONNECTIONS = "421 4.7.0 Too many connections, please try again later"
UNKNOWN_RECIPIENT = "550 5.1.1 No such recipient here"
SENDER_TOO_LONG = "501 5.1.7 Path too long"
BAD_SENDER = "553 5.1.7 Sender address not valid"  # RFC 3463: bad sender's mailbox syntax
BAD_RECIPIENT = "553 5.1.3 Recipient address not valid"  # bad destination mailbox syntax
TOO_BIG = "552 5.3.4 Message too big for this system"
LINE_TOO_LONG = "500 5.5.2 Line too long"
NO_AUTH = "502 5.5.1 AUTH not available here"

MAX_PATH = 256  # RFC 5321 4.5.3.1.3: the longest reverse-path (the inbox keeps 320 characters)
MAX_MESSAGE_ID = 998  # longer is not a Message-ID (RFC 5322 2.1.1): dedup then uses the bytes
# What no address we keep may hold. aiosmtpd decodes a command's argument as UTF-8 with
# surrogateescape (we enable SMTPUTF8, so whether or not the client declared it): a byte that
# is not UTF-8 arrives as a lone surrogate. Then the controls (C0 with NUL, DEL, C1: PostgreSQL
# cannot keep a NUL, the others have no place in an address) and the line and paragraph
# separators, which Python's str.splitlines takes for line ends.
_NOT_IN_AN_ADDRESS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_NOT_PRINTABLE_ASCII = re.compile(rb"[^\t\r\n\x20-\x7e]")  # tab, CR, LF: folding whitespace
# Bounded: a Message-ID is at most 998 characters, and an unbounded repeat costs Python's
# regex engine memory per character (a 10 MB folded header would hold the loop for seconds).
_MESSAGE_ID = re.compile(
    rb"^message-id[ \t]*:([^\r\n]{0,999}(?:\r?\n[ \t][^\r\n]{0,999}){0,999})", re.I | re.M
)

# aiosmtpd's own refusals, said with an enhanced status code as ours are.
_AIOSMTPD_REPLIES = {
    "500 Command line too long": LINE_TOO_LONG,
    "500 Line too long (see RFC5321 4.5.3.1.6)": LINE_TOO_LONG,
    "552 Error: Too much mail data": TOO_BIG,
}

# Keep(sender, recipients, message_id, raw) -> the inbox item id, once committed (the future
# holds the exception on any failure of ours). See bot.pipeline.intake.GroupCommit.
Keep = Callable[[str, list[str], str | None, bytes], Future[int]]


class SubmissionHandler:
    """Accepts mail for submit@DOMAIN and reply+TOKEN@DOMAIN, and for what `also_accepts`
    says yes to (bot.addresses: PORTAL_ADDRESS and its plus forms, at DOMAIN); nothing else.

    An envelope address nothing could keep (bytes that are not UTF-8, a control character) is
    refused at its own command with 553, for good: the null sender and UTF-8 addresses pass.
    A message is answered 250 once `keep` has committed it; 451 when keeping it failed or did
    not finish within `store_timeout` seconds (it may still be committed: the sender's retry is
    then recognised as a duplicate), 452 when the database or the disk is full.
    """

    def __init__(
        self,
        domain: str,
        keep: Keep,
        max_size: int,
        on_stored: Callable[[int], None] | None = None,
        *,
        max_recipients: int = 20,
        store_timeout: float = 60.0,
        also_accepts: Callable[[str], bool] | None = None,
    ) -> None:
        self.domain = domain.lower()
        self.keep = keep
        self.max_size = max_size
        self.on_stored = on_stored
        self.max_recipients = max_recipients
        self.store_timeout = store_timeout
        self.also_accepts = also_accepts
        self._accepted = re.compile(
            rf"^(submit|reply\+[A-Za-z0-9_.=-]+|bounce\+[0-9]+-[A-Za-z2-7]+)@{re.escape(self.domain)}$",
            re.IGNORECASE,
        )

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if _NOT_IN_AN_ADDRESS.search(address):
            log.info("MAIL FROM %r refused: not an address we could keep", _redact(address))
            return BAD_SENDER
        if len(address) > MAX_PATH:
            return SENDER_TOO_LONG
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if _NOT_IN_AN_ADDRESS.search(address):
            log.info("RCPT TO %r refused: not an address we could keep", _redact(address))
            return BAD_RECIPIENT
        if not self._accepted.match(address) and not (
            self.also_accepts is not None and self.also_accepts(address)
        ):
            return UNKNOWN_RECIPIENT
        if len(envelope.rcpt_tos) >= self.max_recipients:
            return TOO_MANY_RECIPIENTS
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if len(raw) > self.max_size:
            return TOO_BIG
        sender = envelope.mail_from or ""
        try:
            keeping = self.keep(sender, list(envelope.rcpt_tos), _message_id(raw), raw)
            async with asyncio.timeout(self.store_timeout):  # no task of its own, as wait_for
                item_id = await asyncio.wrap_future(keeping)
        except TimeoutError:
            log.error(
                "a message from %s was not kept within %g s; answered 451",
                _redact(sender),
                self.store_timeout,
            )
            return TEMPORARY_FAILURE
        except Exception as exc:
            reply = STORAGE_FULL if _storage_full(exc) else TEMPORARY_FAILURE
            log.exception(
                "could not keep a message from %s; answered %s", _redact(sender), reply[:3]
            )
            return reply
        log.info("inbox item %d kept (%d bytes) from %s", item_id, len(raw), _redact(sender))
        if self.on_stored is not None:
            self.on_stored(item_id)
        return "250 2.0.0 Message accepted"


class SubmissionSMTP(SMTP):
    """aiosmtpd's SMTP with our answers: 451 for an exception of ours (aiosmtpd says 500),
    421 beyond the connection limits (front servers exempt from the one per client), enhanced
    status codes, and no AUTH at all."""

    def __init__(
        self, handler: SubmissionHandler, *, connections: ConnectionCount, **options: Any
    ) -> None:
        super().__init__(handler, **options)
        self.connections = connections
        self.client: str | None = None  # set while this connection is counted

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self.transport is None:  # a new connection, not the switch to TLS
            peer = transport.get_extra_info("peername")
            client = str(peer[0]) if peer else ""
            if not self.connections.admit(client):
                log.warning("SMTP connection from %s refused: too many connections", client)
                assert isinstance(transport, asyncio.WriteTransport)
                transport.write(TOO_MANY_CONNECTIONS.encode("ascii") + b"\r\n")
                transport.close()
                return
            self.client = client
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self.client is None:  # refused above: aiosmtpd never started on it
            return
        self.connections.release(self.client)
        self.client = None
        super().connection_lost(error)

    async def push(self, status: Any) -> None:
        if isinstance(status, str):
            # aiosmtpd echoes a VRFY argument it cannot parse: bytes of it that were not UTF-8
            # (lone surrogates here) are said as escapes rather than failing the reply.
            status = _AIOSMTPD_REPLIES.get(status, status).encode("utf-8", "backslashreplace")
        await super().push(status)

    async def smtp_AUTH(self, arg: str) -> None:
        """Senders are known by their address; there are no accounts to log in to."""
        await self.push(NO_AUTH)

    async def handle_exception(self, error: Exception) -> str:  # type: ignore[override]
        log.exception("SMTP session failed", exc_info=error)
        return TEMPORARY_FAILURE


def smtp_factory(
    handler: SubmissionHandler, max_size: int, timeout: float, connections: ConnectionCount
) -> Callable[[], SMTP]:
    def make() -> SMTP:
        return SubmissionSMTP(
            handler,
            connections=connections,
            data_size_limit=max_size,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=handler.domain,
            ident="Cooperation Portal",
            timeout=timeout,
        )

    return make


async def start_server(
    handler: SubmissionHandler,
    host: str,
    port: int,
    max_size: int,
    *,
    timeout: float = 300.0,
    max_connections: int = 100,
    max_connections_per_client: int = 10,
    front_servers: Iterable[Network] = (),
    sock: socket.socket | None = None,
) -> asyncio.Server:
    """Listen on host:port (port 0 picks a free one: read it from server.sockets), or on `sock`,
    a listening socket handed down by `portal run`'s supervisor.

    `timeout`: seconds a client may stay silent between commands, and may take to send a
    message's data; then it is disconnected. Clients in `front_servers` are not held to
    `max_connections_per_client` (they still count towards `max_connections`).
    """
    loop = asyncio.get_running_loop()
    connections = ConnectionCount(max_connections, max_connections_per_client, front_servers)
    factory = smtp_factory(handler, max_size, timeout, connections)
    if sock is not None:
        return await loop.create_server(factory, sock=sock)
    return await loop.create_server(factory, host=host, port=port)


def _message_id(raw: bytes) -> str | None:
    """The Message-ID header, or None when absent, too long, or not printable ASCII (a NUL
    would not be kept by PostgreSQL): dedup then uses the bytes. Read from the bytes of the
    header block alone: quick on any message, however hostile its other headers, so it runs
    on the event loop."""
    end = _HEADER_END.search(raw)
    found = _MESSAGE_ID.search(raw, 0, end.start() if end else len(raw))
    if found is None or len(found[1]) > MAX_MESSAGE_ID or _NOT_PRINTABLE_ASCII.search(found[1]):
        return None
    return " ".join(found[1].decode("ascii").split()) or None


def _storage_full(error: BaseException | None) -> bool:
    """Is this SQLite's "database or disk is full", PostgreSQL's disk_full, or a full disk?"""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if getattr(error, "sqlite_errorname", None) == "SQLITE_FULL":
            return True
        if getattr(error, "sqlstate", None) == "53100":
            return True
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        error = getattr(error, "orig", None) or error.__cause__ or error.__context__
    return False


def _redact(address: str) -> str:
    local, at, domain = address.partition("@")
    return f"{local[:2]}…{at}{domain}" if at else (address[:2] + "…" if address else "<>")
