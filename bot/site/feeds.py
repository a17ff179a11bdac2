"""The site's data files: data.json, data.csv and the Atom feed of the latest records."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from bot.records.views import vocabulary
from bot.render import LANGUAGES
from bot.site.model import Owner, Site, SiteMatch, SiteRecord, id_key
from bot.site.words import Labels

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
CSV_COLUMNS = (
    "id",
    "kind",
    "status",
    "title",
    "actor_code",
    "actor_type",
    "actor_name",
    "on_behalf_of",
    "countries",
    "areas",
    "assistance",
    "amount",
    "currency",
    "period_start",
    "period_end",
    "languages",
    "reference",
    "description",
    "published_at",
    "renewed_at",
    "page",
)
_JSON_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def page_of(public_id: str, lang: str = "en") -> str:
    """A record's page, relative to the site's root."""
    return f"{lang}/record/{public_id}.html"


def _when(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _owner(owner: Owner | None) -> dict[str, Any] | None:
    if owner is None:
        return None
    return {"code": owner.code, "type": owner.type, "name": dict(owner.names)}


def record_data(record: SiteRecord) -> dict[str, Any]:
    """A record as data.json holds it (documented by data.schema.json)."""
    return {
        "id": record.public_id,
        "kind": record.kind,
        "status": record.status,
        "title": record.title,
        "actor": _owner(record.owner),
        "on_behalf_of": _owner(record.on_behalf_of),
        "countries": list(record.countries),
        "areas": list(record.areas),
        "assistance": list(record.assistance),
        "amount": f"{record.amount:.2f}" if record.amount is not None else None,
        "currency": record.currency,
        "period_start": record.period_start.isoformat() if record.period_start else None,
        "period_end": record.period_end.isoformat() if record.period_end else None,
        "languages": list(record.languages),
        "reference": record.reference,
        "description": record.description,
        "published_at": _when(record.published_at),
        "renewed_at": _when(record.renewed_at),
        "pages": {lang: page_of(record.public_id, lang) for lang in LANGUAGES},
    }


def match_data(match: SiteMatch) -> dict[str, Any]:
    return {
        "need": match.need,
        "offer": match.offer,
        "score": match.score,
        "reasons": [[code, list(values)] for code, values in match.reasons],
    }


def data_json(site: Site) -> str:
    document = {
        "generated_at": _when(site.generated_at),
        "records": [record_data(r) for r in site.records],
        "matches": [match_data(m) for m in site.matches],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    # <, > and & only occur inside strings: as \u escapes, no typed text reads as markup
    return text.translate(_JSON_SAFE) + "\n"


def data_csv(site: Site) -> str:
    """One row per record; lists joined with ";"; the csv module quotes what needs it."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in site.records:
        writer.writerow(
            [
                r.public_id,
                r.kind,
                r.status,
                r.title,
                r.owner.code,
                r.owner.type,
                r.owner.name("en"),
                r.on_behalf_of.code if r.on_behalf_of else "",
                ";".join(r.countries),
                ";".join(r.areas),
                ";".join(r.assistance),
                f"{r.amount:.2f}" if r.amount is not None else "",
                r.currency or "",
                r.period_start.isoformat() if r.period_start else "",
                r.period_end.isoformat() if r.period_end else "",
                ";".join(r.languages),
                r.reference,
                r.description,
                _when(r.published_at),
                _when(r.renewed_at) or "",
                page_of(r.public_id),
            ]
        )
    return out.getvalue()


def feed_records(site: Site) -> tuple[SiteRecord, ...]:
    """The records the feed carries: the last published or renewed, newest first."""
    ordered = sorted(site.records, key=lambda r: (r.updated, id_key(r.public_id)), reverse=True)
    return tuple(ordered[:FEED_SIZE])


def entry_id(site: Site, public_id: str) -> str:
    if site.base_url:
        return f"{site.base_url}/{page_of(public_id)}"
    return f"urn:cooperation-portal:{site.domain}:{public_id}"


def atom(site: Site) -> str:
    """Atom 1.0 (RFC 4287); ElementTree escapes every text; links are relative to the feed
    unless the site's address is known."""
    label = Labels(vocabulary(), "en")
    records = feed_records(site)
    base = f"{site.base_url}/" if site.base_url else ""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "en"})
    _text(feed, "id", f"{base}feed.atom" if base else f"urn:cooperation-portal:{site.domain}:feed")
    title = label.gettext("published needs and offers")
    _text(feed, "title", f"{site.bot_names.get('en', '')}: {title}")
    _text(feed, "updated", _when(records[0].updated if records else site.generated_at))
    ET.SubElement(feed, "link", {"rel": "self", "href": f"{base}feed.atom"})
    ET.SubElement(feed, "link", {"rel": "alternate", "href": f"{base}en/index.html"})
    author = ET.SubElement(feed, "author")
    _text(author, "name", site.bot_names.get("en", ""))
    for r in records:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", entry_id(site, r.public_id))
        _text(entry, "title", f"{label.kind(r.kind)} {r.public_id}: {r.title}")
        _text(entry, "published", _when(r.published_at))
        _text(entry, "updated", _when(r.updated))
        ET.SubElement(entry, "link", {"rel": "alternate", "href": base + page_of(r.public_id)})
        owner = ET.SubElement(entry, "author")
        _text(owner, "name", f"{r.owner.name('en')} ({label.actor_type(r.owner.type)})")
        for code in r.areas:
            ET.SubElement(entry, "category", {"term": code, "label": label.area(code)})
        _text(entry, "summary", _summary(r, label))
    ET.indent(feed)
    text = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{text}\n'


def _summary(record: SiteRecord, label: Labels) -> str:
    facts = [
        label("place", record.countries),
        label("area", record.areas),
        label("assistance", record.assistance),
    ]
    return " · ".join(f for f in facts if f) + "\n\n" + record.description


def _text(parent: ET.Element, name: str, text: str | None) -> None:
    ET.SubElement(parent, name).text = _NOT_XML.sub("", text or "")
