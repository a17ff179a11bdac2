"""Email out: outbox items become messages, written to a maildir or handed to an SMTP relay."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import mailbox
import os
from collections.abc import Callable
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib

from bot.channels.email.credentials import Login, PasswordLogin, login_for, smtp_login
from bot.config import Settings
from bot.envelope import PARTS
from bot.errors import ConfigError, DeliveryError, RecipientGone
from bot.masking import url_without_password
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
    # RFC 3834: a reply to a message is auto-replied; what answers nothing (calls, reminders,
    # notices, digests) is auto-generated. No internal id goes out in a header.
    replying = "In-Reply-To" in item.headers
    message["Auto-Submitted"] = "auto-replied" if replying else "auto-generated"
    message["Reply-To"] = from_address
    for name, value in item.headers.items():
        if name == PARTS:  # the neutral parts: a mail has no buttons, and replaces nothing
            continue
        del message[name]
        message[name] = one_line(value) if isinstance(value, str) else value
    readable = max(map(len, item.body.encode().splitlines() or [b""])) <= 900
    message.set_content(item.body, cte="8bit" if readable else "quoted-printable")
    if item.html:
        message.add_alternative(item.html, subtype="html")
    return message


def maildir_name(item: OutboxItem) -> str:
    """The item's file name in the maildir, the same at every try: its creation time (readers
    sort by name), its id and a hash of its Message-ID. No "/" or ":", so any reader takes it;
    one that files it in cur/ appends ":2,<flags>"."""
    digest = hashlib.sha256(item.message_id.encode()).hexdigest()[:16]
    return f"{int(item.created_at.timestamp())}.M{item.id}_{digest}.portal"


def as_file(message: EmailMessage) -> bytes:
    """The bytes mailbox.Maildir.add wrote for a message (no header refolding, local line ends)."""
    buffer = io.BytesIO()
    BytesGenerator(buffer, mangle_from_=False, maxheaderlen=0).flatten(message)
    return buffer.getvalue().replace(b"\n", os.linesep.encode())


class MaildirSender:
    """The embedded default: each message becomes a file in PORTAL_HOME/maildir/new.

    Written as the maildir convention asks (in tmp/, synced, then renamed into new/), under a
    name made from its outbox item (maildir_name), so delivering an item again after a crash
    replaces its file instead of adding one; if a reader already moved it to cur/, nothing is
    added. Files a crash left in tmp/ are replaced by the next try, or cleaned after 36 hours.
    """

    def __init__(self, path: Path) -> None:
        for folder in ("tmp", "new", "cur"):
            (path / folder).mkdir(parents=True, exist_ok=True)
        self.path = path
        mailbox.Maildir(path, create=False).clean()

    async def send(
        self, item: OutboxItem, message: EmailMessage, sender: str | None = None
    ) -> None:
        """`sender`, the envelope sender, is written as Return-Path (what a delivering server
        writes): whoever takes the file on says it in MAIL FROM."""
        if sender is not None:
            del message["Return-Path"]
            message["Return-Path"] = f"<{sender}>"
        try:
            await asyncio.to_thread(self._write, maildir_name(item), message, item.attempts)
        except OSError as exc:
            raise DeliveryError(f"cannot write to the maildir: {exc}") from exc

    def _write(self, name: str, message: EmailMessage, attempts: int) -> None:
        """Only a try after the first can find a copy: the name is the item's own."""
        if attempts > 1 and self._filed_by_reader(name):
            log.info("maildir: %s was delivered and read already; not written again", name)
            return
        writing, delivered = self.path / "tmp" / name, self.path / "new" / name
        with open(writing, "wb") as handle:
            handle.write(as_file(message))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(writing, delivered)  # an earlier copy in new/ is replaced, never doubled
        _sync_directory(self.path / "new")
        if attempts > 1 and self._filed_by_reader(name):  # it moved the earlier copy meanwhile
            delivered.unlink(missing_ok=True)

    def _filed_by_reader(self, name: str) -> bool:
        """Whether a reader moved this message to cur/ (as `name` or `name:2,<flags>`)."""
        with os.scandir(self.path / "cur") as entries:
            return any(entry.name.split(":")[0] == name for entry in entries)


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class RelaySender:
    """Hands messages to an SMTP relay given as smtp://host:port (STARTTLS when offered)."""

    def __init__(self, url: str, timeout: float = 30.0, *, login: Login | None = None) -> None:
        """`login`: how to log in (credentials.login_for); without it, the URL's user and
        password, if any."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise DeliveryError(
                f"PORTAL_RELAY must look like smtp://host:port, not {url_without_password(url)!r}"
            )
        self.host = parts.hostname
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.use_tls = parts.scheme == "smtps"
        if login is None and parts.username and parts.password is not None:
            login = PasswordLogin(unquote(parts.username), unquote(parts.password))
        self.login = login
        self.timeout = timeout

    @classmethod
    def for_settings(cls, settings: Settings) -> RelaySender:
        """The relay of PORTAL_RELAY, logging in with PORTAL_RELAY_PASSWORD or OAuth2."""
        login = login_for(settings.relay, settings.relay_password, settings, setting="PORTAL_RELAY")
        return cls(settings.relay, login=login)

    async def send(
        self, item: OutboxItem, message: EmailMessage, sender: str | None = None
    ) -> None:
        """Hand it to the relay, from the envelope `sender` (our VERP address). A retry after a
        crash sends the same message (same Message-ID and Date), which receiving systems
        recognise as one."""
        log.debug("outbox item %d: handing %s to %s", item.id, item.message_id, self.host)
        try:
            async with self._client() as client:
                if self.login is not None:
                    await smtp_login(client, self.login)
                await client.send_message(message, sender=sender)
        except ConfigError as exc:  # OAuth2 authorisation withdrawn: kept until authorised again
            log.error("outbox item %d: relay %s: %s", item.id, self.host, exc)
            raise DeliveryError(f"relay {self.host}:{self.port}: {exc}") from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            if codes and all(500 <= code < 600 for code in codes):  # permanent: never retry
                raise RecipientGone(f"relay {self.host}:{self.port} refused: {exc}") from exc
            raise DeliveryError(f"relay {self.host}:{self.port}: {exc}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"relay {self.host}:{self.port}: {exc}") from exc

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            use_tls=self.use_tls,
            start_tls=None,  # STARTTLS when the relay offers it (port 587)
            timeout=self.timeout,
        )

    async def try_login(self) -> None:
        """Connect and log in, sending nothing (`portal mailbox authorize` checks the relay)."""
        async with self._client() as client:
            if self.login is not None:
                await smtp_login(client, self.login)


class EmailSender:
    """Delivers email outbox items through the maildir or the relay."""

    def __init__(
        self,
        transport: MaildirSender | RelaySender,
        *,
        from_name: str,
        from_address: str,
        envelope_sender: Callable[[int], str | None] | None = None,
    ) -> None:
        self.transport = transport
        self.from_name = from_name
        self.from_address = from_address
        self.envelope_sender = envelope_sender  # outbox id -> its VERP address

    async def deliver(self, item: OutboxItem) -> None:
        message = compose(item, from_name=self.from_name, from_address=self.from_address)
        sender = self.envelope_sender(item.id) if self.envelope_sender else None
        await self.transport.send(item, message, sender)
        log.info("outbox item %d delivered (%s)", item.id, item.kind)
