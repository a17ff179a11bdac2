"""The command menu shown in Telegram, in each language (setMyCommands), from the table of words."""

from __future__ import annotations

from bot.words import LANGUAGES, table


def commands_by_language() -> dict[str, list[tuple[str, str]]]:
    """{"": English (the default), "fr": [...], "es": [...]}: (command, description) pairs.

    The commands with a `menu` line in bot/data/words.json, in its order.
    """
    entries = [entry for entry in table().commands if entry.menu]
    return {
        "" if lang == "en" else lang: [(entry.name.lower(), entry.menu[lang]) for entry in entries]
        for lang in LANGUAGES
    }
