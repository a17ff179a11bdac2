"""Intake: keep what a channel received in the inbox, durably, before it is acknowledged."""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from typing import Any, NamedTuple

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from store.db import transaction
from store.inbox import store_message, store_messages

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
        """One transaction for the batch (see store.inbox.store_messages)."""
        with transaction(self.sessions, urgent=True) as session:
            return store_messages(session, self.channel, arrivals)
