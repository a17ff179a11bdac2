"""Turn an HTML mail into plain text with its line structure, tables as `Label: value` lines."""

from __future__ import annotations

import logging

from inscriptis import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml import etree, html

log = logging.getLogger(__name__)

_CONFIG = ParserConfig(display_links=False, display_images=False)
_CELLS = ("td", "th")
_LABEL_MAX = 40  # a label cell longer than this is text, not a label (as in the parser)


def html_to_text(markup: str) -> str:
    """Paragraphs, `<br>` and list items on their own lines, bold without markers, entities
    decoded; a table whose rows are label and value cells as `Label: value` lines; a
    `<blockquote>` as "> " lines, as a plain-text client quotes."""
    if not markup.strip():
        return ""
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:  # nothing an HTML parser can read
        log.info("HTML part not read: %s", exc)
        return ""
    for table in reversed(list(root.iter("table"))):
        _label_rows(table)
    for quote in reversed(list(root.iter("blockquote"))):
        _quote_lines(quote)
    lines = _text(root).replace("\xa0", " ").splitlines()
    return "\n".join(line.strip() for line in lines).strip("\n") + "\n"


def _text(element: html.HtmlElement) -> str:
    return Inscriptis(element, _CONFIG).get_text()


def _label_rows(table: html.HtmlElement) -> None:
    """Replace a table of label/value rows (no table inside) by one `Label: value` line a row."""
    if table.find(".//table") is not None:
        return
    rows = [[cell for cell in row if cell.tag in _CELLS] for row in table.iter("tr")]
    rows = [cells for cells in rows if any(_cell_text(cell) for cell in cells)]
    pairs = [cells for cells in rows if len(cells) == 2]
    if len(pairs) < 2 or any(len(cells) > 2 for cells in rows):
        return
    if any(len(_cell_text(cells[0])) > _LABEL_MAX for cells in pairs):
        return
    lines = html.Element("div")
    for cells in rows:
        _write_lines(etree.SubElement(lines, "div"), _row_lines(cells))
    lines.tail = table.tail
    parent = table.getparent()
    if parent is not None:
        parent.replace(table, lines)


def _row_lines(cells: list[html.HtmlElement]) -> list[str]:
    """`Label: value` (a value of several lines goes on below), or the one cell's lines."""
    label = _cell_text(cells[0]).rstrip(":：").rstrip() if len(cells) == 2 else ""
    value = _value_lines(cells[-1])
    if not label:
        return value
    return [f"{label}: {value[0]}" if value else f"{label}:", *value[1:]]


def _cell_text(cell: html.HtmlElement) -> str:
    return " ".join(cell.text_content().split())


def _value_lines(cell: html.HtmlElement) -> list[str]:
    """The lines of a cell as rendered (paragraphs and `<br>` kept), without empty ones."""
    return [line.strip() for line in _text(cell).splitlines() if line.strip()]


def _write_lines(element: etree._Element, lines: list[str]) -> None:
    """Give an empty element these lines, separated by `<br>`."""
    element.text = lines[0] if lines else ""
    for line in lines[1:]:
        etree.SubElement(element, "br").tail = line


def _quote_lines(quote: html.HtmlElement) -> None:
    """Replace a blockquote by its text with "> " before each line (a `<pre>` keeps them)."""
    lines = _text(quote).strip("\n").splitlines()
    marked = html.Element("pre")
    marked.text = "\n".join(f"> {line.strip()}".rstrip() for line in lines) + "\n"
    marked.tail = quote.tail
    parent = quote.getparent()
    if parent is not None:
        parent.replace(quote, marked)
