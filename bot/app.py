"""The one place that wires settings, database, channels, processor and scheduler together."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import addresses
from bot.config import Settings
from bot.envelope import Front
from bot.errors import ConfigError
from bot.pipeline import fronts
from bot.reference import load_reference_actors
from store import migrate
from store.db import MissingDriver, make_engine, make_sessionmaker, transaction

log = logging.getLogger(__name__)


@dataclass
class Portal:
    """A configured portal: its settings and its database."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, settings: Settings) -> Portal:
        """The portal for these settings; a missing secret key is made once and kept in home."""
        settings.home.mkdir(parents=True, exist_ok=True)
        if not settings.secret_key:
            settings = settings.with_changes(secret_key=_kept_secret(settings.home))
        wire_channels(settings)
        try:
            engine = make_engine(settings.effective_database_url)
        except MissingDriver as exc:
            raise ConfigError(str(exc)) from exc
        return cls(settings, engine, make_sessionmaker(engine))

    def init(self) -> tuple[int, int]:
        """Create or migrate the database and load the reference actors (idempotent)."""
        if not self.is_current():  # Alembic, slow to import, only when there is work for it
            migrate.upgrade(self.engine)
        with transaction(self.sessions) as session:
            added, changed = load_reference_actors(session)
        log.info(
            "database at revision %s; actors added %d, changed %d",
            migrate.current_revision(self.engine),
            added,
            changed,
        )
        return added, changed

    def is_current(self) -> bool:
        return migrate.current_revision(self.engine) == migrate.head_revision()

    def close(self) -> None:
        self.engine.dispose()


def wire_channels(settings: Settings | None = None) -> None:
    """Give the core each channel's front: how it reads its messages and admits their senders."""
    portal = addresses.of(settings) if settings is not None else None

    def email() -> Front:
        from bot.channels.email.front import EmailFront

        return EmailFront(portal=portal)

    def telegram() -> Front:
        from bot.channels.telegram.front import TelegramFront

        return TelegramFront()

    # made at their first use: a command that reads no message never imports them (issue 19)
    fronts.register("email", email)
    fronts.register("telegram", telegram)


def _kept_secret(home: Path) -> str:
    """A key generated on first use and kept, readable by the owner only, in PORTAL_HOME."""
    path = home / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
