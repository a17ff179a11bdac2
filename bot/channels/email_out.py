"""Email out: outbox items become messages, written to a maildir or handed to an SMTP relay."""

from __future__ import annotations

import asyncio
import logging
import mailbox
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from urllib.parse import urlsplit

import aiosmtplib

from bot.errors import DeliveryError, RecipientGone
from store.outbox import OutboxItem

log = logging.getLogger(__name__)


def one_line(value: str) -> str:
    """A header value on one line: each run of whitespace or line breaks becomes one space.

    Every outgoing header passes here, so no text a sender wrote (a title in a subject) can
    start a header of its own.
    """
    return " ".join(str(value).split())


def compose(item: OutboxItem, *, from_name: str, from_address: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((one_line(from_name), from_address))
    message["To"] = one_line(item.recipient)
    message["Subject"] = one_line(item.subject)
    message["Date"] = format_datetime(item.created_at)
    message["Message-ID"] = item.message_id
    message["Auto-Submitted"] = "auto-replied"  # digests say auto-generated in their headers
    message["Reply-To"] = from_address
    message["X-Portal-Outbox-Id"] = str(item.id)
    for name, value in item.headers.items():
        del message[name]
        message[name] = one_line(value) if isinstance(value, str) else value
    readable = max(map(len, item.body.encode().splitlines() or [b""])) <= 900
    message.set_content(item.body, cte="8bit" if readable else "quoted-printable")
    if item.html:
        message.add_alternative(item.html, subtype="html")
    return message


class MaildirSender:
    """The embedded default: each message becomes a file in PORTAL_HOME/maildir/new."""

    def __init__(self, path: Path) -> None:
        self.maildir = mailbox.Maildir(path, create=True)

    async def send(self, message: EmailMessage) -> None:
        try:
            await asyncio.to_thread(self.maildir.add, message)
        except OSError as exc:
            raise DeliveryError(f"cannot write to the maildir: {exc}") from exc


class RelaySender:
    """Hands messages to an SMTP relay given as smtp://host:port (STARTTLS when offered)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise DeliveryError(f"PORTAL_RELAY must look like smtp://host:port, not {url!r}")
        self.host = parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.use_tls = parts.scheme == "smtps"
        self.username = parts.username
        self.password = parts.password
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                use_tls=self.use_tls,
                start_tls=None,
                username=self.username,
                password=self.password,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            if codes and all(500 <= code < 600 for code in codes):  # permanent: never retry
                raise RecipientGone(f"relay {self.host}:{self.port} refused: {exc}") from exc
            raise DeliveryError(f"relay {self.host}:{self.port}: {exc}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"relay {self.host}:{self.port}: {exc}") from exc


class EmailSender:
    """Delivers email outbox items through the maildir or the relay."""

    def __init__(
        self, transport: MaildirSender | RelaySender, *, from_name: str, from_address: str
    ) -> None:
        self.transport = transport
        self.from_name = from_name
        self.from_address = from_address

    async def deliver(self, item: OutboxItem) -> None:
        message = compose(item, from_name=self.from_name, from_address=self.from_address)
        await self.transport.send(message)
        log.info("outbox item %d delivered (%s)", item.id, item.kind)
