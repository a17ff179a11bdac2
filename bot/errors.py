"""The exception tree of the portal.

    PortalError
    ├── ConfigError        bad configuration; the program stops with one clear line
    ├── UserError          a person's mistake; becomes a helpful reply or a CLI message
    │   ├── NotFound       no such record / actor / person (also for "not yours")
    │   ├── NotAllowed     the sender may not do this
    │   └── UnreadableMessage  past the reading limits (parts, nesting, header size):
    │                      quarantined at once, the sender told why
    └── DeliveryError      an outbox item could not be delivered; it will be retried
        └── RecipientGone  it never will be: the person blocked the bot or left

Anything else is a bug: logged with its traceback, the inbox item is marked failed.
"""


class PortalError(Exception):
    """Base of every error the portal raises on purpose."""


class ConfigError(PortalError):
    """The configuration cannot be used."""


class UserError(PortalError):
    """A person's mistake, explained in plain words."""


class NotFound(UserError):
    """No such thing, or not one the asker may see."""


class NotAllowed(UserError):
    """The asker may not do this."""


class UnreadableMessage(UserError):
    """A message whose structure is past the limits the portal reads (bot.channels.email.reading).

    `reason` is in plain words, for people; `problem` ("parts", "depth", "header_line" or
    "header") and `limit` let the reply say it in the sender's language."""

    def __init__(self, reason: str, problem: str = "structure", limit: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problem = problem
        self.limit = limit


class DeliveryError(PortalError):
    """An outgoing message could not be delivered (yet)."""


class RecipientGone(DeliveryError):
    """Telegram refuses to deliver to this chat (blocked, deactivated, kicked): 403."""
