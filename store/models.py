"""Every model of the store, imported in one place for migrations and metadata."""

from store.actors import Actor
from store.audit import AuditEntry
from store.base import Base
from store.inbox import InboxItem
from store.outbox import OutboxItem
from store.people import EmailAddress, Person
from store.records import Record, RecordCounter, Revision
from store.registrations import RegistrationRequest

__all__ = [
    "Actor",
    "AuditEntry",
    "Base",
    "EmailAddress",
    "InboxItem",
    "OutboxItem",
    "Person",
    "Record",
    "RecordCounter",
    "RegistrationRequest",
    "Revision",
]
