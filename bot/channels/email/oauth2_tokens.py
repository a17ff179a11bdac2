"""The OAuth2 token file (PORTAL_HOME/oauth2.json, 0600) and an access token kept current from it.

The file holds the mail user, the refresh token, the current access token and when it expires.
Several processes of `portal run` (intake reads IMAP in a thread, delivery sends on its loop) use
it: a refresh happens under a lock on oauth2.json.lock, after reading the file again, so one
renewal serves everyone and a refresh token the provider rotated is never lost.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bot.channels.email.oauth2 import (
    AUTHORIZE_COMMAND,
    Provider,
    TokenEndpointUnreachable,
    provider_for,
    refresh_tokens,
)
from bot.config import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)

FILE_NAME = "oauth2.json"
MARGIN = 300.0  # seconds before its expiry an access token is renewed


@dataclass(frozen=True)
class TokenRecord:
    """What the token file holds."""

    provider: str
    user: str
    refresh_token: str
    access_token: str
    expires_at: float  # seconds since the epoch

    def with_answer(self, answer: dict[str, Any], now: float) -> TokenRecord:
        """This record after a token answer: the new access token, and the new refresh token
        when the provider rotated it."""
        return replace(
            self,
            access_token=str(answer["access_token"]),
            expires_at=now + float(answer.get("expires_in", 3600)),
            refresh_token=str(answer.get("refresh_token") or self.refresh_token),
        )


def token_path(settings: Settings) -> Path:
    return settings.home / FILE_NAME


def read_record(path: Path) -> TokenRecord:
    """The record in the file; a file others can read is made private again, with a warning."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning(
                "%s could be read by others (mode %o): made private (0600) again", path, mode
            )
            path.chmod(0o600)
        data = json.loads(path.read_text(encoding="utf-8"))
        return TokenRecord(**{name: data[name] for name in TokenRecord.__dataclass_fields__})
    except FileNotFoundError:
        raise ConfigError(f"no OAuth2 authorisation in {path}: run `{AUTHORIZE_COMMAND}`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path} is not a token file the portal wrote ({exc}): run `{AUTHORIZE_COMMAND}`"
        ) from exc


def write_record(path: Path, record: TokenRecord) -> None:
    """Replace the file at once: a private temporary file, synced, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".oauth2-", suffix=".tmp", dir=path.parent)
    try:  # mkstemp creates it 0600: never readable by others, not even for a moment
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(asdict(record), out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Held by one process (and one thread) at a time: the lock file beside the token file."""
    lock = path.with_name(path.name + ".lock")
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


class OAuth2Tokens:
    """The mailbox's access token, renewed MARGIN seconds before it expires.

    Thread-safe; for a coroutine, `await asyncio.to_thread(tokens.access_token)`. The refresh
    request blocks (up to oauth2.TIMEOUT seconds)."""

    def __init__(
        self,
        path: Path,
        provider: Provider,
        *,
        margin: float = MARGIN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.provider = provider
        self.margin = margin
        self.clock = clock
        self._lock = threading.Lock()
        self.refreshes = 0  # renewals this object made (for the log and the tests)

    @classmethod
    def for_settings(cls, settings: Settings) -> OAuth2Tokens:
        return cls(token_path(settings), provider_for(settings))

    @property
    def user(self) -> str:
        return read_record(self.path).user

    def access_token(self) -> str:
        """A token valid for at least `margin` seconds more."""
        with self._lock:
            record = read_record(self.path)
            if record.expires_at - self.margin > self.clock():
                return record.access_token
            with file_lock(self.path):
                record = read_record(self.path)  # another process may have renewed it
                if record.expires_at - self.margin > self.clock():
                    return record.access_token
                return self._refresh(record).access_token

    def renew(self, rejected: str) -> str:
        """A new token after the server refused `rejected` (revoked before its time); when the
        file already holds another one, that one."""
        with self._lock, file_lock(self.path):
            record = read_record(self.path)
            if record.access_token != rejected:
                return record.access_token
            return self._refresh(record).access_token

    def _refresh(self, record: TokenRecord) -> TokenRecord:
        now = self.clock()
        answer = refresh_tokens(self.provider, record.refresh_token)
        if not isinstance(answer.get("access_token"), str):
            raise TokenEndpointUnreachable("the token endpoint's answer has no access token")
        renewed = record.with_answer(answer, now)
        write_record(self.path, renewed)
        self.refreshes += 1
        rotated = renewed.refresh_token != record.refresh_token
        log.info(
            "OAuth2 access token for %s renewed (valid %d s%s)",
            record.user,
            int(renewed.expires_at - now),
            "; the provider rotated the refresh token" if rotated else "",
        )
        return renewed
