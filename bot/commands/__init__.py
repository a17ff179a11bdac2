"""The command registry: one module per command in this package, found at first use."""

# As Mailman 3 finds its email commands: every module here that exposes COMMAND (a
# bot.commands.base.Command) declares one; modules without it (changes, decisions, submit) hold
# what several share. The order, words, usage, summaries and flags come from
# bot/data/words.json (bot.words). Adding a command is one module plus its entry in that table.

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from functools import cache

from bot.commands.base import Command
from bot.words import WordsError, plain, table

log = logging.getLogger(__name__)

_PREFIX = re.compile(r"^\s*((re|fwd?|tr|rv|aw|wg|r|antw)\s*:\s*)+", re.IGNORECASE)
_LINES_SEARCHED = 3


@cache
def registry() -> tuple[Command, ...]:
    """Every command, in the table's order; each entry of the table has its module."""
    declared = _declared()
    names = [entry.name for entry in table().commands if not entry.telegram_only]
    missing = [name for name in names if name not in declared]
    if missing:
        raise WordsError(f"no module in bot/commands declares {', '.join(missing)}")
    unlisted = sorted(set(declared) - set(names))
    if unlisted:
        raise WordsError(f"bot/data/words.json has no entry for {', '.join(unlisted)}")
    return tuple(declared[name] for name in names)


def forget() -> None:
    """Read the table and find the modules again (for a test that adds a command)."""
    registry.cache_clear()
    _by_word.cache_clear()
    table.cache_clear()


def __getattr__(name: str) -> tuple[Command, ...]:
    if name == "COMMANDS":  # every command, in order
        return registry()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find(word: str) -> Command | None:
    return _by_word().get(plain(word))


def visible_to(is_secretariat: bool) -> list[Command]:
    return [c for c in registry() if is_secretariat or not c.secretariat_only]


def read_command(subject: str, text: str) -> tuple[Command, str] | None:
    """The command in the subject, else in the first lines of the body, with its arguments."""
    lines = [line for line in text.splitlines() if line.strip()][:_LINES_SEARCHED]
    for line in (_PREFIX.sub("", subject), *lines):
        word, _, rest = line.strip().partition(" ")
        command = find(word.rstrip(":"))
        if command is not None:
            return command, rest.strip()
    return None


@cache
def _by_word() -> dict[str, Command]:
    return {word: command for command in registry() for word in command.words}


def _declared() -> dict[str, Command]:
    """{name: command} of every module in this package that exposes COMMAND."""
    found: dict[str, Command] = {}
    module_of: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        command = getattr(module, "COMMAND", None)
        if command is None:
            continue
        if not isinstance(command, Command):
            raise WordsError(f"{module.__name__}.COMMAND is not a Command: {command!r:.80}")
        if command.name in found:
            raise WordsError(
                f"{command.name} is declared by {module_of[command.name]} and {module.__name__}"
            )
        found[command.name] = command
        module_of[command.name] = module.__name__
    log.debug("%d command modules found", len(found))
    return found
