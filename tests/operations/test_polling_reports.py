"""The Telegram poller reports each poll, and the state file says how polling is going."""

from __future__ import annotations

from pathlib import Path

from telegram import Bot

from bot.app import Portal
from bot.channels.telegram.polling import TelegramPoller
from bot.operations.polling_state import PollingReporter, read
from bot.pipeline.intake import keeper
from tests.channels.test_telegram_channel import CHAT, bot, poll_until, telegram
from tests.fake_telegram import FakeTelegram

__all__ = ["bot", "telegram"]  # the fixtures


async def test_each_poll_is_reported_and_written_down(
    portal: Portal, telegram: FakeTelegram, bot: Bot, tmp_path: Path
) -> None:
    update = telegram.push_message(CHAT, "/help")
    keep = keeper(portal.sessions, "telegram")
    reports: list[str | None] = []
    reporter = PollingReporter(tmp_path)

    def flaky_keep(sender: str, recipients: list[str], message_id: str | None, raw: bytes) -> int:
        if not reports:
            raise RuntimeError("database is locked")
        return keep(sender, recipients, message_id, raw)

    def report(error: str | None) -> None:
        reports.append(error)
        reporter(error)

    poller = TelegramPoller(bot, flaky_keep, retry_delay=0.01, on_polled=report)
    await poll_until(poller, lambda: telegram.confirmed_offset == update["update_id"] + 1)

    assert reports[:2] == ["an update could not be kept in the inbox", None]
    assert set(reports[2:]) <= {None}
    state = read(tmp_path)
    assert state is not None
    assert state.failing_since is None and state.error is None and state.ok_at is not None
