"""The shape of a command: its words in each language, who may use it, and what it does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.context import Context

# An action does the command and returns the outcome recorded on the inbox item.
Action = Callable[[Context, str], str]


@dataclass(frozen=True)
class Command:
    name: str  # the English word, upper case: "CONFIRM"
    words: tuple[str, ...]  # every word that calls it, in en/fr/es, upper case
    usage: str  # "CONFIRM id [id ...]"
    summary: str  # one line for HELP
    action: Action
    secretariat_only: bool = False
