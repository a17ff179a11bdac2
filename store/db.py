"""Engine, SQLite pragmas, sessions and the one-transaction helper."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, BinaryIO

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

    def __init__(self, processes: ProcessTurns | None = None) -> None:
        self._processes = processes  # the turn between processes, once this one has the turn
        self._mutex = threading.Lock()
        self._urgent: deque[threading.Lock] = deque()
        self._waiting: deque[threading.Lock] = deque()
        self._owner: int | None = None
        self._depth = 0
        self.waiting_lock = threading.Lock  # what a waiting writer sleeps on

    @contextmanager
    def turn(self, *, urgent: bool = False) -> Iterator[None]:
        first = self._acquire(urgent)
        try:
            if first and self._processes is not None:
                with self._processes.turn(urgent=urgent):
                    yield
            else:
                yield
        finally:
            self._release()

    def _acquire(self, urgent: bool) -> bool:
        """Wait for this thread's turn; True unless the thread already had it (nested)."""
        me = threading.get_ident()
        with self._mutex:
            if self._owner is None or self._owner == me:
                self._owner = me
                self._depth += 1
                return self._depth == 1
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
        return True

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


class ProcessTurns:
    """SQLite's writers of different processes, taking turns through two lock files.

    `portal run`'s parts are processes (intake, processors, delivery, the scheduler), and each
    writes to the same SQLite file. SQLite's own busy handler lets a waiting writer sleep up to
    100 ms between tries, so intake could sleep while a processor commits again and again. Here
    each write transaction first takes an exclusive `flock` on `<database>-writer`: the kernel
    wakes a waiter the moment the lock is let go. An urgent writer (intake) first holds
    `<database>-urgent` exclusively while it waits; the others pass through a shared lock on it
    before they queue and again once they have the turn, so while intake waits the others step
    aside: it goes next. The kernel lets go of a dead process's locks: a killed part holds no
    one up.

    One per database file and process, shared by its engines: a thread that writes through a
    second engine while it holds the turn (the tests do) re-enters instead of waiting on itself.
    """

    def __init__(self, database: str) -> None:
        self._writer = _lock_file(f"{database}-writer")
        self._urgent = _lock_file(f"{database}-urgent")
        self._mutex = threading.RLock()  # the engines of this process, one after the other
        self._depth = 0

    @contextmanager
    def turn(self, *, urgent: bool = False) -> Iterator[None]:
        with self._mutex:
            if not self._depth:
                self._take(urgent)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if not self._depth:
                    fcntl.flock(self._writer, fcntl.LOCK_UN)

    def _take(self, urgent: bool) -> None:
        if urgent:
            fcntl.flock(self._urgent, fcntl.LOCK_EX)  # says to the others: intake waits
            try:
                fcntl.flock(self._writer, fcntl.LOCK_EX)
            finally:
                fcntl.flock(self._urgent, fcntl.LOCK_UN)
            return
        while True:
            fcntl.flock(self._urgent, fcntl.LOCK_SH)  # waits while an urgent writer waits
            fcntl.flock(self._urgent, fcntl.LOCK_UN)
            fcntl.flock(self._writer, fcntl.LOCK_EX)
            try:  # an urgent writer came while we waited: it goes first
                fcntl.flock(self._urgent, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                fcntl.flock(self._writer, fcntl.LOCK_UN)
                continue
            fcntl.flock(self._urgent, fcntl.LOCK_UN)
            return


def _lock_file(path: str) -> BinaryIO:
    """An empty file kept open only to be locked (closed when nobody uses it any more)."""
    return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600), "rb", 0)


_turns: weakref.WeakValueDictionary[tuple[int, str], ProcessTurns] = weakref.WeakValueDictionary()


def _process_turns(engine: Engine) -> ProcessTurns | None:
    """The turns between processes for a SQLite file database; None in memory."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), os.path.abspath(database))
    turns = _turns.get(key)
    if turns is None:
        try:
            turns = _turns[key] = ProcessTurns(key[1])
        except OSError:  # a read-only folder: SQLite's own lock still keeps writers apart
            log.warning("no lock file beside %s: writers take turns through SQLite alone", key[1])
            return None
    return turns


_writers: weakref.WeakKeyDictionary[Engine, WriterQueue] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def writers(engine: Engine) -> WriterQueue | None:
    """The queue of writers for a SQLite engine; None for PostgreSQL, which has row locks."""
    if not is_sqlite(engine):
        return None
    with _writers_lock:
        queue = _writers.get(engine)
        if queue is None:
            queue = _writers[engine] = WriterQueue(_process_turns(engine))
        return queue


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
