"""What a command works with: the transaction, the sender, and the replies it owes."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import addresses, tokens
from bot.config import Settings
from bot.envelope import Buttons, Inbound, Outbound, outbox_item
from bot.parsing.normalise import fold
from bot.render import render
from store.audit import AuditEntry
from store.base import utcnow
from store.outbox import OutboxItem, error_reply_sent_since
from store.people import Person

log = logging.getLogger(__name__)

ERROR_REPLY_INTERVAL = timedelta(days=1)


@dataclass
class Context:
    """One inbox item being handled, inside its one transaction."""

    session: Session
    settings: Settings
    inbound: Inbound
    person: Person | None
    inbox_item_id: int | None = None
    about: tokens.Token | None = None  # what the sender replied to, from a valid reply token
    vouched: bool = False  # the channel vouches for the sender's address (set by its front)
    now: datetime = field(default_factory=utcnow)
    sent: list[OutboxItem] = field(default_factory=list)

    @property
    def language(self) -> str:
        """Of the reply: the message's when it tells, else the sender's own, else English."""
        if self.inbound.language:
            return self.inbound.language
        if self.person is not None and self.person.language:
            return self.person.language
        return "en"

    def message_key(self, kind: str) -> str:
        """An error key that repeats only for the very same message: the same subject and
        text once case, accents, punctuation and spacing are set aside. A person trying again
        with a different message always hears back; the same one sent twice, once a day."""
        said = fold(self.inbound.subject) + "\n" + fold(self.inbound.text)
        return f"{kind}:{hashlib.sha256(said.encode()).hexdigest()[:32]}"

    @property
    def who(self) -> str:
        if self.person is None:
            return self.inbound.sender
        return f"{self.inbound.sender} (person {self.person.id})"

    @property
    def is_secretariat(self) -> bool:
        return bool(self.person and self.person.is_secretariat)

    def reply(
        self,
        template: str,
        *,
        about: tuple[str, int] | None = None,
        error_key: str | None = None,
        buttons: list[list[tuple[str, str]]] | None = None,
        edit_message_id: int | None = None,
        **context: Any,
    ) -> OutboxItem | None:
        """Answer the sender on their channel, threaded to their message.

        `about` binds the reply token (default: this inbox item). With `error_key`, the same
        kind of error reply goes to an address at most once a day. `buttons` go with it where
        the channel has buttons, and it replaces the message `edit_message_id` where it can.
        """
        recipient = self.inbound.answer_to
        if error_key and error_reply_sent_since(
            self.session, recipient, error_key, self.now - ERROR_REPLY_INTERVAL
        ):
            log.info("inbox item %s: %s reply not repeated today", self.inbox_item_id, error_key)
            return None
        subject, body = render(template, self.language, **self.common(self.language), **context)
        if about is None and self.inbox_item_id is not None:
            about = ("i", self.inbox_item_id)
        threaded = self.inbound.channel == "email"  # mail threads by Message-ID
        item = self.enqueue(
            Outbound(
                channel=self.inbound.channel,
                recipient=recipient,
                kind=template,
                subject=subject,
                body=body,
                in_reply_to=self.inbound.message_id if threaded else None,
                references=(*self.inbound.references, *filter(None, [self.inbound.message_id]))
                if threaded
                else (),
                buttons=_rows(buttons),
                replaces=edit_message_id,
            ),
            about=about,
        )
        item.error_key = error_key
        return item

    def notify(
        self,
        person: Person,
        template: str,
        *,
        about: tuple[str, int] | None = None,
        buttons: list[list[tuple[str, str]]] | None = None,
        by_email: bool = False,
        **context: Any,
    ) -> OutboxItem | None:
        """Tell another person: in Telegram when they linked it, else (or when `by_email`) by
        email, to their first registered address; `buttons` go where the channel has them."""
        language = person.mail_language
        subject, body = render(template, language, **self.common(language, person), **context)
        telegram = person.telegram_id and person.telegram_active and self.settings.telegram_token
        if telegram and not by_email:
            return self.enqueue(
                Outbound(
                    channel="telegram",
                    recipient=str(person.telegram_id),
                    kind=template,
                    subject=subject,
                    body=body,
                    buttons=_rows(buttons),
                )
            )
        address = person.reachable_email  # an address that bounces gets nothing more
        if address is None:
            if person.email is not None:
                log.info("person %d: every address bounces; %s not sent", person.id, template)
            return None
        return self.enqueue(
            Outbound(
                channel="email",
                recipient=address,
                kind=template,
                subject=subject,
                body=body,
                buttons=_rows(buttons),
            ),
            about=about,
        )

    def enqueue(self, outbound: Outbound, about: tuple[str, int] | None = None) -> OutboxItem:
        headers = dict(outbound.headers)
        if outbound.in_reply_to:
            headers["In-Reply-To"] = outbound.in_reply_to
        if outbound.references:
            headers["References"] = " ".join(dict.fromkeys(outbound.references))
        if outbound.channel == "email" and about is not None:
            token = tokens.make(
                self.settings.secret_key.encode(), about[0], about[1], outbound.recipient, self.now
            )
            headers["Reply-To"] = addresses.of(self.settings).reply(token)
        item = outbox_item(
            replace(outbound, headers=headers),
            message_id=addresses.of(self.settings).message_id(),
            created_at=self.now,
            inbox_item_id=self.inbox_item_id,
        )
        self.session.add(item)
        self.sent.append(item)
        return item

    def audit(
        self,
        action: str,
        *,
        record_id: int | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> None:
        self.session.add(
            AuditEntry(
                who=self.who,
                person_id=self.person.id if self.person else None,
                channel=self.inbound.channel,
                action=action,
                record_id=record_id,
                before=before,
                after=after,
                note=note,
                at=self.now,
            )
        )

    def common(self, language: str, person: Person | None = None) -> dict[str, Any]:
        """What every template may use."""
        return {
            **self.settings.names_in(language),
            "submit_address": self.settings.submit_address,
            "person": person or self.person,
        }


def _rows(buttons: list[list[tuple[str, str]]] | None) -> Buttons:
    """Rows of (label, what pressing it says), as an Outbound keeps them."""
    return tuple(tuple(row) for row in buttons or ())
