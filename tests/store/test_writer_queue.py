"""SQLite's writers of one process take turns in order; intake, with senders waiting, goes first."""

from __future__ import annotations

import contextlib
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


def test_a_writer_interrupted_while_waiting_leaves_the_line() -> None:
    queue = WriterQueue()
    interrupted = threading.Event()

    class Interrupt(BaseException):
        pass

    class Interrupted:
        """A waiting writer's lock whose wait is cut short (a signal, a KeyboardInterrupt)."""

        def __init__(self) -> None:
            self.lock = threading.Lock()

        def acquire(self) -> bool:
            if self.lock.locked():
                interrupted.set()
                raise Interrupt
            return self.lock.acquire()

        def release(self) -> None:
            self.lock.release()

    def impatient() -> None:
        with contextlib.suppress(Interrupt), queue.turn():
            pass

    queue.waiting_lock = Interrupted  # type: ignore[assignment]
    with queue.turn():
        waiter = threading.Thread(target=impatient)
        waiter.start()
        assert interrupted.wait(5)
        waiter.join(5)
        assert not queue._waiting
    queue.waiting_lock = threading.Lock
    done = threading.Event()

    def later() -> None:
        with queue.turn():
            done.set()

    threading.Thread(target=later).start()
    assert done.wait(5)  # the turn was not handed to the writer who left
