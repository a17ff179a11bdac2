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
from bot.parsing.subjects import is_reply_or_forward, without_tags
from bot.words import WordsError, plain, table

log = logging.getLogger(__name__)

# Tags a mail gateway puts on mail from outside: what carries one was received, not written.
_EXTERNAL = re.compile(
    r"[\[(]\s*(external|ext|extern|externe|externo|caution)\s*[\])]|^\s*external\s*:", re.I
)
_NOISE = " \t*_:;,.!¡¿\"'«»“”()[]-–—•>"  # what may stand around a command without changing it
_MOST_WORDS = 3  # the longest command word: "DARSE DE BAJA"
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
    """The command the subject is, else the one a first line of the body is, with its arguments.

    A subject or a line is a command only when it is essentially one: its word (in any of the
    three languages), then the arguments that command takes, with nothing around them but
    punctuation. A reply or a forward (Re:, TR:, RV:, AW:..., an [EXTERNAL] tag) is never one
    by its subject.
    """
    lines = [line for line in text.splitlines() if line.strip()][:_LINES_SEARCHED]
    received = _EXTERNAL.search(subject) or is_reply_or_forward(subject)
    candidates = lines if received else [without_tags(subject), *lines]
    for line in candidates:
        found = command_in(line)
        if found is not None:
            return found
    return None


def command_in(line: str) -> tuple[Command, str] | None:
    """The command `line` is, with its arguments, or None when it is anything else."""
    words = line.strip().strip(_NOISE).split()
    for count in range(min(_MOST_WORDS, len(words)), 0, -1):
        said = " ".join(words[:count])
        command = find(said.strip(_NOISE + "?") or said)  # "HELP?" is HELP, "?" too
        if command is None:
            continue
        args = " ".join(words[count:]).strip(_NOISE + "?")
        return (command, args) if command.takes_args(args) else None
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
