"""Group commit: many waiting messages, one transaction; nothing acknowledged before it is kept."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.app import Portal
from bot.channels.email.smtp import _message_id
from bot.pipeline.intake import Arrival, GroupCommit
from store.inbox import InboxItem


def raw(n: int) -> bytes:
    return f"Message-ID: <m{n}@state.example>\r\nSubject: NEED\r\n\r\nTitle: {n}\r\n".encode()


def count(portal: Portal) -> int:
    with portal.sessions() as session:
        return session.scalar(select(func.count()).select_from(InboxItem)) or 0


class Held:
    """The writer's first commit waits until `release()`, so the next messages queue behind it;
    `sizes` are the batches the writer committed, and `then` stands for the real commit."""

    def __init__(
        self,
        intake: GroupCommit,
        monkeypatch: pytest.MonkeyPatch,
        then: Callable[[list[Arrival]], list[int]] | None = None,
    ) -> None:
        self.started, self._released = threading.Event(), threading.Event()
        self.sizes: list[int] = []
        self._then = then or intake._store
        monkeypatch.setattr(intake, "_store", self._store)

    def _store(self, arrivals: list[Arrival]) -> list[int]:
        self.sizes.append(len(arrivals))
        if not self.started.is_set():
            self.started.set()
            assert self._released.wait(10)
        return self._then(arrivals)

    def wait(self) -> None:
        assert self.started.wait(10)

    def release(self) -> None:
        self._released.set()


def test_messages_waiting_together_are_kept_in_one_transaction(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = GroupCommit(portal.sessions, "email")
    held = Held(intake, monkeypatch)  # the first commit waits while ten more messages arrive
    first = intake.submit("a@state.example", ["submit@portal.test"], "<m0>", raw(0))
    held.wait()
    later = [
        intake.submit(f"s{n}@state.example", ["submit@portal.test"], f"<m{n}>", raw(n))
        for n in range(1, 11)
    ]
    assert not any(f.done() for f in later)  # nobody is answered before their commit
    held.release()
    ids = [first.result(10), *(f.result(10) for f in later)]
    intake.close()
    assert held.sizes == [1, 10]
    assert len(set(ids)) == 11 and ids == sorted(ids)  # arrival order is inbox order
    with portal.sessions() as session:
        kept = {i.id: i for i in session.scalars(select(InboxItem))}
    assert [kept[i].raw for i in ids] == [raw(n) for n in range(11)]
    assert all(kept[i].status == "new" and kept[i].meta == {} for i in ids)
    assert kept[ids[3]].sender == "s3@state.example"
    assert kept[ids[3]].recipients == ["submit@portal.test"]


def test_copies_in_a_batch_and_of_kept_messages_are_stored_once(portal: Portal) -> None:
    intake = GroupCommit(portal.sessions, "email")
    before = intake.keep("a@state.example", ["submit@portal.test"], "<same>", raw(1))
    again = [Arrival("a@state.example", ["submit@portal.test"], "<same>", raw(1))] * 3
    fresh = [Arrival("b@state.example", ["submit@portal.test"], "<new>", raw(2))] * 2
    ids = intake._store([*again, *fresh])  # the writer's batch, as it would receive it
    intake.close()
    assert ids[:3] == [before] * 3
    assert ids[3] == ids[4] != before
    assert count(portal) == 2


def test_one_message_that_cannot_be_kept_does_not_turn_the_others_away(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = GroupCommit(portal.sessions, "email")
    held = Held(intake, monkeypatch)
    blocker = intake.submit("x@state.example", ["submit@portal.test"], "<x>", raw(0))
    held.wait()
    good = [
        intake.submit(f"s{n}@state.example", ["submit@portal.test"], None, raw(n))
        for n in range(1, 4)
    ]
    unstorable = [object()]  # not JSON: the whole batch's insert fails on it
    bad = intake.submit("y@state.example", unstorable, None, raw(9))  # type: ignore[arg-type]
    held.release()
    assert blocker.result(10) > 0
    assert all(f.result(10) > 0 for f in good)
    with pytest.raises(Exception):  # noqa: B017 - what the driver raises differs by database
        bad.result(10)
    intake.close()
    assert count(portal) == 4


def test_closing_commits_what_waits_then_refuses(portal: Portal) -> None:
    intake = GroupCommit(portal.sessions, "email")
    with ThreadPoolExecutor(8) as pool:
        ids = list(
            pool.map(
                lambda n: intake.keep(f"s{n}@state.example", ["submit@portal.test"], None, raw(n)),
                range(40),
            )
        )
    intake.close()
    assert len(set(ids)) == 40 and count(portal) == 40
    with pytest.raises(RuntimeError, match="closed"):
        intake.keep("late@state.example", ["submit@portal.test"], None, raw(99))
    assert count(portal) == 40


EML = Path(__file__).parent.parent / "data" / "eml"


@pytest.mark.parametrize("name", sorted(p.name for p in EML.glob("*.eml")))
def test_the_message_id_read_from_bytes_is_the_one_the_email_package_reads(name: str) -> None:
    raw = (EML / name).read_bytes()
    value = BytesHeaderParser(policy=default).parsebytes(raw).get("Message-ID")
    expected = " ".join(str(value).split()) if value is not None else None
    assert _message_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"Subject: x\r\nMessage-ID: <a@b>\r\n\r\nbody", "<a@b>"),
        (b"message-id:   <a@b>  \n\nbody", "<a@b>"),  # any case, bare LF, spaces
        (b"Message-Id :\r\n <folded@b>\r\n\r\n", "<folded@b>"),
        (b"Subject: x\r\n\r\nMessage-ID: <in-the-body@b>\r\n", None),
        (b"X-Message-ID: <not-it@b>\r\n\r\n", None),
        (b"Message-ID: <caf\xc3\xa9@b>\r\n\r\n", None),  # not ASCII: dedup uses the bytes
        (b"Message-ID: <" + b"x" * 1000 + b"@b>\r\n\r\n", None),  # longer than RFC 5322 allows
        (b"Message-ID:\r\n\r\n", None),
        (b"Subject: no id\r\n\r\n", None),
    ],
)
def test_the_message_id_for_dedup(raw: bytes, expected: str | None) -> None:
    assert _message_id(raw) == expected


def test_a_message_whose_sender_stopped_waiting_before_the_writer_took_it_is_not_kept(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SMTP side answered 451 after its store timeout and cancelled: the retry will come."""
    intake = GroupCommit(portal.sessions, "email")
    held = Held(intake, monkeypatch)
    first = intake.submit("a@state.example", ["submit@portal.test"], "<a>", raw(1))
    held.wait()
    given_up = intake.submit("b@state.example", ["submit@portal.test"], "<b>", raw(2))
    assert given_up.cancel()
    kept = intake.submit("c@state.example", ["submit@portal.test"], "<c>", raw(3))
    held.release()
    assert first.result(10) > 0 and kept.result(10) > 0
    intake.close()
    with portal.sessions() as session:
        senders = session.scalars(select(InboxItem.sender).order_by(InboxItem.id)).all()
    assert senders == ["a@state.example", "c@state.example"]


