"""SQLite's writers take turns in order, in one process and between processes; intake, with
senders waiting, goes first."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.app import Portal
from store.db import ProcessTurns, WriterQueue, make_engine, transaction, writers


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


# ---- between processes ---------------------------------------------------------------------
# Each ProcessTurns made directly has its own open files, so the kernel keeps them apart exactly
# as it keeps apart the parts of `portal run`; threads stand for the processes.


def flock_waiters(path: Path) -> int:
    """How many flock requests wait on the file at `path` (Linux's /proc/locks, "->" lines)."""
    inode = path.stat().st_ino
    lines = Path("/proc/locks").read_text().splitlines()
    return sum("->" in line and "FLOCK" in line and f":{inode} " in line for line in lines)


def until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 5
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.001)


def test_between_processes_intake_goes_before_the_writers_already_waiting(
    tmp_path: Path,
) -> None:
    database = str(tmp_path / "portal.db")
    holder, processor, intake = (ProcessTurns(database) for _ in range(3))
    order: list[str] = []

    def write(turns: ProcessTurns, name: str, urgent: bool) -> None:
        with turns.turn(urgent=urgent):
            order.append(name)

    writer_file = Path(database + "-writer")
    with holder.turn():
        waiting_processor = threading.Thread(target=write, args=(processor, "processor", False))
        waiting_processor.start()
        until(lambda: flock_waiters(writer_file) == 1)
        waiting_intake = threading.Thread(target=write, args=(intake, "intake", True))
        waiting_intake.start()
        until(lambda: flock_waiters(writer_file) == 2)
    for thread in (waiting_processor, waiting_intake):
        thread.join(5)
        assert not thread.is_alive()
    assert order == ["intake", "processor"]


def test_between_processes_one_writer_at_a_time(tmp_path: Path) -> None:
    database = str(tmp_path / "portal.db")
    inside = 0
    most = 0
    count_lock = threading.Lock()

    def write(turns: ProcessTurns, urgent: bool) -> None:
        nonlocal inside, most
        for _ in range(200):
            with turns.turn(urgent=urgent):
                with count_lock:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0)
                with count_lock:
                    inside -= 1

    threads = [
        threading.Thread(target=write, args=(ProcessTurns(database), n == 0)) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 1


def test_a_dead_writers_turn_is_given_back_by_the_kernel(tmp_path: Path) -> None:
    database = str(tmp_path / "portal.db")
    holding = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT, database], stdout=subprocess.PIPE
    )
    assert holding.stdout is not None
    assert holding.stdout.readline() == b"holding\n"
    holding.kill()
    holding.wait(5)
    got = threading.Event()

    def write() -> None:
        with ProcessTurns(database).turn():
            got.set()

    threading.Thread(target=write, daemon=True).start()
    assert got.wait(5)


HOLD_AND_WAIT = """
import sys, time
from store.db import ProcessTurns
with ProcessTurns(sys.argv[1]).turn():
    print("holding", flush=True)
    time.sleep(60)
"""


def test_engines_of_one_process_share_the_turn_and_a_nested_write_does_not_wait_on_itself(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    first, second = make_engine(url), make_engine(url)
    one, two = writers(first), writers(second)
    assert one is not None and two is not None
    assert one._processes is two._processes is not None
    with one.turn(), two.turn():  # the tests' harness writes through two engines at times
        pass
    first.dispose()
    second.dispose()
