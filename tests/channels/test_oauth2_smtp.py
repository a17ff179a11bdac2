"""The relay with XOAUTH2 (or a password): a real aiosmtpd server on loopback checks the token it
is given against the fake provider."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.channels.email.oauth2 import provider_for
from bot.channels.email.oauth2_authorize import store_tokens
from bot.channels.email.oauth2_tokens import read_record, token_path
from bot.channels.email.sending import RelaySender
from bot.config import Settings
from bot.errors import ConfigError, DeliveryError
from bot.runner import delivery_service, parts_for
from store.base import utcnow
from store.outbox import OutboxItem
from tests.fake_oauth2 import CLIENT_ID, FakeOAuth2Provider
from tests.harness import free_port

USER = "portal@ministry.example"


class SubmissionServer:
    """The provider's submission port: AUTH XOAUTH2 with a token the provider says is active,
    or AUTH PLAIN/LOGIN with a password; it keeps each login and each message."""

    def __init__(self, provider: FakeOAuth2Provider, password: str = "") -> None:
        self.provider = provider
        self.password = password
        self.logins: list[tuple[str, str]] = []  # (mechanism, token or password)
        self.messages: list[tuple[Any, EmailMessage]] = []
        self.port = free_port()
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            auth_require_tls=False,  # loopback: no certificate here
            authenticator=self.check_password,
        )

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:  # noqa: N802
        fields = base64.b64decode(args[1]).decode().split("\x01")
        user = fields[0].removeprefix("user=")
        token = fields[1].removeprefix("auth=Bearer ")
        self.logins.append(("XOAUTH2", token))
        if user == self.provider.user and token in self.provider.access_tokens:
            return AuthResult(success=True, auth_data=(user, token))
        return AuthResult(success=False, handled=False)

    def check_password(self, server: SMTP, session: Session, envelope: Envelope, *args: Any):  # type: ignore[no-untyped-def]
        mechanism, data = args[0], args[1]
        assert isinstance(data, LoginPassword)
        self.logins.append((mechanism, data.password.decode()))
        ok = data.login.decode() == USER and data.password.decode() == self.password
        return AuthResult(success=ok, auth_data=data.login.decode() if ok else None)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((session.auth_data, message))
        return "250 OK"

    def __enter__(self) -> SubmissionServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@pytest.fixture
def provider() -> Iterator[FakeOAuth2Provider]:
    with FakeOAuth2Provider(USER) as fake:
        yield fake


def authorised(home: Path, fake: FakeOAuth2Provider, relay: str, **more: Any) -> Settings:
    settings = Settings(
        home=home,
        relay=relay,
        mail_provider="microsoft",
        oauth2_client_id=CLIENT_ID,
        oauth2_token_url=fake.token_url,
        **more,
    )
    store_tokens(token_path(settings), provider_for(settings), USER, fake.issue(), time.time())
    return settings


def outgoing() -> tuple[OutboxItem, EmailMessage]:
    item = OutboxItem(
        id=7,
        channel="email",
        recipient="vong@nra.example",
        kind="receipt",
        subject="Received",
        body="Thank you.\n",
        headers={},
        message_id="<m7@portal.test>",
        created_at=utcnow(),
    )
    message = EmailMessage()
    message["From"] = USER
    message["To"] = "vong@nra.example"
    message["Subject"] = "Received"
    message["Message-ID"] = item.message_id
    message.set_content("Thank you.\n")
    return item, message


async def test_the_relay_gets_the_current_token_through_xoauth2(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    with SubmissionServer(provider) as server:
        relay_url = f"smtp://portal%40ministry.example@127.0.0.1:{server.port}"
        settings = authorised(tmp_path, provider, relay_url)
        await RelaySender.for_settings(settings).send(*outgoing())
    current = read_record(token_path(settings)).access_token
    assert server.logins == [("XOAUTH2", current)]
    assert [(auth, m["Message-ID"]) for auth, m in server.messages] == [
        ((USER, current), "<m7@portal.test>")
    ]
    assert provider.refreshes == 0


async def test_a_token_the_relay_refuses_is_renewed_once(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    with SubmissionServer(provider) as server:
        relay_url = f"smtp://portal%40ministry.example;AUTH=XOAUTH2@127.0.0.1:{server.port}"
        settings = authorised(tmp_path, provider, relay_url)
        revoked = read_record(token_path(settings)).access_token
        provider.revoke_access()  # revoked before its time: the file does not know
        await RelaySender.for_settings(settings).send(*outgoing())
    renewed = read_record(token_path(settings)).access_token
    assert server.logins == [("XOAUTH2", revoked), ("XOAUTH2", renewed)]
    assert [auth for auth, _ in server.messages] == [(USER, renewed)]
    assert provider.refreshes == 1


async def test_a_withdrawn_authorisation_keeps_the_mail_for_a_retry(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    with SubmissionServer(provider) as server:
        settings = authorised(tmp_path, provider, f"smtp://127.0.0.1:{server.port}")
        provider.revoke_all()
        with pytest.raises(DeliveryError, match="run `portal mailbox authorize` again"):
            await RelaySender.for_settings(settings).send(*outgoing())
    assert server.messages == []


async def test_a_relay_password_is_used_when_set(
    tmp_path: Path, provider: FakeOAuth2Provider
) -> None:
    with SubmissionServer(provider, password="s3cret") as server:
        relay_url = f"smtp://portal%40ministry.example@127.0.0.1:{server.port}"
        settings = Settings(home=tmp_path, relay=relay_url, relay_password="s3cret")
        await RelaySender.for_settings(settings).send(*outgoing())
    assert [password for _, password in server.logins] == ["s3cret"]
    assert [auth for auth, _ in server.messages] == [USER]


def test_a_relay_the_portal_cannot_log_in_to_stops_portal_run_at_once(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, relay="smtp://portal%40ministry.example@smtp.gmail.com:587")
    with pytest.raises(ConfigError) as raised:
        parts_for(settings)
    assert str(raised.value) == (
        "PORTAL_RELAY has no password and the mailbox is not authorised for OAuth2: set "
        "PORTAL_RELAY_PASSWORD (or a password in the URL), or run `portal mailbox authorize`"
    )
    assert parts_for(settings.with_changes(relay_password="s3cret"))["delivery"] == [
        delivery_service
    ]
