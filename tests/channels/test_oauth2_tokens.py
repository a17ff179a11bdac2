"""OAuth2 tokens against a fake provider on loopback: the code exchange, the private token file,
renewal before expiry (once for concurrent callers), rotation, invalid_grant; the login choice."""

from __future__ import annotations

import json
import logging
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.email.credentials import OAuth2Login, PasswordLogin, login_for
from bot.channels.email.oauth2 import AuthorizationExpired, OAuth2Error, provider_for
from bot.channels.email.oauth2_authorize import CodeRequest, store_tokens
from bot.channels.email.oauth2_tokens import OAuth2Tokens, read_record, token_path
from bot.config import Settings
from bot.errors import ConfigError
from tests.fake_oauth2 import CLIENT_ID, FakeOAuth2Provider

USER = "portal@ministry.example"


@pytest.fixture
def provider() -> Iterator[FakeOAuth2Provider]:
    with FakeOAuth2Provider(USER) as fake:
        yield fake


def settings_for(home: Path, fake: FakeOAuth2Provider, name: str = "google") -> Settings:
    return Settings(
        home=home,
        mail_provider=name,
        oauth2_client_id=CLIENT_ID,
        oauth2_token_url=fake.token_url,
        oauth2_authorize_url=fake.authorize_url,
    )


def authorised(home: Path, fake: FakeOAuth2Provider, expires_in: float = 3600) -> Settings:
    """Settings whose token file holds tokens the fake issued, expiring in `expires_in` s."""
    settings = settings_for(home, fake)
    answer = {**fake.issue(), "expires_in": expires_in}
    store_tokens(token_path(settings), provider_for(settings), USER, answer, time.time())
    return settings


def test_a_code_exchanged_with_its_verifier_is_stored_in_a_private_file(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    import httpx

    settings = settings_for(tmp_path, provider)
    request = CodeRequest(provider_for(settings), "http://127.0.0.1:9", USER)
    redirect = httpx.get(request.url).headers["location"]  # the browser, without following
    answer = request.exchange(request.code_from(redirect))
    record = store_tokens(token_path(settings), provider_for(settings), USER, answer, 1000.0)

    path = tmp_path / "oauth2.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "provider": "google",
        "user": USER,
        "refresh_token": answer["refresh_token"],
        "access_token": answer["access_token"],
        "expires_at": 4600.0,
    }
    assert record.access_token in provider.access_tokens
    assert provider.exchanges == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["oauth2.json", "oauth2.json.lock"]


