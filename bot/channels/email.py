"""Email in: an aiosmtpd server that keeps each accepted message in the inbox before saying 250."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

TEMPORARY_FAILURE = "451 4.3.0 Temporary failure, please try again later"
UNKNOWN_RECIPIENT = "550 5.1.1 No such recipient here"
TOO_BIG = "552 5.3.4 Message too big for this system"

# Keep(sender, recipients, message_id, raw) -> inbox item id; raises on any failure of ours.
Keep = Callable[[str, list[str], str | None, bytes], int]


class SubmissionHandler:
    """Accepts mail for submit@DOMAIN and reply+TOKEN@DOMAIN; nothing else."""

    def __init__(
        self, domain: str, keep: Keep, max_size: int, on_stored: Callable[[int], None] | None = None
    ) -> None:
        self.domain = domain.lower()
        self.keep = keep
        self.max_size = max_size
        self.on_stored = on_stored
        self._accepted = re.compile(
            rf"^(submit|reply\+[A-Za-z0-9_.=-]+)@{re.escape(self.domain)}$", re.IGNORECASE
        )

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not self._accepted.match(address):
            return UNKNOWN_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if len(raw) > self.max_size:
            return TOO_BIG
        sender = envelope.mail_from or ""
        try:
            message_id = _message_id(raw)
            item_id = await asyncio.get_running_loop().run_in_executor(
                None, self.keep, sender, list(envelope.rcpt_tos), message_id, raw
            )
        except Exception:
            log.exception("could not keep a message from %s; answered 451", _redact(sender))
            return TEMPORARY_FAILURE
        log.info("inbox item %d kept (%d bytes) from %s", item_id, len(raw), _redact(sender))
        if self.on_stored is not None:
            self.on_stored(item_id)
        return "250 2.0.0 Message accepted"


class SubmissionSMTP(SMTP):
    """aiosmtpd's SMTP with our answer, 451, for an exception of ours (aiosmtpd says 500)."""

    async def handle_exception(self, error: Exception) -> str:  # type: ignore[override]
        log.exception("SMTP session failed", exc_info=error)
        return TEMPORARY_FAILURE


def smtp_factory(handler: SubmissionHandler, max_size: int) -> Callable[[], SMTP]:
    def make() -> SMTP:
        return SubmissionSMTP(
            handler,
            data_size_limit=max_size,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=handler.domain,
            ident="Cooperation Portal",
        )

    return make


async def start_server(
    handler: SubmissionHandler, host: str, port: int, max_size: int
) -> asyncio.Server:
    """Listen on host:port (port 0 picks a free one: read it from server.sockets)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(smtp_factory(handler, max_size), host=host, port=port)


def _message_id(raw: bytes) -> str | None:
    """The Message-ID header, or None when absent or unreadable (dedup then uses the bytes)."""
    try:
        value: Any = BytesHeaderParser(policy=default_policy).parsebytes(raw).get("Message-ID")
    except Exception:  # a malformed header must not stop us keeping the message
        return None
    return (" ".join(str(value).split()) or None) if value is not None else None


def _redact(address: str) -> str:
    local, at, domain = address.partition("@")
    return f"{local[:2]}…{at}{domain}" if at else (address[:2] + "…" if address else "<>")
