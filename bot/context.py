"""What a command works with: the transaction, the sender, and the replies it owes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.envelope import Inbound, Outbound
from bot.render import render
from store.audit import AuditEntry
from store.base import utcnow
from store.outbox import OutboxItem
from store.people import Person


@dataclass
class Context:
    """One inbox item being handled, inside its one transaction."""

    session: Session
    settings: Settings
    inbound: Inbound
    person: Person | None
    inbox_item_id: int | None = None
    now: datetime = field(default_factory=utcnow)
    sent: list[OutboxItem] = field(default_factory=list)

    @property
    def language(self) -> str:
        if self.person is not None:
            return self.person.language
        return self.inbound.language or "en"

    @property
    def who(self) -> str:
        if self.person is None:
            return self.inbound.sender
        return f"{self.inbound.sender} (person {self.person.id})"

    def reply(self, template: str, **context: Any) -> OutboxItem:
        """Answer the sender on the channel they used, threaded to their message."""
        subject, body = render(template, self.language, **self.common(), **context)
        return self.enqueue(
            Outbound(
                channel=self.inbound.channel,
                recipient=self.inbound.sender,
                kind=template,
                subject=subject,
                body=body,
                in_reply_to=self.inbound.message_id,
                references=(*self.inbound.references, *filter(None, [self.inbound.message_id])),
            )
        )

    def notify(self, person: Person, template: str, **context: Any) -> OutboxItem | None:
        """Tell another person by email (their first registered address)."""
        if person.email is None:
            return None
        subject, body = render(template, person.language, **self.common(), **context)
        return self.enqueue(
            Outbound(
                channel="email",
                recipient=person.email,
                kind=template,
                subject=subject,
                body=body,
            )
        )

    def enqueue(self, outbound: Outbound) -> OutboxItem:
        headers: dict[str, Any] = dict(outbound.headers)
        if outbound.in_reply_to:
            headers["In-Reply-To"] = outbound.in_reply_to
        if outbound.references:
            headers["References"] = " ".join(dict.fromkeys(outbound.references))
        item = OutboxItem(
            channel=outbound.channel,
            recipient=outbound.recipient,
            kind=outbound.kind,
            subject=outbound.subject,
            body=outbound.body,
            headers=headers,
            message_id=f"<{uuid.uuid4().hex}@{self.settings.domain}>",
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

    def common(self) -> dict[str, Any]:
        """What every template may use."""
        return {
            "bot_name": self.settings.bot_name,
            "submit_address": self.settings.submit_address,
            "secretariat_name": self.settings.secretariat_name,
            "person": self.person,
        }
