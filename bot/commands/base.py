"""The shape of a command: its name and what it does; its words and flags are in the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.context import Context
from bot.words import CommandWords, table

# An action does the command and returns the outcome recorded on the inbox item.
Action = Callable[[Context, str], str]


@dataclass(frozen=True)
class Command:
    """A command module's declaration: `COMMAND = Command("CONFIRM", run)`.

    Its words, usage, summary and flags are its entry in bot/data/words.json (bot.words).
    """

    name: str  # the English word, upper case: "CONFIRM"
    action: Action

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
