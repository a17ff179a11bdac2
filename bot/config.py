"""One frozen Settings object, built from the environment and an optional portal.toml."""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bot import addresses
from bot.errors import ConfigError
from bot.masking import is_secret, password_in, shown

PREFIX = "PORTAL_"


@dataclass(frozen=True)
class Settings:
    """Everything the portal reads from its environment. Tests build their own."""

    home: Path = Path("var")
    database_url: str = ""  # empty: SQLite file portal.db in home
    domain: str = "localhost"
    smtp_listen: str = "127.0.0.1:8025"
    relay: str = ""  # empty: outgoing mail is written to the maildir in home
    telegram_token: str = ""
    telegram_api: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""  # https://…/telegram/webhook; empty: long polling
    digest_schedule: str = "0 8 * * mon"  # crontab: minute hour day month day-of-week
    timezone: str = "UTC"
    log_level: str = "INFO"
    secret_key: str = ""  # empty: generated once and kept in home/secret_key
    max_message_size: int = 10 * 1024 * 1024
    smtp_max_recipients: int = 20  # accepted RCPT per message; beyond: 452 4.5.3
    smtp_max_connections: int = 100  # open SMTP connections in all; beyond: 421 4.7.0
    smtp_max_connections_per_client: int = 10  # open SMTP connections per client address
    # The front mail servers relaying to us (IP addresses or networks): all mail comes from
    # them, so they are not held to the per-client limit. Empty: nobody is exempt.
    smtp_front_servers: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    smtp_timeout: float = 300.0  # seconds a client may be silent, or take to send its data
    smtp_store_timeout: float = 60.0  # seconds to commit a message before answering 451
    public_url: str = ""  # https address of the bot's HTTP side (one-click unsubscribe)
    site_dir: str = ""  # the public site, rebuilt by `portal run` after each change; empty: none
    http_listen: str = ""  # host:port of that HTTP side; empty: no HTTP server
    call_rate: int = 30  # calls for information: mails handed to the outbox per minute
    bot_name: str = "Cooperation Portal"
    secretariat_name: str = "Implementation Support Unit"
    trusted_authserv_id: str = ""  # the front mail server's authserv-id; empty: A-R not read
    verify_dkim: str = ""  # "1": check DKIM here when no trusted_authserv_id is set
    raw_retention_days: int = 180  # raw mail of processed inbox items is emptied after this
    processors: int = 0  # processes of `portal run` that handle inbox items; 0: one per CPU core
    processing_timeout: float = 60.0  # seconds one item may take; then it is set aside
    bounce_threshold: float = 2.0  # bounce score (+1 permanent, +0.5 temporary a day): dead
    bounce_forget_days: int = 21  # a score is forgotten after this many days without bounces
    # ---- running from an existing mailbox (IMAP in, the provider's SMTP out) ----------------
    imap_url: str = ""  # imaps://user@host/INBOX (imap:// without TLS); empty: no mailbox read
    imap_password: str = ""  # the mailbox's password when not in PORTAL_IMAP_URL
    imap_processed: str = ""  # empty: kept messages are flagged seen; a folder: moved there
    imap_poll: float = 60.0  # seconds between checks of a server without IDLE
    relay_password: str = ""  # the relay's password when not in PORTAL_RELAY
    address: str = ""  # the portal's own address (portal@ministry.example); empty: submit@DOMAIN
    address_separator: str = "+"  # with PORTAL_ADDRESS, replies go to local+TOKEN@domain
    mail_provider: str = ""  # google | microsoft: their Authentication-Results, OAuth2 endpoints
    oauth2_client_id: str = ""  # the application registered with the provider
    oauth2_client_secret: str = ""
    oauth2_tenant: str = "organizations"  # Microsoft's directory (tenant id or domain)
    oauth2_token_url: str = ""  # empty: the provider's
    oauth2_authorize_url: str = ""  # empty: the provider's
    # ---- backups --------------------------------------------------------------------------
    backups_dir: str = ""  # where `portal backup` and the automatic backups go; empty: home/backups
    backups_kept: int = 7  # automatic backups (taken before a migration) kept; older ones pruned
    matches_per_record: int = 25  # each record keeps its best matches, this many, open
    extra: Mapping[str, str] = field(default_factory=dict)

    # ---- derived values -------------------------------------------------------------------
    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'portal.db').resolve()}"

    @property
    def backups(self) -> Path:
        return Path(self.backups_dir) if self.backups_dir else self.home / "backups"

    @property
    def maildir(self) -> Path:
        return self.home / "maildir"

    @property
    def processor_count(self) -> int:
        """How many processors `portal run` starts: PORTAL_PROCESSORS, or one per CPU core this
        process may run on (a container's or systemd's CPU limit included) when it is 0."""
        if self.processors:
            return self.processors
        try:
            return len(os.sched_getaffinity(0)) or 1
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1

    def names_in(self, language: str) -> dict[str, str]:
        """The bot's and the secretariat's names in a language (the defaults are translated;
        names an operator set stay as set)."""
        defaults = Settings()
        bot = self.bot_name
        secretariat = self.secretariat_name
        if bot == defaults.bot_name:
            bot = _BOT_NAMES.get(language, bot)
        if secretariat == defaults.secretariat_name:
            secretariat = _SECRETARIAT_NAMES.get(language, secretariat)
        return {"bot_name": bot, "secretariat_name": secretariat}

    @property
    def submit_address(self) -> str:
        """Where people write to: PORTAL_ADDRESS, else submit@DOMAIN."""
        return addresses.of(self).submit

    @property
    def smtp_host_port(self) -> tuple[str, int]:
        host, _, port = self.smtp_listen.rpartition(":")
        return host.strip("[]") or "127.0.0.1", int(port)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def __repr__(self) -> str:
        """Every setting, with secrets and passwords in URLs as `***` (bot.masking)."""
        values = (f"{f.name}={shown(f.name, getattr(self, f.name))!r}" for f in fields(self))
        return f"Settings({', '.join(values)})"

    __str__ = __repr__

    def secrets(self) -> list[str]:
        """The secret values set here (keys, tokens, passwords, passwords inside URLs): what
        the logs must never show."""
        found = [str(getattr(self, name)) for name in self.names() if is_secret(name)]
        passwords = [password_in(str(getattr(self, name))) for name in self.names()]
        found += passwords + [unquote(password) for password in passwords]
        return sorted({secret for secret in found if secret})

    # ---- construction ---------------------------------------------------------------------
    @classmethod
    def load(
        cls, environ: Mapping[str, str] | None = None, toml_path: Path | None = None
    ) -> Settings:
        """Defaults, then portal.toml (if any), then PORTAL_* environment variables."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        path = toml_path or settings_file(env)
        if path.is_file():
            try:
                values.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        for name in cls.names():
            key = PREFIX + name.upper()
            if key in env:
                values[name] = env[key]
        unknown = set(values) - set(cls.names())
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        settings = cls(**{k: _coerce(k, v) for k, v in values.items()})
        if settings.address.strip():
            problem = addresses.check_address(settings.address, settings.address_separator)
            if problem:
                raise ConfigError(problem)
        return settings

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "extra"]


def settings_file(environ: Mapping[str, str] | None = None) -> Path:
    """The optional settings file: PORTAL_CONFIG, or portal.toml in the working folder."""
    env = os.environ if environ is None else environ
    return Path(env.get("PORTAL_CONFIG", "portal.toml"))


_BOT_NAMES = {"fr": "Portail de coopération", "es": "Portal de Cooperación"}
_SECRETARIAT_NAMES = {
    "fr": "Unité d'appui à l'application",
    "es": "Dependencia de Apoyo a la Implementación",
}


_SEPARATORS = ("+", "-", "=")
_PROVIDERS = ("", "google", "microsoft")

_POSITIVE_NUMBERS: dict[str, type[int] | type[float]] = {
    "processing_timeout": float,
    "smtp_max_recipients": int,
    "smtp_max_connections": int,
    "smtp_max_connections_per_client": int,
    "smtp_timeout": float,
    "smtp_store_timeout": float,
    "imap_poll": float,
    "backups_kept": int,
    "bounce_threshold": float,
    "bounce_forget_days": int,
    "matches_per_record": int,
}


def _coerce(name: str, value: Any) -> Any:
    if name == "home":
        return Path(str(value))
    if name == "raw_retention_days":
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"PORTAL_RAW_RETENTION_DAYS must be a number of days: {value!r}"
            ) from exc
    if name == "call_rate":
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"PORTAL_CALL_RATE must be mails per minute: {value!r}") from exc
    if name == "max_message_size":
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"PORTAL_MAX_MESSAGE_SIZE must be a number of bytes: {value!r}"
            ) from exc
    if name == "processors":
        try:
            count = int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"PORTAL_PROCESSORS must be a number of processes (0: one per core): {value!r}"
            ) from exc
        if count < 0:
            raise ConfigError(f"PORTAL_PROCESSORS must be 0 or more: {value!r}")
        return count
    if name in _POSITIVE_NUMBERS:
        try:
            number = _POSITIVE_NUMBERS[name](value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"PORTAL_{name.upper()} must be a number: {value!r}") from exc
        if number <= 0:
            raise ConfigError(f"PORTAL_{name.upper()} must be more than 0: {value!r}")
        return number
    if name == "smtp_front_servers":
        return _networks(value)
    if name == "address_separator" and str(value) not in _SEPARATORS:
        # characters a local part holds unquoted that mail servers cut at ("+" Google, Microsoft
        # 365, Postfix; "-" qmail, Exim, Postfix setups; "=" some Postfix setups); never "."
        # (Gmail ignores dots) nor "_" (found in names: cooperation_portal@)
        raise ConfigError(f"PORTAL_ADDRESS_SEPARATOR must be one of + - =, not {value!r}")
    if name == "mail_provider" and str(value).strip().lower() not in _PROVIDERS:
        raise ConfigError(f"PORTAL_MAIL_PROVIDER must be google, microsoft or empty: {value!r}")
    if name == "mail_provider":
        return str(value).strip().lower()
    if name == "smtp_listen" and ":" not in str(value):
        raise ConfigError(f"PORTAL_SMTP_LISTEN must be host:port, not {value!r}")
    return str(value)


def _networks(value: Any) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """IP addresses and CIDR networks, comma-separated (or a TOML list of them)."""
    parts = value if isinstance(value, list) else str(value).split(",")
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for part in (str(p).strip() for p in parts):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part))
        except ValueError as exc:
            raise ConfigError(
                "PORTAL_SMTP_FRONT_SERVERS must be IP addresses or networks, comma-separated "
                f"(such as 127.0.0.1 or 10.1.0.0/24): {exc}"
            ) from exc
    return tuple(networks)
