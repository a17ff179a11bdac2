"""`portal run`: start every service on one event loop and stop them cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.errors import ConfigError
from bot.services import Service, Shared, nap, outliving_the_database

if TYPE_CHECKING:
    from bot.app import Portal
    from bot.envelope import Sender
    from bot.pipeline.intake import GroupCommit

# Each service imports its channel when it starts, so a part imports only what its own services
# need and the SMTP listener greets sooner after `portal run` (issue 19).

log = logging.getLogger(__name__)


async def smtp_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    """SMTP greets first and opens the database behind the greeting (bot.pipeline.opening)."""
    from bot import addresses
    from bot.channels.email.smtp import SubmissionHandler, start_server
    from bot.pipeline.opening import OpeningIntake

    settings = portal.settings
    opening = OpeningIntake()
    handler = SubmissionHandler(
        settings.domain,
        opening.submit,
        settings.max_message_size,
        on_stored=lambda _item_id: wake.inbox.set(),
        max_recipients=settings.smtp_max_recipients,
        store_timeout=settings.smtp_store_timeout,
        also_accepts=addresses.of(settings).accepted_by_smtp,
    )
    host, port = settings.smtp_host_port
    server = await start_server(
        handler,
        host,
        port,
        settings.max_message_size,
        timeout=settings.smtp_timeout,
        max_connections=settings.smtp_max_connections,
        max_connections_per_client=settings.smtp_max_connections_per_client,
        front_servers=settings.smtp_front_servers,
        sock=wake.sockets.get("smtp"),
    )
    bound = server.sockets[0].getsockname()
    log.info("SMTP listening on %s:%d for %s", bound[0], bound[1], settings.submit_address)
    intake = None
    try:
        try:
            intake = await asyncio.to_thread(_group_commit, portal)
        except BaseException as exc:
            opening.failed(exc)
            raise
        opening.opened(intake)
        if wake.listening is not None:  # the other parts start now (bot.supervisor)
            wake.listening()
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        if intake is not None:
            await asyncio.to_thread(intake.close)  # what is waiting is committed first


def _group_commit(portal: Portal) -> GroupCommit:
    """Intake's writer on the portal's database, which this opens (SQLAlchemy, the models)."""
    from bot.pipeline.intake import GroupCommit

    return GroupCommit(portal.sessions, "email")


async def mailbox_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    """An existing mailbox read over IMAP (PORTAL_IMAP_URL), beside the SMTP listener."""
    from bot.channels.email.imap import mailbox_url
    from bot.channels.email.mailbox import MailboxReader
    from bot.operations import mailbox_state
    from bot.pipeline.intake import GroupCommit
    from bot.pipeline.mailbox_positions import MailboxPositions

    loop = asyncio.get_running_loop()
    intake = GroupCommit(portal.sessions, "email")

    def stored() -> None:  # called from the reader's thread
        loop.call_soon_threadsafe(wake.inbox.set)

    reader = MailboxReader(
        mailbox_url(portal.settings),
        portal.settings,
        intake.submit,
        MailboxPositions(portal.sessions),
        on_stored=stored,
        report=mailbox_state.reporter(portal.settings.home),
    )
    halt = threading.Event()  # the reader's thread looks at it between short waits
    reading = asyncio.ensure_future(asyncio.to_thread(reader.serve, halt))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([reading, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        halt.set()
        await reading
        await asyncio.to_thread(intake.close)


async def processing_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    from bot.pipeline import fronts
    from bot.pipeline.processor import WORKER as processor_worker
    from bot.pipeline.processor import Processor
    from bot.pipeline.warm import warm_up

    processor = Processor(portal.sessions, portal.settings, wake.worker or processor_worker)
    processor.watch = wake.watch
    for item_id, reason in wake.verdicts:  # what stopped this part's last process
        await asyncio.to_thread(processor.give_up, item_id, reason)
    wake.verdicts.clear()
    await asyncio.to_thread(fronts.make_all)  # each channel's reading, before the first message
    await asyncio.to_thread(warm_up)  # and the template reader's indexes
    log.info("ready to handle messages")
    while not stop.is_set():
        while not stop.is_set() and await asyncio.to_thread(processor.process_next) is not None:
            wake.outbox.set()
        await nap(wake.inbox, stop)


async def delivery_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    from telegram.error import TelegramError

    from bot.channels.telegram.sending import TelegramSender
    from bot.pipeline.delivery import WORKER as delivery_worker
    from bot.pipeline.delivery import Delivery

    senders = senders_for(portal)
    async with contextlib.AsyncExitStack() as stack:
        telegram = senders.get("telegram")
        if isinstance(telegram, TelegramSender):
            try:
                await stack.enter_async_context(telegram.bot)
            except TelegramError:
                log.exception("Telegram cannot be reached; its messages wait in the outbox")
                del senders["telegram"]
        delivery = Delivery(
            portal.sessions, senders, wake.worker or delivery_worker, settings=portal.settings
        )
        while not stop.is_set():
            delivered = await outliving_the_database("delivery", delivery.deliver_due())
            if not delivered:  # while mail goes out, more may be waiting: no pause
                await nap(wake.outbox, stop)


async def telegram_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    """Long polling: each update is in the inbox before Telegram is told it was received."""
    from bot.channels.telegram import webhook as telegram_webhook
    from bot.channels.telegram.menu import commands_by_language
    from bot.channels.telegram.polling import ALLOWED_UPDATES, TelegramPoller, make_bot
    from bot.channels.telegram.sending import set_commands
    from bot.operations.polling_state import PollingReporter
    from bot.pipeline.intake import keeper

    bot = make_bot(portal.settings)
    settings = portal.settings
    async with bot:
        await set_commands(bot, commands_by_language())
        if settings.telegram_webhook_url:  # updates arrive on the HTTP side instead
            secret = telegram_webhook.webhook_secret(settings.secret_key.encode())
            await bot.set_webhook(
                settings.telegram_webhook_url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
            log.info("Telegram webhook set to %s", settings.telegram_webhook_url)
            await stop.wait()
            return
        poller = TelegramPoller(
            bot,
            keeper(portal.sessions, "telegram"),
            on_stored=lambda _item_id: wake.inbox.set(),
            on_polled=PollingReporter(settings.home),
        )
        log.info("Telegram polling as @%s", bot.username)
        await poller.run(stop)


async def scheduler_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    """Weekly digests; daily renewals and pruning of old raw mail; a period missed while the
    portal was stopped is caught up first. A database outage delays a run, it stops nothing."""
    from bot.people.retention import prune
    from bot.records.renewal import remind_and_expire
    from digests import schedule
    from digests.period import period_of
    from digests.schedule import overdue_period
    from digests.send import ensure_period
    from store.base import utcnow

    settings = portal.settings

    async def digests_now(period: str | None = None) -> None:
        now = utcnow()
        wanted = period or period_of(now, settings.timezone)
        await outliving_the_database(
            "digests", asyncio.to_thread(ensure_period, portal.sessions, settings, wanted, now)
        )
        wake.outbox.set()

    async def daily_now() -> None:
        now = utcnow()
        await outliving_the_database(
            "renewal", asyncio.to_thread(remind_and_expire, portal.sessions, settings, now)
        )
        await outliving_the_database(
            "pruning", asyncio.to_thread(prune, portal.sessions, settings, now)
        )
        wake.outbox.set()

    overdue = await outliving_the_database(
        "catch-up",
        asyncio.to_thread(
            overdue_period, portal.sessions, settings.digest_schedule, settings.timezone, utcnow()
        ),
    )
    if overdue is not None:
        log.info("catching up the digests of %s, due while the portal was stopped", overdue)
        await digests_now(overdue)
    await daily_now()
    scheduler = schedule.start(settings.digest_schedule, settings.timezone, digests_now, daily_now)
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)


async def http_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    """One-click unsubscribe for digests (the links need PORTAL_PUBLIC_URL to point here);
    /healthz and /metrics."""
    from bot.channels import http
    from bot.channels.telegram import webhook as telegram_webhook
    from bot.operations.metrics import metrics_page
    from bot.operations.status import Status, as_json, gather
    from bot.people.subscriptions import unsubscribe_by_digest_token
    from bot.pipeline.intake import keeper
    from store.base import utcnow

    settings = portal.settings

    def unsubscribe(token: str) -> str | None:
        return unsubscribe_by_digest_token(
            portal.sessions, settings.secret_key.encode(), token, utcnow()
        )

    app = http.application(unsubscribe, settings.bot_name)

    def read_status() -> Status:
        return gather(settings, portal.engine)

    def health() -> tuple[bool, dict[str, object]]:
        status = read_status()
        return not status.problems, as_json(status)

    http.add_watch_routes(app, health, metrics_page(read_status))
    if settings.telegram_token and settings.telegram_webhook_url:
        telegram_webhook.add_route(
            app,
            telegram_webhook.webhook_secret(settings.secret_key.encode()),
            keeper(portal.sessions, "telegram"),
            on_stored=lambda _item_id: wake.inbox.set(),
        )
    host, _, port = settings.http_listen.rpartition(":")
    runner = await http.start_server(app, host or "127.0.0.1", int(port), wake.sockets.get("http"))
    log.info("HTTP listening on %s", settings.http_listen)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


async def site_service(portal: Portal, stop: asyncio.Event, wake: Shared) -> None:
    """Keep the public site in PORTAL_SITE_DIR current: rebuilt when records or matches change."""
    from bot.site import build_site, site_fingerprint
    from store.base import utcnow

    out = Path(portal.settings.site_dir)
    built: tuple[object, ...] | None = None
    while not stop.is_set():
        current = await outliving_the_database(
            "site", asyncio.to_thread(site_fingerprint, portal.sessions)
        )
        if current is not None and current != built:
            result = await outliving_the_database(
                "site",
                asyncio.to_thread(build_site, portal.sessions, portal.settings, out, utcnow()),
            )
            if result is not None:
                log.info(
                    "site rebuilt in %s: %d page(s), %d record(s)",
                    out,
                    result.pages,
                    result.records,
                )
                built = current
        await nap(asyncio.Event(), stop)


def senders_for(portal: Portal) -> dict[str, Sender]:
    from bot.channels.email.sending import EmailSender, MaildirSender, RelaySender
    from bot.channels.telegram.polling import make_bot
    from bot.channels.telegram.sending import TelegramSender
    from bot.people import bounces

    settings = portal.settings
    transport = (
        RelaySender.for_settings(settings) if settings.relay else MaildirSender(settings.maildir)
    )
    email = EmailSender(
        transport,
        from_name=settings.bot_name,
        from_address=settings.submit_address,
        envelope_sender=partial(bounces.envelope_sender, settings),
    )
    senders: dict[str, Sender] = {"email": email}
    if settings.telegram_token:
        senders["telegram"] = TelegramSender(make_bot(settings))
    return senders


PARTS = ("intake", "processor", "delivery", "scheduler")  # the order they stop in


def parts_for(settings: Settings) -> dict[str, list[Service]]:
    """The services of each part of `portal run`, for these settings. Intake takes in (mail,
    Telegram, the HTTP side), processors handle, delivery sends, the scheduler keeps time (and
    the public site)."""
    if settings.telegram_webhook_url and not settings.http_listen:
        raise ConfigError("PORTAL_TELEGRAM_WEBHOOK_URL needs PORTAL_HTTP_LISTEN for its server")
    if settings.relay:  # no password and no OAuth2 tokens: said now, in one line
        from bot.channels.email.sending import RelaySender

        RelaySender.for_settings(settings)
    intake: list[Service] = [smtp_service]
    if settings.imap_url:
        from bot.channels.email.imap import mailbox_url

        mailbox_url(settings)  # a bad PORTAL_IMAP_URL stops `portal run` at once
        intake.append(mailbox_service)
    if settings.http_listen:
        intake.append(http_service)
    if settings.telegram_token:
        intake.append(telegram_service)
    scheduler: list[Service] = [scheduler_service]
    if settings.site_dir:
        scheduler.append(site_service)
    return {
        "intake": intake,
        "processor": [processing_service],
        "delivery": [delivery_service],
        "scheduler": scheduler,
    }


def services_for(portal: Portal) -> list[Service]:
    """Every service of `portal run`, to run in one process (the tests' harness does)."""
    return [service for part in parts_for(portal.settings).values() for service in part]
