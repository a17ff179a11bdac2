"""Channel-neutral messages: what came in (Inbound), what we owe someone (Outbound), and what
the core asks of a channel about each (Front, Sender)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the row is made by outbox_item(): a part that only reads Front needs no ORM
    from bot.commands.base import Command
    from bot.context import Context
    from store.inbox import InboxItem
    from store.outbox import OutboxItem

Buttons = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, what pressing it says)


@dataclass(frozen=True)
class Failure:
    """One recipient a delivery report says our mail did not reach, and how."""

    address: str  # the failed recipient, lower case ("" when the report names none)
    kind: str  # "permanent" | "temporary" | "delayed" | "policy" (store.bounces)
    status: str = ""  # the enhanced status code, "5.1.1"
    reason: str = ""  # the remote server's diagnostic, on one line
    original: str = ""  # the address our mail was sent to, when the report says (an alias's)


@dataclass(frozen=True)
class Bounce:
    """A delivery report about mail we sent, as its channel read it: the Message-IDs of the
    returned original (when it came back with it) and the failures it reports."""

    message_ids: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class Inbound:
    """A message as the processor sees it, whatever channel brought it."""

    channel: str  # "email" | "telegram" | "memory"
    sender: str  # the address (or telegram user id) the message says it is from
    subject: str
    text: str  # plain text, quotes and signatures stripped
    quoted: str = ""  # the quoted part, which answers to calls may have edited in place
    message_id: str | None = None
    references: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()  # file names, noted in the receipt (email reads a
    # .txt, .docx or .pdf for the template only when the body holds none)
    automatic: str | None = None  # why this is an auto-reply, bounce or list mail, if it is
    language: str | None = None  # the sender's language when the channel knows it
    chat: str | None = None  # Telegram: the chat to answer in
    callback_id: str | None = None  # Telegram: a button press, answered once
    callback_data: str | None = None
    callback_message_id: int | None = None  # the message whose button was pressed
    bounce: Bounce | None = None  # a delivery report about our own mail (bot.people.bounces)

    @property
    def answer_to(self) -> str:
        return self.chat or self.sender


@dataclass(frozen=True)
class Outbound:
    """A reply, notification or digest, written to the outbox in the same transaction.

    Its parts are neutral: each channel's sender gives them its own form (Telegram joins the
    subject and the body and makes `buttons` an inline keyboard; email composes a MIME message
    with the `html` alternative). `replaces` is the channel's id of an earlier message this one
    takes the place of (Telegram edits it); `headers` are the channel's own, as they are sent.
    """

    channel: str
    recipient: str
    kind: str
    subject: str
    body: str
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    headers: dict[str, Any] = field(default_factory=dict)
    html: str | None = None
    buttons: Buttons = ()
    replaces: int | None = None


PARTS = "outbound"
"""The key of an outbox item's headers that holds its neutral parts (buttons, replaces). Its
presence says the item was written in the neutral form: subject and body apart. An item without
it was written before (a Telegram one with the subject joined to its body and its keyboard as
`reply_markup`), and is delivered as it was written."""


def stored_headers(outbound: Outbound) -> dict[str, Any]:
    """The headers an outbox item keeps: the channel's own, and the neutral parts (as JSON)."""
    parts: dict[str, Any] = {}
    if outbound.buttons:
        parts["buttons"] = [[[label, data] for label, data in row] for row in outbound.buttons]
    if outbound.replaces is not None:
        parts["replaces"] = outbound.replaces
    return {**outbound.headers, PARTS: parts}


def outbox_item(
    outbound: Outbound, *, message_id: str, created_at: datetime, inbox_item_id: int | None = None
) -> OutboxItem:
    """The outbox row that keeps `outbound` until its channel delivers it."""
    from store.outbox import OutboxItem

    return OutboxItem(
        **outbox_values(
            outbound, message_id=message_id, created_at=created_at, inbox_item_id=inbox_item_id
        )
    )


def outbox_values(
    outbound: Outbound, *, message_id: str, created_at: datetime, inbox_item_id: int | None = None
) -> dict[str, Any]:
    """The columns of `outbound`'s outbox row, for writing many at once (store.outbox.add_all)."""
    return {
        "channel": outbound.channel,
        "recipient": outbound.recipient,
        "kind": outbound.kind,
        "subject": outbound.subject,
        "body": outbound.body,
        "html": outbound.html,
        "headers": stored_headers(outbound),
        "message_id": message_id,
        "inbox_item_id": inbox_item_id,
        "created_at": created_at,
    }


def neutral_parts(headers: dict[str, Any] | None) -> tuple[Buttons, int | None] | None:
    """The buttons and the replaced message an item was written with; None: an item written
    before the neutral form, in its channel's own form."""
    if not headers or not isinstance(headers.get(PARTS), dict):
        return None
    parts = headers[PARTS]
    buttons = tuple(
        tuple((str(label), str(data)) for label, data in row) for row in parts.get("buttons", ())
    )
    replaces = parts.get("replaces")
    return buttons, None if replaces is None else int(replaces)


@dataclass(frozen=True)
class Asked:
    """The command a message asks for, as its channel reads it; `command` None: a word that
    names no command (answered with HELP)."""

    command: Command | None
    args: str = ""


class Front(Protocol):
    """A channel's front door: how it reads what it kept, and what it checks before the core
    dispatches (bot.pipeline.handle). Registered by the wiring (bot.pipeline.fronts)."""

    def read(self, item: InboxItem) -> Inbound:
        """The kept item as an Inbound; raise bot.errors.UnreadableMessage past the limits."""

    def automatic(self, item: InboxItem) -> str | None:
        """Why the item must not be answered, found without reading it whole (it may be what
        could not be read)."""

    def admit(self, ctx: Context, item: InboxItem) -> str | None:
        """Find the sender (ctx.person), whether the channel vouches for them (ctx.vouched)
        and what they replied to (ctx.about); return the outcome when the channel answered
        the message itself or refused it, else None."""

    def vouched(self, ctx: Context, item: InboxItem) -> bool:
        """Whether the channel vouches for the sender's address, asked of a message that is
        not admitted (a delivery report): authenticated by the checks configured, or no
        checks configured at all (email); a channel that proves its senders always does."""

    def command(self, ctx: Context) -> Asked | None:
        """The command the message asks for; None when it names none (maybe a submission)."""


class Sender(Protocol):
    """What the core asks of a channel going out: deliver an outbox item."""

    async def deliver(self, item: OutboxItem) -> None:
        """Deliver the item; raise bot.errors.DeliveryError to have it retried later."""
