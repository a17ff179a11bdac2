"""The portal's own addresses: where it is written to, its reply addresses, what is "ours".

Two modes, from the settings:

* the portal owns a domain (PORTAL_ADDRESS empty, as behind its own MX): it is written to at
  submit@DOMAIN, its replies come back to reply+TOKEN@DOMAIN, and every address at DOMAIN is
  ours;
* the portal runs from an existing mailbox (PORTAL_ADDRESS=portal@ministry.example, read over
  IMAP, a domain shared with people): it is written to at that one address, its replies come back
  to portal+TOKEN@ministry.example (PORTAL_ADDRESS_SEPARATOR, "+" by default: Google and
  Microsoft 365 deliver such addresses to the same mailbox), and only that address and its
  separator forms are ours: a colleague at ministry.example is somebody else.

Tokens (bot.tokens.SHAPE) hold "-" themselves: a token is what follows the known prefix
(`portal` and the separator), never what follows the first or last separator, so "-" as the
separator reads back unambiguously. A separator form is ours only when what follows the prefix
has the shape of a token or of our bounce address's tag (bot.verp): portal-team@ is a colleague.
Local parts and domains are compared without case.

Outgoing Message-IDs use PORTAL_DOMAIN when it is set (anything but "localhost"), else, in
mailbox mode, the address's domain; in mailbox mode they also carry a mark of ours in their left
part, since people at that domain write Message-IDs at it too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from bot import tokens, verp

if TYPE_CHECKING:
    from bot.config import Settings

UNSET_DOMAIN = "localhost"  # Settings.domain's default: PORTAL_DOMAIN not set
_MARK = "portal"  # the end of the left part of our Message-IDs in mailbox mode
_OUR_ID = re.compile(r"^(?:digest\.\d+\.)?[0-9a-f]{12,32}\." + _MARK + "$")


@dataclass(frozen=True)
class Addresses:
    """What the settings say about the portal's addresses; build one with `of(settings)`."""

    domain: str  # PORTAL_DOMAIN, lower case
    address: str = ""  # PORTAL_ADDRESS, lower case; empty: the portal owns `domain`
    separator: str = "+"

    @property
    def mailbox(self) -> bool:
        return bool(self.address)

    @property
    def local(self) -> str:
        return self.address.rpartition("@")[0]

    @property
    def address_domain(self) -> str:
        return self.address.rpartition("@")[2]

    @property
    def submit(self) -> str:
        """Where people write to: PORTAL_ADDRESS, else submit@DOMAIN."""
        return self.address or f"submit@{self.domain}"

    # ---- reply addresses ----------------------------------------------------------------------
    def reply(self, token: str) -> str:
        """The address a reply carrying `token` comes back to."""
        if self.mailbox:
            return f"{self.local}{self.separator}{token}@{self.address_domain}"
        return f"reply+{token}@{self.domain}"

    def token_in(self, recipients: Iterable[str]) -> str | None:
        """The token of the first recipient that is one of our reply addresses, if any."""
        for recipient in recipients:
            token = self._token_of(recipient)
            if token:
                return token
        return None

    def _token_of(self, recipient: str) -> str | None:
        local, _, domain = recipient.strip().lower().rpartition("@")
        if self.mailbox and domain == self.address_domain:
            suffix = self._suffix_of(local)
            if suffix is not None and tokens.SHAPE.match(suffix):
                return suffix
        legacy = domain == self.domain and (not self.mailbox or self.domain_is_set)
        if legacy and local.startswith("reply+"):
            return local[len("reply+") :] or None
        return None

    # ---- who is us ----------------------------------------------------------------------------
    def is_ours(self, address: str) -> bool:
        """An address of the portal itself: its whole domain, or (in mailbox mode) its address
        and that address's separator forms."""
        local, _, domain = address.strip().lower().rpartition("@")
        if not domain or not local:
            return False
        if not self.mailbox:
            return domain == self.domain
        if domain != self.address_domain:
            return False
        if local == self.local:
            return True
        suffix = self._suffix_of(local)
        return suffix is not None and bool(
            tokens.SHAPE.match(suffix) or verp.is_mailbox_tag(suffix)
        )

    def _suffix_of(self, local: str) -> str | None:
        """What follows `portal` and the separator in a local part (lower case), if it has them."""
        prefix = self.local + self.separator
        return local[len(prefix) :] if local.startswith(prefix) else None

    def accepted_by_smtp(self, recipient: str) -> bool:
        """What the SMTP listener takes beyond submit@DOMAIN and reply+…@DOMAIN: PORTAL_ADDRESS
        and its separator forms, when that address is at PORTAL_DOMAIN."""
        return (
            self.mailbox and self.address_domain == self.domain and self.is_ours(recipient.strip())
        )

    # ---- Message-IDs --------------------------------------------------------------------------
    @property
    def domain_is_set(self) -> bool:
        return self.domain != UNSET_DOMAIN

    @property
    def message_domain(self) -> str:
        if self.mailbox and not self.domain_is_set:
            return self.address_domain
        return self.domain

    def message_id(self, prefix: str = "", length: int = 32) -> str:
        """A new Message-ID for a mail the portal sends (`prefix` such as "digest.12.")."""
        left = f"{prefix}{uuid.uuid4().hex[:length]}"
        if self.mailbox:
            left += "." + _MARK
        return f"<{left}@{self.message_domain}>"

    def wrote(self, message_id: str) -> bool:
        """Whether a Message-ID (of References, In-Reply-To) is one the portal gave."""
        left, _, domain = message_id.strip().strip("<>").lower().rpartition("@")
        if domain != self.message_domain:
            return False
        return not self.mailbox or bool(_OUR_ID.match(left))


def of(settings: Settings) -> Addresses:
    return Addresses(
        domain=settings.domain.strip().lower(),
        address=own_address(settings),
        separator=settings.address_separator,
    )


def own_address(settings: Settings) -> str:
    """PORTAL_ADDRESS; when unset, the login of PORTAL_IMAP_URL if that is an address: the
    portal read from a mailbox is written to at that mailbox's address (a shared mailbox,
    logged in to as somebody else, sets PORTAL_ADDRESS)."""
    if settings.address.strip():
        return settings.address.strip().lower()
    if not settings.imap_url.strip():
        return ""
    login = unquote(urlsplit(settings.imap_url.strip()).username or "").partition(";")[0]
    return login.lower() if check_address(login, settings.address_separator) is None else ""


def check_address(address: str, separator: str) -> str | None:
    """Why PORTAL_ADDRESS cannot be the portal's address, or None when it can."""
    value = address.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or "." not in domain:
        return f"PORTAL_ADDRESS must be one address, such as portal@ministry.example: {address!r}"
    if re.search(r"[\s,;<>()\"'@\[\]:\\]", local + domain) or ".." in value:
        return (
            "PORTAL_ADDRESS must be one bare address, without a name or a second address "
            f"(portal@ministry.example): {address!r}"
        )
    if separator in local:
        return (
            f"PORTAL_ADDRESS {address!r} holds the separator {separator!r} itself: mail servers "
            "cut the address at its first separator, so replies would reach another mailbox"
        )
    return None
