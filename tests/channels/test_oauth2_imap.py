"""IMAP with XOAUTH2 against a real Dovecot whose oauth2 passdb asks the fake provider whether a
token is active (token introspection)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from bot.channels.email.credentials import OAuth2Login, mailbox_login, try_imap, xoauth2_login
from bot.channels.email.oauth2 import AuthorizationExpired, provider_for
from bot.channels.email.oauth2_authorize import store_tokens
from bot.channels.email.oauth2_tokens import OAuth2Tokens, read_record, token_path
from bot.config import Settings
from tests import imap_server
from tests.fake_oauth2 import CLIENT_ID, FakeOAuth2Provider

USER = "portal@ministry.example"

pytestmark = pytest.mark.skipif(not imap_server.available(), reason=imap_server.NO_DOVECOT)


def oauth2_passdb(folder: Path, introspect_url: str) -> str:
    """Dovecot configuration: XOAUTH2 checked by introspection at the fake provider."""
    conf = folder / "dovecot-oauth2.conf.ext"
    conf.write_text(
        f"introspection_mode = post\n"
        f"introspection_url = {introspect_url}\n"
        "username_attribute = email\n"
        "active_attribute = active\n"
        "active_value = true\n"
        "force_introspection = yes\n"
    )
    return (
        "auth_mechanisms = plain login xoauth2 oauthbearer\n"
        "auth_failure_delay = 0\n"  # refusals at once: the tests wait for nothing
        "passdb {\n"
        "  driver = oauth2\n"
        "  mechanisms = xoauth2 oauthbearer\n"
        f"  args = {conf}\n"
        "}\n"
    )


@pytest.fixture
def provider() -> Iterator[FakeOAuth2Provider]:
    with FakeOAuth2Provider(USER) as fake:
        yield fake


@pytest.fixture
def dovecot(tmp_path: Path, provider: FakeOAuth2Provider) -> Iterator[imap_server.Dovecot]:
    extra = oauth2_passdb(tmp_path, provider.introspect_url)
    server = imap_server.Dovecot({USER: "not-used-here"}, extra=extra).start()
    try:
        yield server
    finally:
        server.stop()


def authorised(home: Path, fake: FakeOAuth2Provider, imap_url: str = "") -> Settings:
    settings = Settings(
        home=home / "home",
        imap_url=imap_url,
        mail_provider="google",
        oauth2_client_id=CLIENT_ID,
        oauth2_token_url=fake.token_url,
    )
    store_tokens(token_path(settings), provider_for(settings), USER, fake.issue(), time.time())
    return settings


def client_of(dovecot: imap_server.Dovecot) -> IMAPClient:
    return IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)


def test_a_current_token_logs_in(
    tmp_path: Path, provider: FakeOAuth2Provider, dovecot: imap_server.Dovecot
) -> None:
    dovecot.deliver(USER, b"Subject: hello\r\n\r\nbody\r\n")
    tokens = OAuth2Tokens.for_settings(authorised(tmp_path, provider))
    client = client_of(dovecot)
    xoauth2_login(client, USER, tokens)
    assert client.select_folder("INBOX")[b"EXISTS"] == 1
    client.logout()
    assert provider.refreshes == 0


def test_a_token_revoked_before_its_time_is_renewed_once(
    tmp_path: Path, provider: FakeOAuth2Provider, dovecot: imap_server.Dovecot
) -> None:
    settings = authorised(tmp_path, provider)
    revoked = read_record(token_path(settings)).access_token
    provider.revoke_access()
    client = client_of(dovecot)
    xoauth2_login(client, USER, OAuth2Tokens.for_settings(settings))
    assert client.select_folder("INBOX")[b"EXISTS"] == 0
    client.logout()
    assert provider.refreshes == 1
    assert read_record(token_path(settings)).access_token not in ("", revoked)


def test_a_revoked_token_is_refused(
    tmp_path: Path, provider: FakeOAuth2Provider, dovecot: imap_server.Dovecot
) -> None:
    settings = authorised(tmp_path, provider)
    token = read_record(token_path(settings)).access_token
    provider.revoke_access()
    client = client_of(dovecot)
    with pytest.raises(LoginError):
        client.oauth2_login(USER, token)
    provider.revoke_all()
    with pytest.raises(AuthorizationExpired, match="run `portal mailbox authorize` again"):
        xoauth2_login(client, USER, OAuth2Tokens.for_settings(settings))
    client.shutdown()


def test_the_mailbox_url_without_a_password_logs_in_with_the_tokens(
    tmp_path: Path, provider: FakeOAuth2Provider, dovecot: imap_server.Dovecot
) -> None:
    settings = authorised(tmp_path, provider, dovecot.url(USER, password=False))
    login = mailbox_login(settings)
    assert isinstance(login, OAuth2Login)
    try_imap(settings.imap_url, login)  # raises when refused
    provider.revoke_all()
    with pytest.raises(AuthorizationExpired):
        try_imap(settings.imap_url, login)
