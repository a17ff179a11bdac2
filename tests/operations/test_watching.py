"""GET /healthz and GET /metrics on the running portal's HTTP side, over real loopback HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.app import Portal
from bot.config import Settings
from store import inbox, outbox
from store.base import utcnow
from store.db import transaction
from store.migrate import head_revision
from tests.harness import RunningPortal, free_port

HEAD = head_revision()


@pytest.fixture
def watched(
    settings: Settings, portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[RunningPortal, str]]:
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    http = f"127.0.0.1:{free_port()}"
    live = Portal.open(
        settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}", http_listen=http)
    )
    server = RunningPortal(live).start()
    yield server, f"http://{http}"
    server.stop()
    live.close()


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read()


def metrics(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def stuck_item(portal: Portal) -> None:
    """An inbox item claimed just now by a processor that never finishes, received 20 min ago."""
    now = utcnow()
    with transaction(portal.sessions) as session:
        item, _ = inbox.store_message(
            session,
            channel="email",
            sender="vong@nra.example",
            recipients=["submit@portal.test"],
            message_id="<stuck@nra.example>",
            raw=b"Subject: HELP\r\n\r\nhelp\r\n",
        )
        item.received_at = now - timedelta(minutes=20)
        item.status, item.claimed_at, item.claimed_by = inbox.PROCESSING, now, "elsewhere:p-1"
        session.add(
            outbox.OutboxItem(
                channel="email",
                recipient="gone@nowhere.example",
                kind="receipt",
                body="x",
                message_id="<failed@portal.test>",
                status=outbox.FAILED,
                last_error="550 no such user",
            )
        )


def test_healthz_is_200_with_the_facts(watched: tuple[RunningPortal, str]) -> None:
    _, base = watched
    status, kind, body = get(base + "/healthz")
    facts = json.loads(body)
    assert (status, kind) == (200, "application/json; charset=utf-8")
    assert facts["healthy"] is True and facts["problems"] == [] and facts["attention"] == []
    assert facts["database"] == {"answers": True, "revision": HEAD, "head": HEAD}
    assert facts["inbox"] == {"waiting": 0, "failed": 0, "quarantined": 0, "oldest_waiting": None}
    assert facts["outbox"] == {"waiting": 0, "failed": 0, "oldest_due": None}
    assert facts["telegram"]["mode"] == "off"
    assert facts["bouncing_addresses"] == 0
    assert sorted(facts["digests"]) == ["last_finished", "last_period", "next"]


def test_healthz_is_503_when_an_item_is_stuck(watched: tuple[RunningPortal, str]) -> None:
    running, base = watched
    stuck_item(running.portal)
    status, _, body = get(base + "/healthz")
    facts = json.loads(body)
    assert status == 503
    assert facts["healthy"] is False
    assert len(facts["problems"]) == 1
    assert facts["problems"][0].startswith("an inbox item has waited since ")
    assert facts["attention"] == ["1 outbox item(s) failed"]
    assert facts["inbox"]["waiting"] == 1 and facts["outbox"]["failed"] == 1


def test_metrics_in_prometheus_text_format(watched: tuple[RunningPortal, str]) -> None:
    running, base = watched
    stuck_item(running.portal)
    status, kind, body = get(base + "/metrics")
    assert (status, kind) == (200, "text/plain; version=0.0.4; charset=utf-8")
    found = metrics(body)
    assert found[("portal_healthy", ())] == 0.0
    assert found[("portal_database_up", ())] == 1.0
    assert found[("portal_database_at_head", ())] == 1.0
    assert {k[1][0][1]: v for k, v in found.items() if k[0] == "portal_inbox_items"} == {
        "new": 0.0,
        "processing": 1.0,
        "done": 0.0,
        "failed": 0.0,
        "quarantined": 0.0,
    }
    assert {k[1][0][1]: v for k, v in found.items() if k[0] == "portal_outbox_items"} == {
        "pending": 0.0,
        "sending": 0.0,
        "sent": 0.0,
        "failed": 1.0,
    }
    assert 20 * 60 <= found[("portal_inbox_oldest_waiting_seconds", ())] < 24 * 3600
    assert found[("portal_outbox_oldest_due_seconds", ())] == 0.0
    assert ("portal_digest_next_timestamp_seconds", ()) in found
    assert found[("portal_info", (("version", "0.1.0"),))] == 1.0
