"""How the portal logs in to its mailbox (IMAP) and its relay (SMTP): a password or XOAUTH2.

The choice, for PORTAL_IMAP_URL and PORTAL_RELAY alike:

* `;AUTH=XOAUTH2` after the user (RFC 5092: `imaps://portal%40x.org;AUTH=XOAUTH2@imap.gmail.com`)
  asks for OAuth2 whatever else is set;
* else a password, in the URL or in PORTAL_IMAP_PASSWORD / PORTAL_RELAY_PASSWORD, is used;
* else, when `portal mailbox authorize` stored tokens (PORTAL_HOME/oauth2.json), OAuth2;
* else IMAP cannot log in (a ConfigError naming the command to run), and a relay URL without a
  user is used without logging in (a relay on the same network), as before.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiosmtplib
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from bot.channels.email.oauth2 import AUTHORIZE_COMMAND
from bot.channels.email.oauth2_tokens import OAuth2Tokens, token_path
from bot.config import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)

XOAUTH2 = "XOAUTH2"


@dataclass(frozen=True)
class PasswordLogin:
    user: str
    password: str


@dataclass(frozen=True)
class OAuth2Login:
    user: str
    tokens: OAuth2Tokens


Login = PasswordLogin | OAuth2Login


def user_and_mechanism(url: str) -> tuple[str, str]:
    """The URL's user (unquoted) and its `;AUTH=` mechanism, upper-case ("" when none)."""
    raw = urlsplit(url).username or ""
    user, _, auth = raw.partition(";")
    mechanism = ""
    if auth.upper().startswith("AUTH="):
        mechanism = unquote(auth[5:]).upper()
    return unquote(user), mechanism


def login_for(url: str, password: str, settings: Settings, *, setting: str) -> Login | None:
    """How to log in to the server of `url` (PORTAL_IMAP_URL or PORTAL_RELAY, named by `setting`);
    None: without logging in. `password` is the *_PASSWORD setting."""
    user, mechanism = user_and_mechanism(url)
    in_url = urlsplit(url).password
    secret = unquote(in_url) if in_url is not None else password
    if mechanism not in ("", XOAUTH2, "*"):
        raise ConfigError(f"{setting}: ;AUTH={mechanism} is not supported (only XOAUTH2)")
    if mechanism != XOAUTH2 and secret:
        if not user:
            raise ConfigError(f"{setting} has a password but no user")
        return PasswordLogin(user, secret)
    path = token_path(settings)
    if mechanism == XOAUTH2 or path.exists():
        tokens = OAuth2Tokens.for_settings(settings)
        stored_for = tokens.user  # reads the file: a missing or broken one is said now
        return OAuth2Login(user or stored_for, tokens)
    if setting == "PORTAL_RELAY" and not user:
        return None
    raise ConfigError(
        f"{setting} has no password and the mailbox is not authorised for OAuth2: set "
        f"{setting.replace('_URL', '')}_PASSWORD (or a password in the URL), or run "
        f"`{AUTHORIZE_COMMAND}`"
    )


def mailbox_login(settings: Settings) -> Login:
    """How to log in to the mailbox of PORTAL_IMAP_URL."""
    login = login_for(
        settings.imap_url, settings.imap_password, settings, setting="PORTAL_IMAP_URL"
    )
    if login is None:  # login_for lets only a relay go without logging in
        raise ConfigError("PORTAL_IMAP_URL: no way to log in")
    return login


# ---- IMAP --------------------------------------------------------------------------------------
def xoauth2_login(client: IMAPClient, user: str, tokens: OAuth2Tokens) -> None:
    """AUTHENTICATE XOAUTH2 with a current access token. When the server refuses a token that
    had not expired (revoked early), the token is renewed and tried once more; a second refusal
    raises IMAPClient's LoginError, a refused renewal AuthorizationExpired."""
    token = tokens.access_token()
    try:
        client.oauth2_login(user, token)
    except LoginError as exc:
        log.warning("IMAP refused the OAuth2 token of %s (%s): renewing it", user, exc)
        client.oauth2_login(user, tokens.renew(token))


def imap_login(client: IMAPClient, login: Login) -> None:
    """Log in with a password or XOAUTH2."""
    if isinstance(login, OAuth2Login):
        xoauth2_login(client, login.user, login.tokens)
    else:
        client.login(login.user, login.password)


def try_imap(url: str, login: Login, timeout: float = 30.0) -> None:
    """Connect to the mailbox of PORTAL_IMAP_URL and log in (then out): raises what failed."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ConfigError(f"PORTAL_IMAP_URL must look like imaps://user@host/INBOX, not {url!r}")
    secure = parts.scheme == "imaps"
    client = IMAPClient(
        parts.hostname, port=parts.port or (993 if secure else 143), ssl=secure, timeout=timeout
    )
    try:
        imap_login(client, login)
    finally:
        with contextlib.suppress(Exception):
            client.logout()


# ---- SMTP --------------------------------------------------------------------------------------
def xoauth2_string(user: str, token: str) -> bytes:
    """The XOAUTH2 initial response, base64-encoded."""
    return base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode())


async def smtp_xoauth2(smtp: aiosmtplib.SMTP, user: str, token: str) -> None:
    """AUTH XOAUTH2 on a connected client; a refusal raises SMTPAuthenticationError."""
    response = await smtp.execute_command(b"AUTH", XOAUTH2.encode(), xoauth2_string(user, token))
    if response.code == 334:  # the server's error details: an empty line ends the exchange
        response = await smtp.execute_command(b"")
    if response.code != 235:
        raise aiosmtplib.SMTPAuthenticationError(response.code, response.message)


async def smtp_login(smtp: aiosmtplib.SMTP, login: Login) -> None:
    """Log in to the relay with a password or XOAUTH2 (renewing a refused token once)."""
    if isinstance(login, PasswordLogin):
        await smtp.login(login.user, login.password)
        return
    token = await asyncio.to_thread(login.tokens.access_token)
    try:
        await smtp_xoauth2(smtp, login.user, token)
    except aiosmtplib.SMTPAuthenticationError as exc:
        log.warning("the relay refused the OAuth2 token of %s (%s): renewing it", login.user, exc)
        token = await asyncio.to_thread(login.tokens.renew, token)
        await smtp_xoauth2(smtp, login.user, token)
