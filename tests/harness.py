"""A running portal for tests: real SMTP server, processor and outbox on a background loop."""

from __future__ import annotations

import asyncio
import mailbox
import re
import smtplib
import socket
import threading
import time
import uuid
from email import message_from_binary_file, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from bot.app import Portal
from bot.runner import services_for
from bot.services import run_services


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningPortal:
    """`portal run` in a thread: start() returns once SMTP answers; stop() shuts it down."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.host, self.port = portal.settings.smtp_host_port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()
        self.error: BaseException | None = None

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await run_services(self.portal, services_for(self.portal), self._stop)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by stop()
            self.error = exc
            self._ready.set()

    def start(self) -> RunningPortal:
        self._thread.start()
        self._ready.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with smtplib.SMTP(self.host, self.port, timeout=5) as client:
                    client.noop()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the portal did not start: {self.error!r}")

    def stop(self) -> None:
        """Stop it (once: stopping a stopped portal does nothing)."""
        if not self._thread.is_alive():
            return
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)
        if self.error is not None:
            raise self.error

    # ---- talking to it ----------------------------------------------------------------------
    def send(
        self,
        message: EmailMessage,
        *,
        sender: str | None = None,
        recipients: list[str] | None = None,
    ) -> dict[str, Any]:
        with smtplib.SMTP(self.host, self.port, timeout=30) as client:
            return client.send_message(message, from_addr=sender, to_addrs=recipients)

    def mail(self, count: int, timeout: float = 20.0) -> list[EmailMessage]:
        """Wait until the maildir holds `count` messages, then return them (oldest first)."""
        deadline = time.monotonic() + timeout
        while True:
            found = read_maildir(self.portal.settings.maildir)
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def settled(self, timeout: float = 20.0) -> None:
        """Wait until nothing waits in the inbox or outbox."""
        from sqlalchemy import func, select

        from store.inbox import NEW, PROCESSING, InboxItem
        from store.outbox import PENDING, SENDING, OutboxItem

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.portal.sessions() as session:
                waiting = session.scalar(
                    select(func.count())
                    .select_from(InboxItem)
                    .where(InboxItem.status.in_((NEW, PROCESSING)))
                ) + session.scalar(
                    select(func.count())
                    .select_from(OutboxItem)
                    .where(OutboxItem.status.in_((PENDING, SENDING)))
                )
            if waiting == 0:
                return
            time.sleep(0.05)
        raise TimeoutError("the portal did not settle")


def read_maildir(path: Path) -> list[EmailMessage]:
    if not path.exists():
        return []
    box = mailbox.Maildir(path, factory=None, create=False)
    messages = []
    for key in sorted(box.iterkeys(), key=outbox_id_of_file):
        with box.get_file(key) as handle:
            messages.append(message_from_binary_file(handle, policy=policy.default))
    return messages


def outbox_id_of_file(name: str) -> int:
    """The outbox item a maildir file holds, from its name (sending.maildir_name): mail carries
    no internal id in its headers."""
    found = re.search(r"\.M(\d+)_", name)
    assert found is not None, name
    return int(found[1])


def email(
    sender: str, subject: str, body: str, to: str = "submit@portal.test", **headers: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    # uuid4 draws from the OS: hypothesis seeds `random`, and make_msgid's random part with it,
    # so two examples in the same hundredth of a second could share a Message-ID.
    message["Message-ID"] = f"<{uuid.uuid4().hex}@sender.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def reply(
    to: EmailMessage, sender: str, body: str, subject: str | None = None, **headers: str
) -> tuple[EmailMessage, list[str]]:
    """A reply to one of the portal's messages, as a mail client writes it: to its Reply-To,
    with the original quoted below. Returns the message and the envelope recipients."""
    text = to.get_body(preferencelist=("plain",))
    assert text is not None
    quoted = "\n".join("> " + line for line in text.get_content().splitlines())
    header = "On Fri, 27 Nov 2026 at 10:00, Cooperation Portal <submit@portal.test> wrote:"
    message = email(
        sender,
        subject or f"Re: {to['Subject']}",
        f"{body}\n\n{header}\n{quoted}\n",
        to=to["Reply-To"],
        In_Reply_To=to["Message-ID"],
        **headers,
    )
    return message, [to["Reply-To"]]
