"""Every model of the store, imported in one place for migrations and metadata."""

from store.actors import Actor
from store.audit import AuditEntry
from store.base import Base
from store.bounces import BounceEvent
from store.calls import Call, CallRecipient, ForwardedAnswer
from store.digests import DigestEntry, DigestRun
from store.inbox import InboxItem
from store.mailboxes import MailboxPosition
from store.match_keys import MatchKey
from store.matches import Match, MatchBar
from store.outbox import OutboxItem
from store.people import EmailAddress, Person
from store.records import Record, RecordCounter, Revision
from store.registrations import RegistrationRequest
from store.subscriptions import Subscription
from store.telegram import Conversation, LinkCode

__all__ = [
    "Actor",
    "AuditEntry",
    "Base",
    "BounceEvent",
    "Conversation",
    "Call",
    "CallRecipient",
    "DigestEntry",
    "DigestRun",
    "EmailAddress",
    "ForwardedAnswer",
    "InboxItem",
    "LinkCode",
    "MailboxPosition",
    "Match",
    "MatchBar",
    "MatchKey",
    "OutboxItem",
    "Person",
    "Record",
    "RecordCounter",
    "RegistrationRequest",
    "Revision",
    "Subscription",
]
