"""What APPROVE and DECLINE share: the registration request a message names or answers."""

from __future__ import annotations

import re

from bot.context import Context
from bot.records.ownership import RECORD_ID
from store.registrations import RegistrationRequest

_REQUEST_ID = re.compile(r"\bR-(\d+)\b", re.IGNORECASE)


def registration_request(ctx: Context, args: str) -> RegistrationRequest | None:
    """The request named (R-n) in `args`, else the one the sender replied to."""
    found = _REQUEST_ID.search(args)
    if found:
        return ctx.session.get(RegistrationRequest, int(found.group(1)))
    if ctx.about is not None and ctx.about.kind == "g":
        return ctx.session.get(RegistrationRequest, ctx.about.id)
    return None


def rest_of(args: str) -> str:
    """What follows the request or record id: the actor, or the reason."""
    return RECORD_ID.sub("", _REQUEST_ID.sub("", args, count=1), count=1).strip(" :-–")
