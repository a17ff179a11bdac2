"""The command registry: one module per command; HELP is built from it."""

from __future__ import annotations

import re
import unicodedata

from bot.commands.base import Command
from bot.commands.confirm import COMMAND as CONFIRM
from bot.commands.help import COMMAND as HELP
from bot.commands.reject import COMMAND as REJECT
from bot.commands.submit import NEED, OFFER

COMMANDS: tuple[Command, ...] = (HELP, NEED, OFFER, CONFIRM, REJECT)

_BY_WORD = {word: command for command in COMMANDS for word in command.words}
_PREFIX = re.compile(r"^\s*((re|fwd?|tr|rv|aw|wg|r)\s*:\s*)+", re.IGNORECASE)


def find(word: str) -> Command | None:
    return _BY_WORD.get(_plain(word).upper())


def visible_to(is_secretariat: bool) -> list[Command]:
    return [c for c in COMMANDS if is_secretariat or not c.secretariat_only]


def read_command(subject: str, text: str) -> tuple[Command, str] | None:
    """The command in the subject, else in the first non-empty line of the body, with its args."""
    for line in (_PREFIX.sub("", subject), _first_line(text)):
        word, _, rest = line.strip().partition(" ")
        command = find(word.rstrip(":"))
        if command is not None:
            return command, rest.strip()
    return None


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip("*/ ")
