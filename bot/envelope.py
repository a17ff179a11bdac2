"""Channel-neutral messages: what came in (Inbound) and what we owe someone (Outbound)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Inbound:
    """A message as the processor sees it, whatever channel brought it."""

    channel: str  # "email" | "telegram"
    sender: str  # the address (or telegram user id) the message says it is from
    subject: str
    text: str  # plain text, quotes and signatures stripped
    quoted: str = ""  # the quoted part, which answers to calls may have edited in place
    message_id: str | None = None
    references: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()  # file names, noted in the receipt, never read
    automatic: str | None = None  # why this is an auto-reply, bounce or list mail, if it is
    language: str | None = None  # the sender's language when the channel knows it
    chat: str | None = None  # Telegram: the chat to answer in
    callback_id: str | None = None  # Telegram: a button press, answered once
    callback_data: str | None = None
    callback_message_id: int | None = None  # the message whose button was pressed

    @property
    def answer_to(self) -> str:
        return self.chat or self.sender


@dataclass(frozen=True)
class Outbound:
    """A reply, notification or digest, written to the outbox in the same transaction."""

    channel: str
    recipient: str
    kind: str
    subject: str
    body: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    headers: dict[str, Any] = field(default_factory=dict)
