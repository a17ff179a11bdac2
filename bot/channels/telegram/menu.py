"""The command menu shown in Telegram, in each language (setMyCommands)."""

from __future__ import annotations

from bot.render import LANGUAGES, render_text


def commands_by_language() -> dict[str, list[tuple[str, str]]]:
    """{"": English (the default), "fr": [...], "es": [...]}: (command, description) pairs."""
    menus: dict[str, list[tuple[str, str]]] = {}
    for lang in LANGUAGES:
        text = render_text("telegram_commands.txt.j2", lang)
        pairs = [
            tuple(part.strip() for part in line.split(" - ", 1))
            for line in text.splitlines()
            if " - " in line
        ]
        menus["" if lang == "en" else lang] = [(c, d) for c, d in pairs]  # type: ignore[misc]
    return menus
