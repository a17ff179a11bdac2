"""The operator's authorisation: a browser (PKCE, loopback redirect) or Microsoft's device code.

The browser comes back to http://127.0.0.1:PORT (Google) or http://localhost:PORT (Microsoft,
whose app registrations list `http://localhost`, any port); a listener there catches the code.
When the browser runs on another machine the operator pastes the address it ended on, or the
code, instead. Either way the code is exchanged for tokens that are stored in the token file.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bot.channels.email.oauth2 import OAuth2Error, Provider, post_form, refused, request_tokens
from bot.channels.email.oauth2_tokens import TokenRecord, file_lock, write_record

log = logging.getLogger(__name__)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DONE_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>Cooperation Portal</title>"
    b"<p>The portal received the answer. You can close this page and go back to the terminal."
)


def challenge_of(verifier: str) -> str:
    """The S256 challenge of a PKCE code verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def pkce_pair() -> tuple[str, str]:
    """A new code verifier and its challenge."""
    verifier = secrets.token_urlsafe(48)
    return verifier, challenge_of(verifier)


@dataclass
class CodeRequest:
    """One authorisation attempt: what the browser is sent to, and what must come back."""

    provider: Provider
    redirect_uri: str
    user: str = ""
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    verifier: str = ""
    challenge: str = ""

    def __post_init__(self) -> None:
        if not self.verifier:
            self.verifier, self.challenge = pkce_pair()

    @property
    def url(self) -> str:
        query = {
            "response_type": "code",
            "client_id": self.provider.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.provider.scope,
            "state": self.state,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
        }
        if self.provider.name == "google":  # a refresh token, and asked for every time
            query.update(access_type="offline", prompt="consent")
        if self.user:
            query["login_hint"] = self.user
        return f"{self.provider.authorize_url}?{urlencode(query)}"

    def code_from(self, answer: str) -> str:
        """The code in what came back: the address the browser ended on, its query, or the
        bare code. The address must carry this attempt's state."""
        answer = answer.strip()
        if "code=" not in answer and "error=" not in answer:
            if not answer:
                raise OAuth2Error("nothing was pasted")
            return answer  # the bare code
        query = parse_qs(urlsplit(answer).query or answer.lstrip("?"))
        if "error" in query:
            raise refused(
                {k: v[0] for k, v in query.items() if k in ("error", "error_description")},
                "the authorisation",
            )
        if query.get("state", [""])[0] != self.state:
            raise OAuth2Error(
                "that address belongs to another attempt (its state differs): use the address "
                "printed this time"
            )
        return query.get("code", [""])[0]

    def exchange(self, code: str) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
        }
        return request_tokens(self.provider, form, "the authorisation code")


class LoopbackListener:
    """An HTTP server on 127.0.0.1 that takes the browser's redirect and queues its query."""

    def __init__(self, answers: queue.Queue[tuple[str, str]], port: int = 0) -> None:
        self.answers = answers

        class Redirect(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                query = urlsplit(self.path).query
                if "code=" not in query and "error=" not in query:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(DONE_PAGE)))
                self.end_headers()
                self.wfile.write(DONE_PAGE)
                answers.put(("browser", "?" + query))

            def log_message(self, format: str, *args: Any) -> None:
                log.debug("loopback listener: " + format, *args)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Redirect)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def redirect_uri(self, provider: Provider) -> str:
        host = "localhost" if provider.name == "microsoft" else "127.0.0.1"
        return f"http://{host}:{self.port}"

    def __enter__(self) -> LoopbackListener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---- device code (Microsoft) -----------------------------------------------------------------
def start_device_flow(provider: Provider) -> dict[str, Any]:
    """Ask for a device code: the answer's `message` tells the operator where to type it."""
    if not provider.device_url:
        raise OAuth2Error(
            f"{provider.name.title()} offers no device code for mail: use the browser flow "
            "(without --device) and paste the address the browser ends on"
        )
    status, answer = post_form(
        provider.device_url, {"client_id": provider.client_id, "scope": provider.scope}
    )
    if status != 200 or "device_code" not in answer:
        raise refused(answer, "a device code")
    return answer


def finish_device_flow(
    provider: Provider, device: dict[str, Any], sleep: Callable[[float], None] = time.sleep
) -> dict[str, Any]:
    """Poll the token endpoint until the operator has signed in (or the code expired)."""
    interval = float(device.get("interval", 5))
    deadline = time.monotonic() + float(device.get("expires_in", 900))
    form = {"grant_type": DEVICE_GRANT, "device_code": str(device["device_code"])}
    while True:
        try:
            return request_tokens(provider, form, "the device code")
        except OAuth2Error as exc:
            if exc.error == "slow_down":
                interval += 5
            elif exc.error != "authorization_pending":
                raise
        if time.monotonic() > deadline:
            raise OAuth2Error("the device code expired before the sign-in: run the command again")
        sleep(interval)


# ---- the result -------------------------------------------------------------------------------
def store_tokens(
    path: Path, provider: Provider, user: str, answer: dict[str, Any], now: float
) -> TokenRecord:
    """Write the token file from the token endpoint's first answer, under the lock a running
    portal takes to renew: its renewal cannot write the old authorisation over this one."""
    refresh = answer.get("refresh_token")
    if not refresh:
        raise OAuth2Error(
            "the provider gave no refresh token (Microsoft: the offline_access permission; "
            "Google: remove the portal's access at myaccount.google.com/permissions, then "
            "authorise again)"
        )
    record = TokenRecord(
        provider=provider.name,
        user=user,
        refresh_token=str(refresh),
        access_token=str(answer["access_token"]),
        expires_at=now + float(answer.get("expires_in", 3600)),
    )
    path.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside it
    with file_lock(path):
        write_record(path, record)
    return record
