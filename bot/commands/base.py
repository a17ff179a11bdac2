"""The shape of a command: its name and what it does; its words and flags are in the table."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.context import Context
from bot.words import CommandWords, table

# An action does the command and returns the outcome recorded on the inbox item.
Action = Callable[[Context, str], str]

# What may follow a command's word on its line (a regular expression the rest matches whole,
# in any case): a subject or a line is that command only when the rest has this shape.
_ID = r"(?:[A-Z]{1,2}-\d+(?:-\d+)?|\d+)"  # N-2026-0001, R-12, 3
NOTHING = r""
ID = rf"(?:{_ID})?"  # or none: the record replied to
IDS = rf"(?:{_ID}(?:[\s,;]+(?:and|et|y)?\s*{_ID})*)?"
ID_AND_TEXT = rf"(?:{_ID}(?:[\s:,;–-].*)?)?"
ANYTHING = r".*"


@dataclass(frozen=True)
class Command:
    """A command module's declaration: `COMMAND = Command("CONFIRM", run)`.

    Its words, usage, summary and flags are its entry in bot/data/words.json (bot.words).
    """

    name: str  # the English word, upper case: "CONFIRM"
    action: Action
    takes: str = ANYTHING  # what may follow its word (NOTHING, ID, IDS, ID_AND_TEXT, a pattern)
    reads_text: bool = False  # reads the fields or the message below it (UPDATE, REGISTER...)

    def takes_args(self, args: str) -> bool:
        """`args` (what follows the word, less punctuation around) are ones it takes."""
        return re.fullmatch(self.takes, args, re.IGNORECASE | re.DOTALL) is not None

    @property
    def entry(self) -> CommandWords:
        return table().command(self.name)

    @property
    def words(self) -> tuple[str, ...]:
        """Every word that calls it, in en/fr/es, upper case."""
        return self.entry.every_word

    @property
    def usage(self) -> str:
        return self.entry.usage["en"]

    @property
    def summary(self) -> str:
        return self.entry.summary["en"]

    @property
    def usages(self) -> dict[str, str]:
        """By language, for HELP: "CONFIRM / CONFIRMER id [id ...]"."""
        return self.entry.usage

    @property
    def summaries(self) -> dict[str, str]:
        return self.entry.summary

    @property
    def secretariat_only(self) -> bool:
        return self.entry.secretariat_only

    @property
    def read_only(self) -> bool:
        return self.entry.read_only