def test_a_new_authorisation_is_written_under_the_renewals_lock(
    tmp_path: Path, provider: FakeOAuth2Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A running portal renews under oauth2.json.lock: `portal mailbox authorize` writes under
    it too, so a renewal in progress finishes first and cannot overwrite the new tokens."""
    import fcntl
    import os

    from bot.channels.email import oauth2_authorize

    held: list[bool] = []
    write = oauth2_authorize.write_record

    def write_and_try_the_lock(path: Path, record: object) -> None:
        descriptor = os.open(path.with_name("oauth2.json.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:  # another holder of the lock (a renewal) could not take it now
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(descriptor)
        write(path, record)  # type: ignore[arg-type]

    monkeypatch.setattr(oauth2_authorize, "write_record", write_and_try_the_lock)
    settings = settings_for(tmp_path, provider)
    store_tokens(token_path(settings), provider_for(settings), USER, provider.issue(), 1000.0)
    assert held == [True]
    assert read_record(token_path(settings)).user == USER


def test_a_code_with_another_verifier_is_refused(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    import httpx

    settings = settings_for(tmp_path, provider)
    request = CodeRequest(provider_for(settings), "http://127.0.0.1:9", USER)
    code = request.code_from(httpx.get(request.url).headers["location"])
    request.verifier = "not-the-verifier"
    with pytest.raises(AuthorizationExpired):
        request.exchange(code)
    assert provider.exchanges == 0


def test_an_address_from_another_attempt_is_refused(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    request = CodeRequest(provider_for(settings_for(tmp_path, provider)), "http://127.0.0.1:9")
    with pytest.raises(OAuth2Error, match="another attempt"):
        request.code_from("http://127.0.0.1:9/?code=abc&state=other")
    assert request.code_from(f"http://127.0.0.1:9/?code=abc&state={request.state}") == "abc"
    assert request.code_from("  4/0AbCd \n") == "4/0AbCd"


def test_a_current_token_is_used_without_asking_the_provider(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    settings = authorised(tmp_path, provider, expires_in=3600)
    stored = read_record(token_path(settings)).access_token
    assert OAuth2Tokens.for_settings(settings).access_token() == stored
    assert provider.refreshes == 0


@pytest.mark.parametrize("instances", [1, 2], ids=["one-object", "two-processes"])
def test_a_token_near_expiry_is_renewed_once_for_two_concurrent_callers(
    tmp_path: Path, instances: int
) -> None:
    with FakeOAuth2Provider(USER, hold_refresh=1.0) as fake:
        settings = authorised(tmp_path, fake, expires_in=60)  # inside the 5-minute margin
        old = read_record(token_path(settings)).access_token
        callers = [OAuth2Tokens.for_settings(settings) for _ in range(instances)] * (3 - instances)
        start = threading.Barrier(2)
        got: list[str] = []

        def call(tokens: OAuth2Tokens) -> None:
            start.wait()
            got.append(tokens.access_token())

        threads = [threading.Thread(target=call, args=(t,)) for t in callers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert fake.refreshes == 1
        assert not fake.second_refresh.is_set()
        record = read_record(token_path(settings))
        assert got == [record.access_token, record.access_token]
        assert record.access_token != old
        assert record.access_token in fake.access_tokens
        assert record.expires_at > time.time() + 3000


def test_a_rotated_refresh_token_is_kept(tmp_path: Path) -> None:
    with FakeOAuth2Provider(USER, rotate=True) as fake:
        settings = authorised(tmp_path, fake, expires_in=0)
        first = read_record(token_path(settings)).refresh_token
        tokens = OAuth2Tokens.for_settings(settings)
        tokens.access_token()
        second = read_record(token_path(settings)).refresh_token
        assert second != first
        assert fake.refresh_tokens == {second}
        tokens.renew(tokens.access_token())  # a second renewal needs the rotated token
        assert fake.refreshes == 2
        assert stat.S_IMODE(token_path(settings).stat().st_mode) == 0o600


def test_invalid_grant_says_to_authorise_again(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    settings = authorised(tmp_path, provider, expires_in=10)
    provider.revoke_all()
    with pytest.raises(AuthorizationExpired) as raised:
        OAuth2Tokens.for_settings(settings).access_token()
    assert str(raised.value) == (
        "the mail provider no longer accepts the portal's authorisation "
        "(invalid_grant: token revoked); run `portal mailbox authorize` again"
    )
    assert isinstance(raised.value, ConfigError)


def test_a_token_file_others_can_read_is_made_private_with_a_warning(
    tmp_path: Path, provider: FakeOAuth2Provider, caplog: pytest.LogCaptureFixture
) -> None:
    settings = authorised(tmp_path, provider)
    path = token_path(settings)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, "bot.channels.email.oauth2_tokens"):
        assert read_record(path).user == USER
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [r.getMessage() for r in caplog.records] == [
        f"{path} could be read by others (mode 644): made private (0600) again"
    ]


def test_without_a_token_file_the_error_names_the_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="run `portal mailbox authorize`"):
        read_record(tmp_path / "oauth2.json")


# ---- which login ---------------------------------------------------------------------------------
def test_a_password_wins_over_tokens_unless_xoauth2_is_asked(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    settings = authorised(tmp_path, provider)
    imap = "imaps://portal%40ministry.example@imap.example/INBOX"
    assert login_for(imap.replace("@imap", ":s%40cret@imap"), "", settings, setting="X") == (
        PasswordLogin(USER, "s@cret")
    )
    assert login_for(imap, "pw", settings, setting="X") == PasswordLogin(USER, "pw")
    explicit = "imaps://portal%40ministry.example;AUTH=XOAUTH2@imap.gmail.com/INBOX"
    chosen = login_for(explicit, "pw", settings, setting="X")
    assert isinstance(chosen, OAuth2Login)
    assert chosen.user == USER
    by_file = login_for(imap, "", settings, setting="PORTAL_IMAP_URL")
    assert isinstance(by_file, OAuth2Login)
    no_user = login_for("smtp://smtp.gmail.com:587", "", settings, setting="PORTAL_RELAY")
    assert isinstance(no_user, OAuth2Login)
    assert no_user.user == USER  # the token file's


def test_neither_password_nor_tokens_names_the_command(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    with pytest.raises(ConfigError) as raised:
        login_for("imaps://portal@imap.example/INBOX", "", settings, setting="PORTAL_IMAP_URL")
    assert str(raised.value) == (
        "PORTAL_IMAP_URL has no password and the mailbox is not authorised for OAuth2: set "
        "PORTAL_IMAP_PASSWORD (or a password in the URL), or run `portal mailbox authorize`"
    )
    assert login_for("smtp://relay.lan:25", "", settings, setting="PORTAL_RELAY") is None
    google = settings.with_changes(mail_provider="google", oauth2_client_id=CLIENT_ID)
    with pytest.raises(ConfigError, match="no OAuth2 authorisation"):
        login_for("imaps://p;AUTH=XOAUTH2@h/INBOX", "", google, setting="PORTAL_IMAP_URL")


def test_the_providers_addresses_and_what_the_browser_is_sent_to(tmp_path: Path) -> None:
    from urllib.parse import parse_qs, urlsplit

    settings = Settings(
        home=tmp_path, mail_provider="microsoft", oauth2_client_id="app", oauth2_tenant="x.org"
    )
    microsoft = provider_for(settings)
    assert (microsoft.authorize_url, microsoft.token_url, microsoft.device_url) == (
        "https://login.microsoftonline.com/x.org/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/x.org/oauth2/v2.0/token",
        "https://login.microsoftonline.com/x.org/oauth2/v2.0/devicecode",
    )
    request = CodeRequest(microsoft, "http://localhost:8400", USER)
    query = parse_qs(urlsplit(request.url).query)
    assert {name: values[0] for name, values in query.items()} == {
        "response_type": "code",
        "client_id": "app",
        "redirect_uri": "http://localhost:8400",
        "scope": "https://outlook.office.com/IMAP.AccessAsUser.All "
        "https://outlook.office.com/SMTP.Send offline_access",
        "state": request.state,
        "code_challenge": request.challenge,
        "code_challenge_method": "S256",
        "login_hint": USER,
    }
    google = provider_for(settings.with_changes(mail_provider="google"))
    assert (google.authorize_url, google.token_url, google.device_url, google.scope) == (
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        "",
        "https://mail.google.com/",
    )
    google_query = parse_qs(urlsplit(CodeRequest(google, "http://127.0.0.1:1").url).query)
    assert (google_query["access_type"], google_query["prompt"]) == (["offline"], ["consent"])
    with pytest.raises(ConfigError, match="PORTAL_MAIL_PROVIDER=google or"):
        provider_for(settings.with_changes(mail_provider=""))


def test_the_pkce_challenge_is_rfc_7636s() -> None:
    from bot.channels.email.oauth2_authorize import challenge_of

    # RFC 7636, appendix B
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert challenge_of(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
