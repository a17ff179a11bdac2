"""A fake OAuth2 provider on loopback (http.server in a thread): authorize, token, device code and
token introspection (which a real Dovecot asks to check the tokens it is given).

It keeps the tokens it issued: an access token is good until revoked (`revoke_access`), a refresh
token until revoked or, with `rotate`, until it was used once. It counts what it did.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "portal-test-client"


class FakeOAuth2Provider:
    def __init__(
        self,
        user: str = "portal@ministry.example",
        *,
        rotate: bool = False,
        expires_in: int = 3600,
        pending_polls: int = 1,
        hold_refresh: float = 0.0,
    ) -> None:
        self.user = user
        self.rotate = rotate  # each refresh gives a new refresh token; the old one dies
        self.expires_in = expires_in
        self.pending_polls = pending_polls  # device code: polls answered authorization_pending
        self.hold_refresh = hold_refresh  # seconds a refresh waits for a second one to arrive
        self.lock = threading.Lock()
        self.second_refresh = threading.Event()
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (PKCE challenge, redirect_uri)
        self.devices: dict[str, int] = {}  # device code -> polls so far
        self.refresh_tokens: set[str] = set()
        self.access_tokens: set[str] = set()
        self.refreshes = 0  # refresh grants answered with a token
        self.refreshing = 0  # refresh grants under way now
        self.exchanges = 0  # authorization codes and device codes exchanged for tokens
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                if parts.path != "/authorize":
                    self.send_error(404)
                    return
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                code = secrets.token_urlsafe(12)
                with provider.lock:
                    provider.codes[code] = (query["code_challenge"], query["redirect_uri"])
                back = {"code": code, "state": query.get("state", "")}
                self.send_response(302)
                self.send_header("Location", f"{query['redirect_uri']}/?{urlencode(back)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, answer = provider.answer(self.path, form)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    # ---- addresses ---------------------------------------------------------------------------
    @property
    def token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.base}/authorize"

    @property
    def introspect_url(self) -> str:
        return f"{self.base}/introspect"

    # ---- what the tests do -------------------------------------------------------------------
    def issue(self) -> dict[str, Any]:
        """New tokens, as a successful grant gives them."""
        access, refresh = "at-" + secrets.token_urlsafe(12), "rt-" + secrets.token_urlsafe(12)
        with self.lock:
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.expires_in,
            "token_type": "Bearer",
        }

    def revoke_access(self) -> None:
        with self.lock:
            self.access_tokens.clear()

    def revoke_all(self) -> None:
        with self.lock:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    # ---- the endpoints -----------------------------------------------------------------------
    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if path == "/introspect":
            with self.lock:
                active = form.get("token") in self.access_tokens
            return 200, ({"active": True, "email": self.user} if active else {"active": False})
        if path == "/devicecode":
            code = secrets.token_urlsafe(12)
            with self.lock:
                self.devices[code] = 0
            return 200, {
                "device_code": code,
                "user_code": "ABCD-EFGH",
                "verification_uri": f"{self.base}/device",
                "expires_in": 900,
                "interval": 0,
                "message": f"To sign in, open {self.base}/device and enter the code ABCD-EFGH.",
            }
        if path != "/token" or form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client"}
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._code(form)
        if grant == "refresh_token":
            return self._refresh(form)
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            return self._device(form)
        return 400, {"error": "unsupported_grant_type"}

    def _code(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            challenge, redirect_uri = self.codes.pop(form.get("code", ""), ("", ""))
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if not challenge or challenge != expected or redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant", "error_description": "bad code or verifier"}
        self.exchanges += 1
        return 200, self.issue()

    def _refresh(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.refreshing += 1
            if self.refreshing > 1:
                self.second_refresh.set()
        try:
            if self.hold_refresh:  # a second refresh arriving meanwhile is what locks prevent
                self.second_refresh.wait(self.hold_refresh)
            with self.lock:
                token = form.get("refresh_token", "")
                if token not in self.refresh_tokens:
                    return 400, {"error": "invalid_grant", "error_description": "token revoked"}
                self.refreshes += 1
                if self.rotate:
                    self.refresh_tokens.discard(token)
            issued = self.issue()
            if not self.rotate:
                with self.lock:
                    self.refresh_tokens.discard(issued.pop("refresh_token"))
            return 200, issued
        finally:
            with self.lock:
                self.refreshing -= 1

    def _device(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        code = form.get("device_code", "")
        with self.lock:
            if code not in self.devices:
                return 400, {"error": "expired_token"}
            self.devices[code] += 1
            if self.devices[code] <= self.pending_polls:
                return 400, {"error": "authorization_pending"}
            del self.devices[code]
        self.exchanges += 1
        return 200, self.issue()

    def __enter__(self) -> FakeOAuth2Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
