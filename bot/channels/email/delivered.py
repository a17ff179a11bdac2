"""The envelope of a message taken from a mailbox, read off the headers its delivery wrote."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.utils import getaddresses

from bot.channels.email.smtp import MAX_PATH
from bot.channels.email.smtp import _message_id as message_id_of

RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_NOT_IN_AN_ADDRESS = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\ud800-\udfff<>]")


def envelope_of(raw: bytes, max_recipients: int) -> tuple[str, list[str], str | None]:
    """(sender, recipients, Message-ID) as SMTP would have given them. The sender is the
    Return-Path (empty for a bounce's <>), else the From address; the recipients are every
    address of the headers above, once each, at most `max_recipients`."""
    end = _HEADER_END.search(raw)
    headers = message_from_bytes(raw[: end.end() if end else len(raw)], policy=policy.compat32)
    return_path = headers.get_all("Return-Path") or []
    if return_path:
        sender = _address(str(return_path[0]))
    else:
        sender = _address(", ".join(str(v) for v in headers.get_all("From") or []))
    recipients: list[str] = []
    seen: set[str] = set()
    for name in RECIPIENT_HEADERS:
        values = [str(value) for value in headers.get_all(name) or []]
        for _, address in getaddresses(values):
            if _usable(address) and address.lower() not in seen:
                seen.add(address.lower())
                recipients.append(address)
    return sender, recipients[:max_recipients], message_id_of(raw)


def _address(value: str) -> str:
    found = [address for _, address in getaddresses([value]) if _usable(address)]
    return found[0] if found else ""


def _usable(address: str) -> bool:
    return "@" in address and len(address) <= MAX_PATH and not _NOT_IN_AN_ADDRESS.search(address)
