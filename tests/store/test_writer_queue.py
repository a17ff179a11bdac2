"""SQLite's writers of one process take turns in order; intake, with senders waiting, goes first."""

from __future__ import annotations

import threading
import time

from bot.app import Portal
from store.db import WriterQueue, transaction, writers


def waiting(queue: WriterQueue, count: int) -> None:
    """Until `count` threads wait for their turn (they queue in the order they started)."""
    deadline = time.monotonic() + 5
    while len(queue._waiting) + len(queue._urgent) < count:
        assert time.monotonic() < deadline
        time.sleep(0.001)


def test_the_turn_goes_to_the_writer_that_waited_longest_never_back_to_the_last() -> None:
    queue = WriterQueue()
    order: list[str] = []

    def write(name: str, *, again: bool = False, urgent: bool = False) -> None:
        with queue.turn(urgent=urgent):
            order.append(name)
        if again:  # straight back for more, as the processor does
            with queue.turn():
                order.append(name + " again")

    with queue.turn():
        first = threading.Thread(target=write, args=("processor",), kwargs={"again": True})
        first.start()
        waiting(queue, 1)
        second = threading.Thread(target=write, args=("delivery",))
        second.start()
        waiting(queue, 2)
        intake = threading.Thread(target=write, args=("intake",), kwargs={"urgent": True})
        intake.start()
        waiting(queue, 3)
    for thread in (first, second, intake):
        thread.join(5)
    assert order == ["intake", "processor", "delivery", "processor again"]


def test_a_thread_holding_the_turn_may_take_it_again() -> None:
    queue = WriterQueue()
    with queue.turn(), queue.turn():
        pass
    with queue.turn():  # and it was given back in full
        pass
    assert queue._owner is None


def test_sqlite_writers_queue_and_postgresql_ones_do_not(portal: Portal) -> None:
    queue = writers(portal.engine)
    assert (queue is not None) == (portal.engine.dialect.name == "sqlite")
    if queue is None:
        return
    with transaction(portal.sessions):
        assert queue._owner == threading.get_ident()
    assert queue._owner is None
