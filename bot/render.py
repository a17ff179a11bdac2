"""Every text a person reads comes from a Jinja2 template in bot/templates/LANG/."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateNotFound,
    select_autoescape,
)

TEMPLATES = Path(__file__).parent / "templates"
LANGUAGES = ("en", "fr", "es")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # The templates are part of the package: a new version comes with a restart. Checking
        # each file's time at every render (and every import of reasons.j2 within one) was a
        # tenth of a digest run.
        auto_reload=False,
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        extensions=["jinja2.ext.do", "jinja2.ext.i18n"],  # `_()`: bot/locale catalogs
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render(name: str, language: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of the message `name` in `language` (English when not translated).

    A message template's first line is its subject; the body follows a blank line.
    """
    text = render_text(f"{name}.txt.j2", language, **context)
    subject, _, body = text.partition("\n\n")
    return " ".join(subject.split()), body.strip("\n") + "\n"


def render_text(filename: str, language: str, **context: Any) -> str:
    """bot/templates/LANGUAGE/FILENAME rendered (bot/templates/en/FILENAME when not translated)."""
    lang, found = template(filename, language)
    return found.render(language=lang, **context)


@cache
def template(filename: str, language: str) -> tuple[str, Template]:
    """The language and template that render FILENAME in `language`: bot/templates/LANGUAGE/,
    or bot/templates/en/ when not translated."""
    env = environment()
    for lang in dict.fromkeys((language, "en")):
        try:
            return lang, env.get_template(f"{lang}/{filename}")
        except TemplateNotFound:
            continue
    raise TemplateNotFound(filename)
