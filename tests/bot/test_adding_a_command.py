"""Adding a command is one module plus its entry in the table of words, nothing else.

A contributor's THANKS: `thanks.py` dropped beside the other command modules (a directory added
to the path of the bot.commands package, where pkgutil looks) and its entry in a copy of
bot/data/words.json. It then shows in HELP in English, French and Spanish, in the Telegram menu,
and a real email calling it in French reaches it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot.commands
import bot.words
from bot import commands
from bot.channels.telegram.menu import commands_by_language
from bot.people import registry
from bot.render import LANGUAGES
from store.db import transaction
from store.inbox import InboxItem
from tests.bot.test_templates import help_context, split, text_of
from tests.harness import RunningPortal, email

MODULE = '''"""THANKS [message]: a sender thanks the secretariat."""

from bot.commands.base import Command
from bot.context import Context


def run(ctx: Context, args: str) -> str:
    return f"thanks noted: {args}"


COMMAND = Command("THANKS", run)
'''
ENTRY = {
    "name": "THANKS",
    "words": {"en": ["THANKS"], "fr": ["MERCI"], "es": ["GRACIAS"]},
    "usage": {
        "en": "THANKS [message]",
        "fr": "THANKS / MERCI [message]",
        "es": "THANKS / GRACIAS [mensaje]",
    },
    "summary": {
        "en": "thank the secretariat",
        "fr": "remercier le secrétariat",
        "es": "agradecer a la secretaría",
    },
    "menu": {"en": "say thank you", "fr": "dire merci", "es": "dar las gracias"},
}
# The HELP lines of LINK, THANKS (after LINK in the table) and ENDORSE, in each language.
HELP_LINES = {
    "en": [
        "  LINK                       a code to use the portal from Telegram (/start CODE)",
        "  THANKS [message]           thank the secretariat",
        "  ENDORSE id                 agree to a need sent on behalf of your state",
    ],
    "fr": [
        "  LINK / LIER                       un code pour utiliser le portail depuis Telegram"
        " (/start CODE)",
        "  THANKS / MERCI [message]          remercier le secrétariat",
        "  ENDORSE / APPUYER id              appuyer un besoin envoyé au nom de votre État",
    ],
    "es": [
        "  LINK / VINCULAR                   un código para usar el portal desde Telegram"
        " (/start CODE)",
        "  THANKS / GRACIAS [mensaje]        agradecer a la secretaría",
        "  ENDORSE / RESPALDAR id            respaldar una necesidad enviada en nombre de su"
        " Estado",
    ],
}
MENU = [
    *("help", "need", "offer", "update", "withdraw", "fulfilled", "renew", "list", "show"),
    *("subscribe", "unsubscribe", "language", "cancel", "thanks", "pending", "confirm", "reject"),
]


@pytest.fixture
def thanks(tmp_path: Path) -> Iterator[None]:
    """THANKS added as a contributor would; everything as before once the test is over."""
    package = tmp_path / "contributed"
    package.mkdir()
    (package / "thanks.py").write_text(MODULE, encoding="utf-8")
    data = json.loads(bot.words.WORDS_FILE.read_text(encoding="utf-8"))
    after_link = [c["name"] for c in data["commands"]].index("LINK") + 1
    data["commands"].insert(after_link, ENTRY)
    table = tmp_path / "words.json"
    table.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.commands, "__path__", [*bot.commands.__path__, str(package)])
        patch.setattr(bot.words, "WORDS_FILE", table)
        commands.forget()
        yield
    sys.modules.pop("bot.commands.thanks", None)
    commands.forget()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("secretariat", [True, False])
def test_the_new_command_is_in_help(thanks: None, lang: str, secretariat: bool) -> None:
    body = split(text_of("help", lang, lambda lg: help_context(lg, secretariat=secretariat)))[1]
    lines = body.splitlines()
    start = lines.index(HELP_LINES[lang][0])
    assert lines[start : start + 3] == HELP_LINES[lang]


def test_the_new_command_is_in_the_telegram_menu(thanks: None) -> None:
    menus = commands_by_language()
    for key, text in (("", "say thank you"), ("fr", "dire merci"), ("es", "dar las gracias")):
        assert [name for name, _ in menus[key]] == MENU
        assert menus[key][MENU.index("thanks")] == ("thanks", text)


def test_the_new_command_is_found_by_its_words(thanks: None) -> None:
    thanks_command = commands.find("merci")
    assert thanks_command is not None
    assert thanks_command.name == "THANKS"
    assert type(thanks_command).__module__ == "bot.commands.base"
    assert commands.find("Gracias") is thanks_command
    assert commands.read_command("THANKS for the help", "") == (thanks_command, "for the help")
    assert commands.read_command("Re: THANKS for the help", "") is None  # a reply, no command
    assert [c.name for c in commands.COMMANDS].index("THANKS") == 14


def test_everything_is_as_before_without_it() -> None:
    assert commands.find("merci") is None
    assert "thanks" not in [name for name, _ in commands_by_language()[""]]
    assert len(commands.COMMANDS) == 21


def test_an_email_reaches_the_new_command(thanks: None, running: RunningPortal) -> None:
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="LBN", email="rana@lmac.example", language="fr"
        )
    running.send(email("rana@lmac.example", "MERCI pour tout", "Rana"))
    running.settled()
    with running.portal.sessions() as session:
        (item,) = session.query(InboxItem).all()
        assert item.outcome == "thanks noted: pour tout"


def test_a_table_entry_without_its_module_is_named(tmp_path: Path) -> None:
    data = json.loads(bot.words.WORDS_FILE.read_text(encoding="utf-8"))
    data["commands"].append(ENTRY)
    table = tmp_path / "words.json"
    table.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.words, "WORDS_FILE", table)
        commands.forget()
        with pytest.raises(bot.words.WordsError) as raised:
            commands.find("HELP")
    commands.forget()
    assert str(raised.value) == "no module in bot/commands declares THANKS"


def test_a_module_without_its_table_entry_is_named(tmp_path: Path) -> None:
    (tmp_path / "thanks.py").write_text(MODULE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.commands, "__path__", [*bot.commands.__path__, str(tmp_path)])
        commands.forget()
        with pytest.raises(bot.words.WordsError) as raised:
            commands.find("HELP")
    sys.modules.pop("bot.commands.thanks", None)
    commands.forget()
    assert str(raised.value) == "bot/data/words.json has no entry for THANKS"
