"""What the portal shows of its secrets: `***` for a secret, a URL without its password."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# The settings that hold a secret whole; any later one named like them is masked too.
SECRET_SETTINGS = frozenset(
    {"secret_key", "telegram_token", "imap_password", "relay_password", "oauth2_client_secret"}
)
_SECRET_ENDINGS = ("_password", "_secret", "_token", "_key")

_PASSWORD_IN_URL = re.compile(r"(?P<head>//[^/:@?#\s]*):[^\s]*@")
_PASSWORD_IN_QUERY = re.compile(r"((?:^|&)password=)[^&]*", re.IGNORECASE)


def is_secret(name: str) -> bool:
    """Whether the setting `name` holds a secret (a password, a token, a key)."""
    return name in SECRET_SETTINGS or name.endswith(_SECRET_ENDINGS)


def url_without_password(url: str) -> str:
    """The URL with its password, if it has one, replaced by `***`:
    smtp://portal:***@smtp.example:587. Text that is no URL comes back as it is."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # a broken URL still loses anything that looks like a password
        return _PASSWORD_IN_URL.sub(rf"\g<head>:{MASK}@", url)
    if password is None and not _PASSWORD_IN_QUERY.search(parts.query):
        return url  # as it was written (urlunsplit would drop sqlite:////'s empty host)
    if password is not None:
        user_info, _, host = parts.netloc.rpartition("@")
        user = user_info.split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:{MASK}@{host}")
    if _PASSWORD_IN_QUERY.search(parts.query):  # postgresql://db/portal?password=…
        parts = parts._replace(query=_PASSWORD_IN_QUERY.sub(rf"\g<1>{MASK}", parts.query))
    return urlunsplit(parts)


def shown(name: str, value: object) -> object:
    """A setting's value as it may be printed or logged."""
    if is_secret(name) and value:
        return MASK
    if isinstance(value, str) and "://" in value:
        return url_without_password(value)
    return value


def password_in(url: str) -> str:
    """The password a URL carries (in its user part, or as ?password=), or ""."""
    try:
        parts = urlsplit(url)
        in_query = _PASSWORD_IN_QUERY.search(parts.query)
        return parts.password or (in_query.group(0).split("=", 1)[1] if in_query else "")
    except ValueError:
        return ""


def masked(text: str, secrets: Iterable[str]) -> str:
    """The text with each secret in it written `***` (longest first, so that a secret holding
    another is masked whole)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class MaskingFormatter(logging.Formatter):
    """A log formatter that writes `***` wherever one of the given secrets would appear, in the
    message, its arguments and a traceback alike (a library logging a URL with a token in it)."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return masked(super().format(record), self.secrets)