def test_a_database_wide_failure_fails_the_batch_at_once_without_retrying_each(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = GroupCommit(portal.sessions, "email")
    alone: list[Arrival] = []

    def locked(arrivals: list[Arrival]) -> list[int]:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    held = Held(intake, monkeypatch, then=locked)
    monkeypatch.setattr(intake, "_keep_alone", lambda *arrival: alone.append(Arrival(*arrival)))
    intake.submit("a@state.example", ["submit@portal.test"], None, raw(0))
    held.wait()
    waiting = [
        intake.submit(f"s{n}@state.example", ["submit@portal.test"], None, raw(n))
        for n in range(1, 4)
    ]
    held.release()
    for future in waiting:
        with pytest.raises(OperationalError, match="locked"):
            future.result(10)
    assert alone == []  # the senders retry; nobody waited for three more 30 s timeouts
    intake.close()


def test_a_writer_that_dies_fails_every_waiting_message_and_refuses_new_ones(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = GroupCommit(portal.sessions, "email")

    def torn_down(arrivals: list[Arrival]) -> list[int]:
        raise SystemExit("the writer thread is torn down")

    held = Held(intake, monkeypatch, then=torn_down)
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # expected: keep it quiet
    first = intake.submit("a@state.example", ["submit@portal.test"], None, raw(0))
    held.wait()
    second = intake.submit("b@state.example", ["submit@portal.test"], None, raw(1))
    held.release()
    for future in (first, second):
        with pytest.raises(Exception, match="intake stopped"):
            future.result(10)
    with pytest.raises(RuntimeError, match="closed"):
        intake.submit("c@state.example", ["submit@portal.test"], None, raw(2))
    intake.close()
    assert count(portal) == 0


def test_a_huge_folded_header_is_read_in_bounded_steps() -> None:
    """10 MB of continuation lines under Message-ID: no id (it is longer than 998), at once."""
    folded = b"Message-ID: <a@b>" + b"\r\n " + b"\r\n ".join([b"x" * 990] * 10_000)
    assert _message_id(folded + b"\r\n\r\nbody") is None
    assert _message_id(b"Message-ID: <a@b>\r\n" + b"X-Pad: y\r\n" * 100_000 + b"\r\n") == "<a@b>"
