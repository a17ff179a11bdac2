"""Intake while its database opens: what arrives meanwhile waits for it, and is kept as usual.

Importing SQLAlchemy and the models is most of intake's start, so the SMTP listener greets
first and opens its database behind the greeting (issue 19). A sender reaches DATA a few round
trips later; its message then waits here until the real intake (bot.pipeline.intake) takes it,
and is answered 250 only once it is committed, as always.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Protocol


class Keeper(Protocol):
    def submit(
        self, sender: str, recipients: list[str], message_id: str | None, raw: bytes
    ) -> Future[int]: ...


class OpeningIntake:
    """Takes messages before `opened` hands it the intake that keeps them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._intake: Keeper | None = None
        self._failure: BaseException | None = None
        self._waiting: list[tuple[tuple[str, list[str], str | None, bytes], Future[int]]] = []

    def submit(
        self, sender: str, recipients: list[str], message_id: str | None, raw: bytes
    ) -> Future[int]:
        """The item id, once the message is committed (after the database is open)."""
        with self._lock:
            if self._intake is None:
                waiter: Future[int] = Future()
                if self._failure is not None:
                    waiter.set_exception(self._failure)
                else:
                    self._waiting.append(((sender, recipients, message_id, raw), waiter))
                return waiter
            intake = self._intake
        return intake.submit(sender, recipients, message_id, raw)

    def opened(self, intake: Keeper) -> None:
        """The database is open: what waited goes to `intake`, and so does what comes next."""
        with self._lock:
            self._intake = intake
            waiting, self._waiting = self._waiting, []
        for arrival, waiter in waiting:
            _follow(intake.submit(*arrival), waiter)

    def failed(self, exc: BaseException) -> None:
        """The database could not be opened: whoever waits is answered (451), not left hanging."""
        with self._lock:
            self._failure = exc
            waiting, self._waiting = self._waiting, []
        for _, waiter in waiting:
            if waiter.set_running_or_notify_cancel():
                waiter.set_exception(exc)


def _follow(kept: Future[int], waiter: Future[int]) -> None:
    """`waiter` answers as `kept` does. A sender who stopped waiting meanwhile may still have
    its message kept: its retry is then recognised as the same message (bot.pipeline.intake)."""

    def done(future: Future[int]) -> None:
        if not waiter.set_running_or_notify_cancel():
            return  # cancelled: nobody listens
        try:
            waiter.set_result(future.result())
        except BaseException as exc:  # noqa: BLE001 - the sender is answered 451 with it
            waiter.set_exception(exc)

    kept.add_done_callback(done)
