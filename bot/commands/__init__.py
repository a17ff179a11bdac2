"""The command registry: one module per command; HELP is built from it."""

from __future__ import annotations

import re
import unicodedata

from bot.commands.base import Command
from bot.commands.call import COMMAND as CALL
from bot.commands.changes import FULFILLED_COMMAND, RENEW, WITHDRAW
from bot.commands.confirm import COMMAND as CONFIRM
from bot.commands.contact import COMMAND as CONTACT
from bot.commands.decisions import APPROVE, DECLINE, ENDORSE
from bot.commands.help import COMMAND as HELP
from bot.commands.link import COMMAND as LINK
from bot.commands.listing import LIST, PENDING, SHOW
from bot.commands.register import COMMAND as REGISTER
from bot.commands.reject import COMMAND as REJECT
from bot.commands.submit import NEED, OFFER
from bot.commands.subscribe import SUBSCRIBE, UNSUBSCRIBE
from bot.commands.update import COMMAND as UPDATE

COMMANDS: tuple[Command, ...] = (
    HELP,
    NEED,
    OFFER,
    UPDATE,
    WITHDRAW,
    FULFILLED_COMMAND,
    RENEW,
    LIST,
    SHOW,
    CONTACT,
    SUBSCRIBE,
    UNSUBSCRIBE,
    REGISTER,
    LINK,
    ENDORSE,
    DECLINE,
    PENDING,
    CONFIRM,
    REJECT,
    APPROVE,
    CALL,
)

_BY_WORD = {word: command for command in COMMANDS for word in command.words}
_PREFIX = re.compile(r"^\s*((re|fwd?|tr|rv|aw|wg|r|antw)\s*:\s*)+", re.IGNORECASE)
_LINES_SEARCHED = 3


def find(word: str) -> Command | None:
    return _BY_WORD.get(_plain(word).upper())


def visible_to(is_secretariat: bool) -> list[Command]:
    return [c for c in COMMANDS if is_secretariat or not c.secretariat_only]


def read_command(subject: str, text: str) -> tuple[Command, str] | None:
    """The command in the subject, else in the first lines of the body, with its arguments."""
    lines = [line for line in text.splitlines() if line.strip()][:_LINES_SEARCHED]
    for line in (_PREFIX.sub("", subject), *lines):
        word, _, rest = line.strip().partition(" ")
        command = find(word.rstrip(":"))
        if command is not None:
            return command, rest.strip()
    return None


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip("*/ ")
