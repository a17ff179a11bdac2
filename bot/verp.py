"""Envelope senders of our own mail (VERP): bounce+<outbox id>-<mac>@DOMAIN, signed so that a
bounce names the mail it answers and cannot be forged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

LOCAL = "bounce"  # the local part's prefix; bot.addresses may give another (portal+bounce-…)
SEPARATOR = "+"
_TAG = re.compile(r"^(\d{1,12})-([a-z2-7]{12})$")


def _mac(key: bytes, outbox_id: int) -> str:
    digest = hmac.new(key, f"verp:{outbox_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:12]


def parts(domain: str, address: str = "", address_separator: str = "+") -> tuple[str, str, str]:
    """(local, separator, domain) of our bounce addresses: bounce+…@DOMAIN, or, running from a
    mailbox with its own address (portal@ministry.example), portal+bounce-…@ministry.example."""
    if address:
        mailbox, _, mailbox_domain = address.rpartition("@")
        return f"{mailbox}{address_separator}{LOCAL}", "-", mailbox_domain
    return LOCAL, SEPARATOR, domain


def is_mailbox_tag(suffix: str) -> bool:
    """Whether `suffix` (what follows portal+ in mailbox mode) has the shape of our bounce
    address's `bounce-<outbox id>-<mac>`, signed or not."""
    found, dash, rest = suffix.lower().partition("-")
    return found == LOCAL and bool(dash) and _TAG.match(rest) is not None


def tag(key: bytes, outbox_id: int) -> str:
    """What follows the separator: `<outbox id>-<mac>`, lower case (mail systems fold case)."""
    return f"{outbox_id}-{_mac(key, outbox_id)}"


def bounce_address(
    key: bytes, outbox_id: int, *, domain: str, local: str = LOCAL, separator: str = SEPARATOR
) -> str:
    """The envelope sender of outbox item `outbox_id`: `{local}{separator}{tag}@{domain}`."""
    return f"{local}{separator}{tag(key, outbox_id)}@{domain}"


def outbox_id_of(
    key: bytes, address: str, *, domain: str, local: str = LOCAL, separator: str = SEPARATOR
) -> int | None:
    """The outbox item a bounce address names, when it is one of ours and its MAC is right;
    None for any other address (a forged or altered one included)."""
    found_local, at, found_domain = address.strip().strip("<>").rpartition("@")
    prefix = f"{local}{separator}".lower()
    if not at or found_domain.lower() != domain.lower():
        return None
    if not found_local.lower().startswith(prefix):
        return None
    shape = _TAG.match(found_local[len(prefix) :].lower())
    if shape is None:
        return None
    outbox_id = int(shape[1])
    return outbox_id if hmac.compare_digest(shape[2], _mac(key, outbox_id)) else None


def looks_like_bounce_address(
    address: str, *, domain: str, local: str = LOCAL, separator: str = SEPARATOR
) -> bool:
    """Addressed to our bounce address (signed or not): never read as a person's message."""
    found_local, at, found_domain = address.strip().strip("<>").rpartition("@")
    return (
        bool(at)
        and found_domain.lower() == domain.lower()
        and found_local.lower().startswith(f"{local}{separator}".lower())
    )
