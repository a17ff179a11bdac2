"""GET /metrics: the status facts in Prometheus' text format, read afresh at each scrape."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector

from bot.operations.status import Status


class StatusCollector(Collector):
    def __init__(self, read_status: Callable[[], Status]) -> None:
        self.read_status = read_status

    def collect(self) -> Iterator[GaugeMetricFamily | InfoMetricFamily]:
        status = self.read_status()
        yield InfoMetricFamily("portal", "The portal's version", value={"version": status.version})
        yield _gauge("portal_healthy", "1 when /healthz answers 200", not status.problems)
        yield _gauge(
            "portal_database_up", "1 when the database answers", status.database_error is None
        )
        yield _gauge(
            "portal_database_at_head",
            "1 when the database is at the code's revision",
            status.revision is not None and status.revision == status.head,
        )
        if status.queues is not None:
            for queue, counts in (("inbox", status.queues.inbox), ("outbox", status.queues.outbox)):
                family = GaugeMetricFamily(
                    f"portal_{queue}_items",
                    f"{queue.capitalize()} items by state",
                    labels=["state"],
                )
                for state, count in counts.items():
                    family.add_metric([state], count)
                yield family
            yield _age(
                "portal_inbox_oldest_waiting_seconds",
                "Age of the oldest inbox item new or being handled (0: none)",
                status.now,
                status.queues.inbox_oldest_waiting,
            )
            yield _age(
                "portal_outbox_oldest_due_seconds",
                "How long the oldest outbox item not yet sent has been due (0: none)",
                status.now,
                status.queues.outbox_oldest_due,
            )
        for name, help_text, moment in (
            (
                "portal_digest_last_sent_timestamp_seconds",
                "When the last digests were all written",
                status.last_digest_at,
            ),
            (
                "portal_digest_next_timestamp_seconds",
                "When the next digests fall due",
                status.next_digest_at,
            ),
            (
                "portal_backup_last_timestamp_seconds",
                "When the newest backup was written",
                status.last_backup_at,
            ),
        ):
            if moment is not None:
                yield _gauge(name, help_text, moment.timestamp())
        if status.polling is not None and status.polling.last_ok() is not None:
            ok = status.polling.last_ok()
            assert ok is not None
            yield _gauge(
                "portal_telegram_last_poll_timestamp_seconds",
                "When Telegram last answered a poll",
                ok.timestamp(),
            )
        ok = status.mailbox.last_ok() if status.mailbox is not None else None
        if ok is not None:
            yield _gauge(
                "portal_mailbox_last_pass_timestamp_seconds",
                "When the mailbox reader last read its folder without a failure",
                ok.timestamp(),
            )
        if status.mailbox is not None:
            failing = status.mailbox.failing_from()
            yield _age(
                "portal_mailbox_failing_seconds",
                "How long the mailbox reader has failed without a good pass (0: it reads)",
                status.now,
                failing,
            )
        if status.bouncing_addresses is not None:
            yield _gauge(
                "portal_bouncing_addresses",
                "Addresses whose mail bounces",
                status.bouncing_addresses,
            )


def _gauge(name: str, help_text: str, value: float | bool) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=float(value))


def _age(name: str, help_text: str, now: datetime, since: datetime | None) -> GaugeMetricFamily:
    return _gauge(name, help_text, (now - since).total_seconds() if since is not None else 0.0)


def metrics_page(read_status: Callable[[], Status]) -> Callable[[], bytes]:
    """A function that renders the metrics, reading the status afresh each time."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StatusCollector(read_status))
    return lambda: generate_latest(registry)
