"""The outbox worker: to a relay, retried when the relay is down, never dropped."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot import runner, services
from bot.app import Portal
from bot.channels.email.sending import EmailSender, MaildirSender, RelaySender
from bot.pipeline.delivery import Delivery
from store import outbox
from store.base import utcnow
from store.db import transaction
from tests.fakes import RecordingRelay
from tests.harness import free_port, read_maildir


def enqueue(portal: Portal) -> int:
    with transaction(portal.sessions) as session:
        item = outbox.OutboxItem(
            channel="email",
            recipient="vong@nra.example",
            kind="receipt",
            subject="Received: N-2026-0001 Survey",
            body="Thank you.\n",
            headers={"In-Reply-To": "<m1@nra.example>", "References": "<m1@nra.example>"},
            message_id="<r1@portal.test>",
        )
        session.add(item)
        session.flush()
        return item.id


def delivery(portal: Portal, relay_url: str) -> Delivery:
    sender = EmailSender(
        RelaySender(relay_url, timeout=5),
        from_name="Cooperation Portal",
        from_address="submit@portal.test",
    )
    return Delivery(portal.sessions, {"email": sender})


def test_a_reply_goes_to_the_relay_with_its_headers(portal: Portal) -> None:
    item_id = enqueue(portal)
    with RecordingRelay() as relay:
        assert asyncio.run(delivery(portal, relay.url).deliver_due()) == 1
    ((mail_from, rcpt, message),) = relay.messages
    assert (mail_from, rcpt) == ("submit@portal.test", ["vong@nra.example"])
    assert message["From"] == "Cooperation Portal <submit@portal.test>"
    assert message["Message-ID"] == "<r1@portal.test>"
    assert message["In-Reply-To"] == "<m1@nra.example>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message.get_content().splitlines() == ["Thank you."]
    with portal.sessions() as session:
        assert session.get_one(outbox.OutboxItem, item_id).status == "sent"


def test_a_relay_that_is_down_means_a_later_try(portal: Portal) -> None:
    item_id = enqueue(portal)
    down = delivery(portal, f"smtp://127.0.0.1:{free_port()}")
    assert asyncio.run(down.deliver_due()) == 0
    with portal.sessions() as session:
        item = session.get_one(outbox.OutboxItem, item_id)
        assert (item.status, item.attempts) == ("pending", 1)
        assert item.last_error.startswith("relay 127.0.0.1:")
        assert item.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert asyncio.run(down.deliver_due()) == 0  # not due yet: nothing tried
    with transaction(portal.sessions) as session:
        session.get_one(outbox.OutboxItem, item_id).next_attempt_at = utcnow()
    with RecordingRelay() as relay:
        assert asyncio.run(delivery(portal, relay.url).deliver_due()) == 1
    assert len(relay.messages) == 1


def test_an_item_for_a_channel_not_configured_stays_visible(portal: Portal) -> None:
    with transaction(portal.sessions) as session:
        session.add(
            outbox.OutboxItem(
                channel="telegram",
                recipient="42",
                kind="receipt",
                subject="",
                body="hi",
                message_id="<t1@portal.test>",
            )
        )
    assert asyncio.run(Delivery(portal.sessions, {}).deliver_due()) == 0
    with portal.sessions() as session:
        (item,) = outbox.list_items(session)
        assert (item.status, item.last_error) == ("pending", "no telegram channel is configured")


def test_a_recipient_the_relay_refuses_does_not_hold_back_the_others(portal: Portal) -> None:
    with transaction(portal.sessions) as session:
        for n, address in enumerate(("gone@nra.example", "vong@nra.example")):
            session.add(
                outbox.OutboxItem(
                    channel="email",
                    recipient=address,
                    kind="receipt",
                    subject="s",
                    body="b",
                    message_id=f"<m{n}@p.test>",
                )
            )
    with RecordingRelay(refuse=("gone@nra.example",)) as relay:
        assert asyncio.run(delivery(portal, relay.url).deliver_due()) == 1
    assert [rcpt for _, rcpt, _ in relay.messages] == [["vong@nra.example"]]
    with portal.sessions() as session:
        items = {i.recipient: i for i in outbox.list_items(session)}
    assert (items["vong@nra.example"].status, items["gone@nra.example"].status) == (
        "sent",
        "failed",
    )  # a permanent refusal is not retried, and stays visible
    assert "gone@nra.example" in (items["gone@nra.example"].last_error or "")


def test_a_backlog_is_delivered_without_a_pause_between_batches(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """45 items are nine claims of 5: a worker that napped after each would take minutes."""
    monkeypatch.setattr(services, "POLL_SECONDS", 60.0)
    with transaction(portal.sessions) as session:
        for n in range(45):
            session.add(
                outbox.OutboxItem(
                    channel="email",
                    recipient=f"fp{n}@state.example",
                    kind="receipt",
                    subject=f"Received: N-2026-{n:04d}",
                    body="Thank you.\n",
                    message_id=f"<r{n}@portal.test>",
                )
            )

    async def drain() -> float:
        stop = asyncio.Event()
        worker = asyncio.create_task(runner.delivery_service(portal, stop, services.Shared()))
        started = time.monotonic()
        while len(read_maildir(portal.settings.home / "maildir")) < 45:
            assert time.monotonic() - started < 20, "the worker paused between batches"
            await asyncio.sleep(0.05)
        stop.set()
        await worker
        return time.monotonic() - started

    asyncio.run(drain())
    with portal.sessions() as session:
        statuses = session.scalars(select(outbox.OutboxItem.status)).all()
    assert statuses == ["sent"] * 45


class HeldSender:
    """Writes to the maildir, but holds its first item until `go` is set: a live worker."""

    def __init__(self, portal: Portal) -> None:
        self.email = EmailSender(
            MaildirSender(portal.settings.maildir),
            from_name="Cooperation Portal",
            from_address="submit@portal.test",
        )
        self.holding = asyncio.Event()
        self.go = asyncio.Event()
        self.delivered: list[str] = []

    async def deliver(self, item: outbox.OutboxItem) -> None:
        self.holding.set()
        await self.go.wait()
        await self.email.deliver(item)
        self.delivered.append(item.recipient)


def test_a_second_worker_takes_none_of_what_a_live_worker_holds(portal: Portal) -> None:
    """Two delivery workers on one database: the second one's start releases only its own
    claims, so the first one's batch is neither released nor sent twice."""
    with transaction(portal.sessions) as session:
        for n in range(outbox.BATCH + 2):
            session.add(
                outbox.OutboxItem(
                    channel="email",
                    recipient=f"fp{n}@state.example",
                    kind="receipt",
                    subject=f"Received: N-2026-{n:04d}",
                    body="Thank you.\n",
                    message_id=f"<r{n}@portal.test>",
                )
            )
    first, second = HeldSender(portal), HeldSender(portal)
    second.go.set()

    async def both() -> tuple[int, int, int]:
        one = Delivery(portal.sessions, {"email": first}, worker="host-a:delivery-1")
        held = asyncio.create_task(one.deliver_due())
        await first.holding.wait()  # its batch is claimed; it is handing over the first item
        two = Delivery(portal.sessions, {"email": second}, worker="host-b:delivery-1")
        released = await asyncio.to_thread(two.release_abandoned)
        delivered_by_two = await two.deliver_due()
        first.go.set()
        return released, delivered_by_two, await held

    assert asyncio.run(both()) == (0, 2, outbox.BATCH)
    assert first.delivered == [f"fp{n}@state.example" for n in range(outbox.BATCH)]
    assert second.delivered == ["fp5@state.example", "fp6@state.example"]
    assert len(read_maildir(portal.settings.maildir)) == outbox.BATCH + 2
    with portal.sessions() as session:
        claims = session.execute(
            select(outbox.OutboxItem.status, outbox.OutboxItem.claimed_by).order_by(
                outbox.OutboxItem.id
            )
        ).all()
    assert (
        claims
        == [("sent", "host-a:delivery-1")] * outbox.BATCH + [("sent", "host-b:delivery-1")] * 2
    )
