"""Intake: keep what a channel received in the inbox, durably, before it is acknowledged."""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.inbox import InboxItem, dedup_key, store_message

log = logging.getLogger(__name__)


class Arrival(NamedTuple):
    sender: str
    recipients: list[str]
    message_id: str | None
    raw: bytes
    meta: dict[str, Any] | None = None  # where it came from (the mailbox reader's UID)


def keeper(  # type: ignore[no-untyped-def]
    sessions: sessionmaker[Session], channel: str, *, urgent: bool = False
):
    """A function that commits one received message and returns its inbox item id."""

    def keep(
        sender: str,
        recipients: list[str],
        message_id: str | None,
        raw: bytes,
        meta: dict[str, Any] | None = None,
    ) -> int:
        with transaction(sessions, urgent=urgent) as session:
            item, _ = store_message(
                session,
                channel=channel,
                sender=sender,
                recipients=recipients,
                message_id=message_id,
                raw=raw,
                meta=meta,
            )
            return item.id

    return keep


class GroupCommit:
    """Keeps the messages of many waiting senders with one commit (group commit).

    Each SMTP client waits for its 250, and a commit waits for the disk (an fsync), so one
    commit per message caps the accept rate at the disk's fsyncs per second. Here one writer
    thread commits, in one transaction, every message that arrived while the previous commit
    ran, then answers all their waiters: a message is still acknowledged only once it is
    committed. A batch that fails for one of its messages is tried again message by message,
    so one bad message cannot turn the others away; one that fails for the database's sake
    (locked, down, full) fails as a whole, and its senders retry.
    """

    def __init__(
        self, sessions: sessionmaker[Session], channel: str, *, max_batch: int = 100
    ) -> None:
        self.sessions = sessions
        self.channel = channel
        self.max_batch = max_batch
        self._keep_alone = keeper(sessions, channel, urgent=True)  # a message on its own
        self._adding: Any = None  # the INSERT of a batch, once the database is known
        self._queue: queue.SimpleQueue[tuple[Arrival, Future[int]] | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._starting = threading.Lock()
        self._closed = False

    def keep(self, sender: str, recipients: list[str], message_id: str | None, raw: bytes) -> int:
        """Blocks the calling thread until the message is committed; returns its item id."""
        return self.submit(sender, recipients, message_id, raw).result()

    def submit(
        self,
        sender: str,
        recipients: list[str],
        message_id: str | None,
        raw: bytes,
        meta: dict[str, Any] | None = None,
    ) -> Future[int]:
        """The item id, once the message is committed. A future cancelled before the writer
        takes it up (its sender stopped waiting) is not kept. `meta` goes with a new item (a
        copy already kept keeps its own)."""
        arrival = Arrival(sender, recipients, message_id, raw, meta)
        future: Future[int] = Future()
        with self._starting:
            if self._closed:
                raise RuntimeError("intake is closed")
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write, name=f"{self.channel}-intake", daemon=True
                )
                self._writer.start()
            self._queue.put((arrival, future))
        return future

    def close(self) -> None:
        """Commit what is waiting, then stop the writer."""
        with self._starting:
            self._closed = True
            writer = self._writer
            if writer is not None:
                self._queue.put(None)
        if writer is not None:
            writer.join()

    def _write(self) -> None:
        batch: list[tuple[Arrival, Future[int]]] = []
        try:
            while True:
                waiting = self._queue.get()
                if waiting is None:
                    return
                batch = [waiting]
                stopping = False
                while len(batch) < self.max_batch:
                    try:
                        waiting = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if waiting is None:
                        stopping = True
                        break
                    batch.append(waiting)
                self._commit(batch)
                if stopping:
                    return
        except BaseException as exc:  # the writer is gone: nobody may wait for it in vain
            log.critical("the %s intake writer stopped: %r", self.channel, exc)
            with self._starting:
                self._closed = True
            self._fail_all(batch, exc)
            raise

    def _fail_all(self, batch: list[tuple[Arrival, Future[int]]], exc: BaseException) -> None:
        error = exc if isinstance(exc, Exception) else RuntimeError(f"intake stopped: {exc!r}")
        waiting = list(batch)
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                waiting.append(item)
        for _, future in waiting:
            if not future.done() and (future.running() or future.set_running_or_notify_cancel()):
                future.set_exception(error)

    def _commit(self, waiting: list[tuple[Arrival, Future[int]]]) -> None:
        batch = [(arrival, f) for arrival, f in waiting if f.set_running_or_notify_cancel()]
        if not batch:
            return
        try:
            ids = self._store([arrival for arrival, _ in batch])
        except (OperationalError, InterfaceError) as exc:  # the database's, not one message's
            for _, future in batch:
                future.set_exception(exc)
            return
        except Exception as exc:
            if len(batch) > 1:
                log.warning("%d messages failed together (%s); keeping each alone", len(batch), exc)
            for arrival, future in batch:
                try:
                    future.set_result(self._keep_alone(*arrival))
                except Exception as alone:
                    future.set_exception(alone)
            return
        for (_, future), item_id in zip(batch, ids, strict=True):
            future.set_result(item_id)

    def _store(self, arrivals: list[Arrival]) -> list[int]:
        """One transaction: the new messages inserted, the copies (same sender and Message-ID,
        already kept or earlier in the batch) given the id of the first."""
        keys = [dedup_key(self.channel, a.sender, a.message_id, a.raw) for a in arrivals]
        rows: dict[str, dict[str, object]] = {}
        for arrival, key in zip(arrivals, keys, strict=True):
            rows.setdefault(
                key,
                {
                    "channel": self.channel,
                    "sender": arrival.sender,
                    "recipients": arrival.recipients,
                    "message_id": arrival.message_id,
                    "dedup_key": key,
                    "raw": arrival.raw,
                    "meta": arrival.meta or {},
                },
            )
        # Core statements on the session's connection: the ORM's bulk insert machinery cost
        # intake about a third of its CPU for rows that need no objects. A copy is rare, so
        # every row is inserted unless its key is already there, and only the keys that were
        # not inserted are looked up.
        table = cast(Table, InboxItem.__table__)
        with transaction(self.sessions, urgent=True) as session:
            connection = session.connection()
            if self._adding is None:  # made once: its cache key is not computed again
                self._adding = _insert_new(connection.dialect.name, table)
            known = dict(connection.execute(self._adding, list(rows.values())).all())
            copies = [key for key in rows if key not in known]
            if copies:
                known.update(
                    connection.execute(
                        select(table.c.dedup_key, table.c.id).where(table.c.dedup_key.in_(copies))
                    ).all()
                )
        return [known[key] for key in keys]


def _insert_new(dialect: str, table: Table) -> Any:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING dedup_key, id, in the database's
    own words (SQLite and PostgreSQL both have it)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql as words
    else:
        from sqlalchemy.dialects import sqlite as words  # type: ignore[no-redef]
    statement = words.insert(table).on_conflict_do_nothing(index_elements=["dedup_key"])
    return statement.returning(table.c.dedup_key, table.c.id)
