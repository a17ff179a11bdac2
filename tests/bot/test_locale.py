"""The Babel catalogs of bot/locale: every short string shown is translated, none is left over."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import UndefinedError

from bot.locale import BUTTON, catalog, gettext_callables, pgettext, po_file, translations
from bot.records.views import BUTTONS, button_labels
from bot.render import LANGUAGES, environment
from bot.site.words import ACTOR_TYPES, KINDS, STATUSES, VIA, language_names
from store.actors import ACTOR_TYPES as ACTOR_TYPE_CODES

BOT = Path(__file__).parents[2] / "bot"
TWINS = tuple(lang for lang in LANGUAGES if lang != "en")
SITE_TEMPLATES = "templates/site/**.html.j2"


def shown() -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every string the code shows: `_("...")` in the site's templates and
    `N_()` / `gettext()` in bot/site, as `pybabel extract` finds them, and the buttons."""
    found = extract_from_dir(
        BOT,
        method_map=[(SITE_TEMPLATES, "jinja2.ext:babel_extract"), ("site/**.py", "python")],
        options_map={SITE_TEMPLATES: {"trim_blocks": "true", "lstrip_blocks": "true"}},
    )
    site = {(context, message) for _, _, message, _, context in found}
    assert all(isinstance(message, str) for _, message in site)  # no plural forms
    return site | {(BUTTON, label) for label in BUTTONS.values()}


def entries(found: Catalog) -> dict[tuple[str | None, str], str]:
    return {(m.context, str(m.id)): str(m.string) for m in found if m.id}


@pytest.mark.parametrize("lang", TWINS)
def test_the_catalog_translates_every_string_shown_and_nothing_else(lang: str) -> None:
    with po_file(lang).open("rb") as po:
        found = read_po(po, locale=lang, abort_invalid=True)
    assert not [m.id for m in found if m.id and m.fuzzy]  # a fuzzy entry would show English
    assert not [m.id for m in found if m.id and not m.string]
    assert [(m.id, errors) for m, errors in found.check()] == []
    assert set(entries(found)) == shown()
    assert len(shown()) == 125  # 111 of the site, 14 buttons


def test_english_is_the_msgids_and_has_no_catalog() -> None:
    assert catalog("en") is None
    assert translations("en").gettext("Needs") == "Needs"
    assert pgettext("en", BUTTON, "Areas") == "Areas"


def test_a_word_gets_the_translation_of_its_context() -> None:
    """The same English word, two Spanish ones: the site's "Areas" and the Telegram button's."""
    assert translations("es").gettext("Areas") == "Ámbitos"
    assert pgettext("es", BUTTON, "Areas") == "Áreas"
    assert button_labels("es")["areas"] == "Áreas"
    assert (button_labels("fr")["done"], button_labels("es")["done"]) == ("Terminé", "Listo")


def test_the_site_names_every_actor_type_and_each_language_by_its_own_name() -> None:
    assert set(ACTOR_TYPES) == set(ACTOR_TYPE_CODES)
    assert (set(KINDS), set(STATUSES), set(VIA)) == (
        {"need", "offer"},
        {"published"},
        {"country", "region", "any"},
    )
    assert language_names() == {"en": "English", "fr": "Français", "es": "Español"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_template_says_its_words_in_the_language_it_is_given(lang: str) -> None:
    template = environment().from_string('<p title="{{ _("Open data") }}">{{ _("Needs") }}</p>')
    expected = {"en": ("Open data", "Needs"), "fr": ("Données ouvertes", "Besoins")}
    expected["es"] = ("Datos abiertos", "Necesidades")
    title, word = expected[lang]
    assert template.render(**gettext_callables(lang)) == f'<p title="{title}">{word}</p>'


def test_a_template_rendered_without_a_language_fails_rather_than_guess() -> None:
    with pytest.raises(UndefinedError):
        environment().get_template("site/macros.html.j2").module.items([], "none")
