"""Engine, SQLite pragmas, sessions and the one-transaction helper."""

from __future__ import annotations

import logging
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

WRITE = "portal_write"  # execution option: this transaction will write


POSTGRESQL_EXTRA = "cooperation-portal[postgresql]"


class MissingDriver(RuntimeError):
    """The database URL names a database whose driver is not installed."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite (WAL, synchronous=FULL, foreign keys) or PostgreSQL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgresql+psycopg:"):
        _require_psycopg()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _sqlite_pragmas(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    return engine


def _require_psycopg() -> None:
    """PostgreSQL's driver is an optional extra: say which one when it is missing."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise MissingDriver(
            "a postgresql:// database needs the psycopg driver, which is not installed: "
            f"pip install '{POSTGRESQL_EXTRA}' (in a checkout: pip install -e '.[postgresql]')"
        ) from exc


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A unit of work takes the write lock up front, so two writers never deadlock
        # upgrading read locks; a read stays deferred and, with WAL, blocks no writer.
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions on `engine`, with every model mapped: a part imports only the queries it uses,
    and a foreign key to a table it never queries must still resolve (issue 19)."""
    import store.models  # noqa: F401

    return sessionmaker(engine, expire_on_commit=False)


class WriterQueue:
    """SQLite's writers of one process, served first come, first served.

    SQLite lets one writer in at a time; the others poll its busy handler, which sleeps up to
    100 ms between tries, so a thread that writes again and again (the processor) keeps the
    lock while another (intake, waiting to answer 250) sleeps. Here a writer that finishes
    hands the turn to the one that waited longest. A thread already holding the turn may take
    it again (a nested unit of work then meets SQLite's own lock, as it would without this).
    An urgent writer (intake: senders are waiting for their 250) goes before the others
    waiting; as it hands the turn on after each commit, they still get every other turn.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._urgent: deque[threading.Lock] = deque()
        self._waiting: deque[threading.Lock] = deque()
        self._owner: int | None = None
        self._depth = 0
        self.waiting_lock = threading.Lock  # what a waiting writer sleeps on

    @contextmanager
    def turn(self, *, urgent: bool = False) -> Iterator[None]:
        self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    def _acquire(self, urgent: bool) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner is None or self._owner == me:
                self._owner = me
                self._depth += 1
                return
            handed = self.waiting_lock()
            handed.acquire()
            (self._urgent if urgent else self._waiting).append(handed)
        try:
            handed.acquire()  # released by the writer before us, who made us the owner
        except BaseException:  # interrupted while waiting: leave the line, or pass the turn on
            with self._mutex:
                line = next((q for q in (self._urgent, self._waiting) if handed in q), None)
                if line is not None:
                    line.remove(handed)
                else:  # the turn was handed to us as we were interrupted
                    self._owner, self._depth = me, 1
            if line is None:
                self._release()
            raise
        with self._mutex:
            self._owner, self._depth = me, 1

    def _release(self) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            following = self._urgent or self._waiting
            if following:
                self._owner = -1  # nobody can slip in before the next one wakes
                following.popleft().release()
            else:
                self._owner = None


_writers: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def writers(engine: Engine) -> WriterQueue | None:
    """The queue of writers for a SQLite engine; None for PostgreSQL, which has row locks."""
    if not is_sqlite(engine):
        return None
    with _writers_lock:
        return _writers.setdefault(engine, WriterQueue())


@contextmanager
def transaction(sessions: sessionmaker[Session], *, urgent: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back on any exception.

    `urgent`: somebody is waiting for this commit (see WriterQueue)."""
    engine = sessions.kw.get("bind")
    queue = writers(engine) if isinstance(engine, Engine) else None
    turn = queue.turn(urgent=urgent) if queue else nullcontext()
    with turn, sessions() as session, session.begin():
        session.connection(execution_options={WRITE: True})
        yield session


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
