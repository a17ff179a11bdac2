"""Reply tokens: HMAC-signed, bound to a recipient and to what it answers (bot.addresses).

A token reads `{kind}{id}-{expiry}-{recipient mark}-{signature}`, all lower case (mail systems may
fold the case of local parts). Kinds: `r` a record, `g` a registration request, `i` an inbox item
(a reply to an answer that created nothing yet), `s` a subscription waiting for its confirmation,
`d` a digest (a reply to it, or the List-Unsubscribe mailto, unsubscribes), `c` a focal point's copy
of a call for information, `f` an answer to a call forwarded from another address, waiting for the
focal point's confirmation. The recipient mark lets us tell a forwarded token from an altered one;
the signature covers everything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import addresses

KINDS = {
    "r": "record",
    "g": "registration",
    "i": "inbox_item",
    "s": "subscription",
    "d": "digest",
    "c": "call",
    "f": "forwarded_answer",
}
LIFETIME = {
    "r": timedelta(days=365),
    "g": timedelta(days=60),
    "i": timedelta(days=60),
    "s": timedelta(days=30),
    "d": timedelta(days=365),
    "c": timedelta(days=365),
    "f": timedelta(days=30),
}
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
SHAPE = re.compile(r"^([rgisdcf])(\d{1,12})-([0-9a-z]{1,8})-([a-z2-7]{6})-([a-z2-7]{16})$")


@dataclass(frozen=True)
class Token:
    kind: str  # "r" | "g" | "i"
    id: int


@dataclass(frozen=True)
class TokenCheck:
    """What a reply address told us: the token, or why it is refused."""

    token: Token | None  # set when genuine (also when forwarded: check `problem` first)
    problem: str | None = None  # "altered" | "expired" | "forwarded"


def _mac(key: bytes, text: str, length: int) -> str:
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
    # Base32 writes every 5 bytes as 8 letters on their own: only the bytes of the first
    # `length` letters are encoded (a digest run signs two per recipient).
    return base64.b32encode(digest[: -(-length // 8) * 5]).decode().lower()[:length]


def _days(moment: datetime) -> int:
    return (moment - EPOCH).days


def make(key: bytes, kind: str, object_id: int, recipient: str, now: datetime) -> str:
    expiry = format(_days(now + LIFETIME[kind]), "x")
    mark = _mac(key, "to:" + recipient.strip().lower(), 6)
    body = f"{kind}{object_id}-{expiry}-{mark}"
    return f"{body}-{_mac(key, body, 16)}"


def reply_address(
    key: bytes, domain: str, kind: str, object_id: int, recipient: str, now: datetime
) -> str:
    """reply+TOKEN@domain, the address of a portal that owns `domain` (bot.addresses knows the
    mailbox mode's portal+TOKEN@…)."""
    return addresses.Addresses(domain.lower()).reply(make(key, kind, object_id, recipient, now))


def check(key: bytes, token: str, sender: str, now: datetime) -> TokenCheck:
    """Verify a token against the address that used it."""
    shape = SHAPE.match(token.strip().lower())
    if shape is None:
        return TokenCheck(None, "altered")
    kind, object_id, expiry, mark, signature = shape.groups()
    body = f"{kind}{object_id}-{expiry}-{mark}"
    if not hmac.compare_digest(signature, _mac(key, body, 16)):
        return TokenCheck(None, "altered")
    if _days(now) > int(expiry, 16):
        return TokenCheck(None, "expired")
    if not hmac.compare_digest(mark, _mac(key, "to:" + sender.strip().lower(), 6)):
        # genuine, but used by someone else: say what it was for, so a call can ask its owner
        return TokenCheck(Token(kind, int(object_id)), "forwarded")
    return TokenCheck(Token(kind, int(object_id)))


def from_recipients(recipients: tuple[str, ...], domain: str) -> str | None:
    """The token in the first reply+TOKEN@DOMAIN recipient, if any (bot.addresses.token_in
    for the mailbox mode too)."""
    return addresses.Addresses(domain.lower()).token_in(recipients)
