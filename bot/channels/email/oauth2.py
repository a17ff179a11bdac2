"""OAuth2 with the mail provider: its endpoints and scopes, and the requests to its token endpoint.

    ConfigError
    └── OAuth2Error            the provider refused a request (its error and description)
        └── AuthorizationExpired   invalid_grant: the operator must authorise again
    DeliveryError
    └── TokenEndpointUnreachable   the token endpoint could not be asked; try again later

The token file and keeping the access token current are in oauth2_tokens.py; the operator's
authorisation (browser or device code) in oauth2_authorize.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot.config import Settings
from bot.errors import ConfigError, DeliveryError

log = logging.getLogger(__name__)

AUTHORIZE_COMMAND = "portal mailbox authorize"

GOOGLE_AUTHORIZE = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN = "https://oauth2.googleapis.com/token"
GOOGLE_SCOPES = ("https://mail.google.com/",)
MICROSOFT_BASE = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/"
MICROSOFT_SCOPES = (
    "https://outlook.office.com/IMAP.AccessAsUser.All",
    "https://outlook.office.com/SMTP.Send",
    "offline_access",
)
TIMEOUT = 30.0  # seconds for one request to the token endpoint


class OAuth2Error(ConfigError):
    """The provider refused a token request."""

    def __init__(self, message: str, error: str = "") -> None:
        super().__init__(message)
        self.error = error


class AuthorizationExpired(OAuth2Error):
    """The refresh token is no longer accepted (revoked, expired, password changed)."""


class TokenEndpointUnreachable(DeliveryError):
    """The token endpoint did not answer, or answered something that is not OAuth2."""


@dataclass(frozen=True)
class Provider:
    """Where and how to ask one provider for tokens, with the application registered there."""

    name: str  # google | microsoft
    authorize_url: str
    token_url: str
    device_url: str  # "" when the provider has no device flow for mail
    scopes: tuple[str, ...]
    client_id: str
    client_secret: str = ""

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)

    def client_form(self) -> dict[str, str]:
        """The client's identity in a token request (a desktop app's secret is not secret, but
        Google asks for it)."""
        form = {"client_id": self.client_id}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        return form


def provider_for(settings: Settings) -> Provider:
    """The provider of PORTAL_MAIL_PROVIDER, its endpoints replaced by PORTAL_OAUTH2_*_URL."""
    name = settings.mail_provider.strip().lower()
    scopes: tuple[str, ...]
    if name == "google":
        authorize, token, device, scopes = GOOGLE_AUTHORIZE, GOOGLE_TOKEN, "", GOOGLE_SCOPES
    elif name == "microsoft":
        base = MICROSOFT_BASE.format(tenant=settings.oauth2_tenant or "organizations")
        authorize, token, device = base + "authorize", base + "token", base + "devicecode"
        scopes = MICROSOFT_SCOPES
    else:
        raise ConfigError(
            "OAuth2 needs PORTAL_MAIL_PROVIDER=google or PORTAL_MAIL_PROVIDER=microsoft "
            f"(not {settings.mail_provider!r})"
        )
    if not settings.oauth2_client_id:
        raise ConfigError(
            "OAuth2 needs PORTAL_OAUTH2_CLIENT_ID: the application registered with "
            f"{name.title()} (see the README, 'Run it from your existing mailbox')"
        )
    if settings.oauth2_token_url:
        token = settings.oauth2_token_url
        if device:  # the device endpoint sits beside the token endpoint
            device = token.rsplit("/", 1)[0] + "/devicecode"
    return Provider(
        name=name,
        authorize_url=settings.oauth2_authorize_url or authorize,
        token_url=token,
        device_url=device,
        scopes=scopes,
        client_id=settings.oauth2_client_id,
        client_secret=settings.oauth2_client_secret,
    )


def post_form(url: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """POST a form to an OAuth2 endpoint: its status and its JSON answer."""
    try:
        with httpx.Client(timeout=TIMEOUT) as client:
            response = client.post(url, data=form, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise TokenEndpointUnreachable(f"OAuth2 endpoint {url} cannot be reached: {exc}") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise TokenEndpointUnreachable(
            f"OAuth2 endpoint {url} answered {response.status_code} without a JSON object"
        )
    return response.status_code, answer


def refused(answer: dict[str, Any], doing: str) -> OAuth2Error:
    """The error to raise for a refusal: invalid_grant means authorising again."""
    error = str(answer.get("error", "unknown_error"))
    description = str(answer.get("error_description", "")).strip()
    said = f"{error}: {description}" if description else error
    if error == "invalid_grant":
        return AuthorizationExpired(
            f"the mail provider no longer accepts the portal's authorisation ({said}); "
            f"run `{AUTHORIZE_COMMAND}` again",
            error,
        )
    return OAuth2Error(f"the mail provider refused {doing} ({said})", error)


def request_tokens(provider: Provider, form: dict[str, str], doing: str) -> dict[str, Any]:
    """Ask the token endpoint; its answer when it holds an access token, else the refusal."""
    status, answer = post_form(provider.token_url, {**form, **provider.client_form()})
    if status == 200 and answer.get("access_token"):
        return answer
    if "error" in answer:
        raise refused(answer, doing)
    raise TokenEndpointUnreachable(
        f"OAuth2 endpoint {provider.token_url} answered {status} without a token or an error"
    )


def refresh_tokens(provider: Provider, refresh_token: str) -> dict[str, Any]:
    """A new access token (and, with some providers, a new refresh token)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if provider.name == "microsoft":
        form["scope"] = provider.scope
    return request_tokens(provider, form, "to renew the access token")
