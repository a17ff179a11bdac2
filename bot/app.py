"""The one place that wires settings, database, channels, processor and scheduler together."""

from __future__ import annotations

import logging
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from bot import addresses
from bot.config import Settings
from bot.envelope import Front
from bot.errors import ConfigError
from bot.pipeline import fronts
from store import migrate

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


class Portal:
    """A configured portal: its settings and its database.

    The database (SQLAlchemy, the models: most of a process's start) is opened at the first
    use of `engine` or `sessions`, so that intake can greet before it (issue 19)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._opening = threading.Lock()
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    @classmethod
    def open(cls, settings: Settings) -> Portal:
        """The portal for these settings; a missing secret key is made once and kept in home."""
        settings.home.mkdir(parents=True, exist_ok=True)
        if not settings.secret_key:
            settings = settings.with_changes(secret_key=_kept_secret(settings.home))
        wire_channels(settings)
        return cls(settings)

    @property
    def engine(self) -> Engine:
        return self._database()[0]

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self._database()[1]

    def _database(self) -> tuple[Engine, sessionmaker[Session]]:
        with self._opening:
            if self._engine is None or self._sessions is None:
                from store.db import MissingDriver, make_engine, make_sessionmaker

                try:
                    engine = make_engine(self.settings.effective_database_url)
                except MissingDriver as exc:
                    raise ConfigError(str(exc)) from exc
                self._engine, self._sessions = engine, make_sessionmaker(engine)
            return self._engine, self._sessions

    def init(self) -> tuple[int, int]:
        """Create or migrate the database and load the reference actors (idempotent)."""
        from bot.reference import load_reference_actors
        from store.db import transaction

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
        if self._engine is not None:
            self._engine.dispose()


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
