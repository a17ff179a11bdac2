"""Short interface strings (site labels, Telegram buttons) in Babel catalogs, read from .po files.

English is the msgid, so a template reads as its English page and a string without a translation
falls back to English; `bot/locale/LANG/LC_MESSAGES/portal.po` holds French and Spanish. The .po
files are read once per process (no compiled .mo, so no build step and nothing to keep in step).
Whole messages are not here: they are Jinja2 templates per language (bot/templates/LANG/).
A new string: `_("English")` in a site template (or `N_()` in bot/site), then its msgid and msgstr
in both .po files; tests/bot/test_locale.py names any string shown but untranslated, or left over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache, partial
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALE = Path(__file__).parent
DOMAIN = "portal"
BUTTON = "button"  # the msgctxt of the Telegram buttons' labels


def N_(message: str) -> str:
    """`message` as is, marked for the catalogs (gettext's name); translated where it is shown."""
    return message


def po_file(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog(language: str) -> Catalog | None:
    """The catalog of `language` as its .po file says, or None (English: the msgids themselves)."""
    path = po_file(language)
    if not path.is_file():
        return None
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


@cache
def translations(language: str) -> NullTranslations:
    """gettext / pgettext in `language`."""
    found = catalog(language)
    if found is None:
        return NullTranslations()
    mo = BytesIO()
    write_mo(mo, found)
    mo.seek(0)
    log.debug("%s: %d interface strings", language, len(found))
    return Translations(mo, domain=DOMAIN)


def pgettext(language: str, context: str, message: str) -> str:
    """`message` of `context` (a msgctxt, such as BUTTON) in `language`."""
    return str(translations(language).pgettext(context, message))


def gettext_callables(language: str) -> dict[str, Callable[..., str]]:
    """What `_()`, `gettext()`, `ngettext()`, `pgettext()` call in templates (jinja2.ext.i18n)."""
    t = translations(language)
    return {
        "_": t.gettext,
        "gettext": t.gettext,
        "ngettext": t.ngettext,
        "pgettext": partial(pgettext, language),
    }
