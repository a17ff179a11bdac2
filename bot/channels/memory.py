"""The in-memory channel, the twin fast tests talk to (as Errbot's test backend): no network.

A message said to it is kept in the inbox as any channel's, handled by the real processor and
answered through the real outbox; what the portal would send, on any channel, is recorded in
its neutral parts. Its sender is an address, taken as authenticated (the twin stands for a
channel that proved who is writing); it reads commands as email does.

    twin = MemoryChannel(portal.sessions, portal.settings)
    twin.say("vong@nra.example", "LIST")
    (listing,) = twin.settle()
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot import commands
from bot.config import Settings
from bot.context import Context
from bot.envelope import Asked, Buttons, Inbound, neutral_parts
from bot.parsing.language import detect_language
from bot.pipeline import fronts
from bot.pipeline.delivery import Delivery
from bot.pipeline.processor import Processor
from store.db import transaction
from store.inbox import InboxItem, store_message
from store.outbox import OutboxItem
from store.people import person_by_email

log = logging.getLogger(__name__)

CHANNEL = "memory"
CHANNELS = ("memory", "email", "telegram")  # what the twin records: everything going out


@dataclass(frozen=True)
class Said:
    """One message the portal sent, in its neutral parts."""

    channel: str
    recipient: str
    kind: str
    subject: str
    body: str
    buttons: Buttons = ()
    replaces: int | None = None


class MemoryFront:
    def read(self, item: InboxItem) -> Inbound:
        said = json.loads(item.raw)
        subject, text = said["subject"], said["text"]
        return Inbound(
            channel=CHANNEL,
            sender=item.sender,
            subject=subject,
            text=text,
            message_id=item.message_id,
            language=detect_language(subject, text),
        )

    def automatic(self, item: InboxItem) -> str | None:
        return None

    def admit(self, ctx: Context, item: InboxItem) -> str | None:
        ctx.person = person_by_email(ctx.session, ctx.inbound.sender)
        ctx.vouched = True
        return None

    def vouched(self, ctx: Context, item: InboxItem) -> bool:
        return True  # the twin stands for a channel that proved who is writing

    def command(self, ctx: Context) -> Asked | None:
        found = commands.read_command(ctx.inbound.subject, ctx.inbound.text)
        return None if found is None else Asked(*found)


class MemorySender:
    """Records each outbox item it is given instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[Said] = []

    async def deliver(self, item: OutboxItem) -> None:
        buttons, replaces = neutral_parts(item.headers) or ((), None)
        self.sent.append(
            Said(
                item.channel, item.recipient, item.kind, item.subject, item.body, buttons, replaces
            )
        )


class MemoryChannel:
    """A portal's in-memory twin: `say` keeps a message, `settle` handles and delivers all."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        fronts.register(CHANNEL, MemoryFront())
        self.sessions = sessions
        self.processor = Processor(sessions, settings, worker="memory:processor")
        self.sender = MemorySender()
        self.delivery = Delivery(
            sessions, dict.fromkeys(CHANNELS, self.sender), worker="memory:delivery"
        )
        self.settings = settings

    @property
    def sent(self) -> list[Said]:
        return self.sender.sent

    def say(self, sender: str, subject: str, text: str = "") -> int:
        """Keep a message from `sender` in the inbox; returns its inbox item id."""
        raw = json.dumps({"subject": subject, "text": text}).encode()
        with transaction(self.sessions) as session:
            item, _ = store_message(
                session,
                channel=CHANNEL,
                sender=sender,
                recipients=[self.settings.submit_address],
                message_id=f"<{uuid.uuid4().hex}@{CHANNEL}>",
                raw=raw,
            )
            return item.id

    def settle(self) -> list[Said]:
        """Handle every waiting message and deliver what they caused; returns what went out."""
        before = len(self.sent)
        self.processor.process_all()
        while asyncio.run(self.delivery.deliver_due()):
            pass
        return self.sent[before:]
