"""Every package the portal runs with (its runtime requirements and theirs, the `postgresql`
extra included, the dev tools not) has a licence an MIT project may use: no GPL, no AGPL.

LGPL: allowed for the packages reviewed below, and only those. The portal imports them as they
are, each from its own installed distribution; it never copies them into this repository or
changes them, and anyone can put another version in their place (`pip install`), which is what
the LGPL asks of a work that uses such a library. The portal's own code stays MIT. A new LGPL
package fails here until someone has looked at it and added it, with its use, to LGPL_REVIEWED.

A package whose metadata names no licence we know fails too, until its licence has been read
from its LICENSE file and written in READ_FROM_LICENSE_FILE, with a sentence of that file which
this test finds there (so a changed licence shows).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent

PERMISSIVE = re.compile(
    r"\b(MIT|BSD|0BSD|Apache|PSF|Python Software Foundation|ISC|MPL|Mozilla Public License|"
    r"Unlicense|Zlib|HPND|CC0)\b",
    re.IGNORECASE,
)
FORBIDDEN = re.compile(r"\b(A?GPL|Affero|General Public License)\b", re.IGNORECASE)
LESSER = re.compile(r"\b(LGPL|Lesser General Public|Library General Public)", re.IGNORECASE)

LGPL_REVIEWED = {
    "python-telegram-bot": "LGPL-3.0-only: the Telegram channel's Bot API client, unmodified",
    "pycountry": "LGPL-2.1-only: ISO 3166 country names, unmodified",
    "psycopg": "LGPL-3.0-only: the PostgreSQL driver, optional extra [postgresql], unmodified",
    "psycopg-binary": "LGPL-3.0-only: psycopg's compiled part, optional, unmodified",
}

# name: (licence, a sentence of the licence file the package ships)
READ_FROM_LICENSE_FILE = {
    "dkimpy": (
        "Zlib",
        "Permission is granted to anyone to use this software for any purpose",
    ),
    "imapclient": (  # its metadata says only "New BSD"
        "BSD-3-Clause",
        "Neither the name of Menno Smits nor the names of its",
    ),
}


@dataclass
class Row:
    name: str
    version: str
    licence: str
    source: str
    verdict: str  # "ok", or why not


def runtime_requirements() -> list[Requirement]:
    """What pyproject.toml asks for at run time: the dependencies and the postgresql extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["postgresql"]
    return [Requirement(line) for line in lines]


def closure() -> dict[str, metadata.Distribution | None]:
    """Every distribution the runtime requirements pull in, with the extras asked of each."""
    found: dict[str, metadata.Distribution | None] = {}
    extras_seen: dict[str, set[str]] = {}
    todo = [(r.name, set(r.extras)) for r in runtime_requirements() if _applies(r, set())]
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        if key in found and extras <= extras_seen[key]:
            continue
        extras_seen[key] = extras_seen.get(key, set()) | extras
        try:
            dist: metadata.Distribution | None = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            found[key] = None
            continue
        found[key] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            if _applies(requirement, extras_seen[key]):
                todo.append((requirement.name, set(requirement.extras)))
    return found


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})


def licence_of(dist: metadata.Distribution) -> tuple[list[str], str]:
    """The licences a distribution declares (alternatives: any one will do) and where read."""
    expression = dist.metadata.get("License-Expression")
    if expression:
        return [expression], "License-Expression"
    classifiers = [
        c.split(" :: ")[-1]
        for c in dist.metadata.get_all("Classifier") or []
        if c.startswith("License :: ") and c.count(" :: ") >= 2
    ]
    field = (dist.metadata.get("License") or "").strip()
    if field and "\n" not in field and len(field) < 100:
        return [field, *classifiers], "License" + (" and classifiers" if classifiers else "")
    return classifiers, "classifiers"


def verdict_of(name: str, alternatives: list[str]) -> str:
    options = [part for a in alternatives for part in re.split(r"\s+OR\s+", a.strip("() "))]
    kinds = [_kind(option) for option in options]
    if "ok" in kinds:
        return "ok"
    if "lgpl" in kinds:
        return "ok" if name in LGPL_REVIEWED else "LGPL, not reviewed (see LGPL_REVIEWED)"
    if "forbidden" in kinds:
        return "GPL: not allowed"
    return "licence not known: read its LICENSE file (see READ_FROM_LICENSE_FILE)"


def _kind(licence: str) -> str:
    """ok, lgpl, forbidden or unknown; "A AND B" is as bad as its worst part."""
    parts = re.split(r"\s+AND\s+", licence.strip("() "))
    kinds = set()
    for part in parts:
        if LESSER.search(part):
            kinds.add("lgpl")
        elif FORBIDDEN.search(part):
            kinds.add("forbidden")
        elif PERMISSIVE.search(part) and "like" not in part.lower():
            kinds.add("ok")
        else:
            kinds.add("unknown")
    for worst in ("forbidden", "unknown", "lgpl"):
        if worst in kinds:
            return worst
    return "ok"


def read_from_licence_file(dist: metadata.Distribution, sentence: str) -> bool:
    for file in dist.files or []:
        named = re.search(r"(LICEN[CS]E|COPYING)", file.name, re.IGNORECASE)
        if named and sentence in " ".join((file.read_text() or "").split()):
            return True
    return False


def table() -> list[Row]:
    rows = []
    for key, dist in sorted(closure().items()):
        if dist is None:
            rows.append(Row(key, "-", "-", "-", "not installed: cannot be checked"))
            continue
        version = dist.version
        if key in READ_FROM_LICENSE_FILE:
            licence, sentence = READ_FROM_LICENSE_FILE[key]
            found = read_from_licence_file(dist, sentence)
            verdict = verdict_of(key, [licence]) if found else "its licence file changed"
            rows.append(Row(key, version, licence, "licence file (reviewed)", verdict))
            continue
        alternatives, source = licence_of(dist)
        verdict = verdict_of(key, alternatives)
        rows.append(Row(key, version, " | ".join(alternatives) or "-", source, verdict))
    return rows


def render(rows: list[Row]) -> str:
    header = Row("package", "version", "licence", "read from", "verdict")
    cells = [[r.name, r.version, r.licence, r.source, r.verdict] for r in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def test_every_runtime_dependency_has_a_licence_an_mit_project_may_use() -> None:
    rows = table()
    assert [r.name for r in rows if r.verdict != "ok"] == [], "\n" + render(rows)


def test_the_closure_is_the_runtime_one() -> None:
    """The walk finds what the portal runs with, and not the dev tools."""
    names = set(closure())
    assert {"python-telegram-bot", "httpx", "sqlalchemy", "psycopg", "psycopg-binary"} <= names
    assert names.isdisjoint({"pytest", "ruff", "mypy", "selenium", "hypothesis"})
    assert "html2text" not in names  # GPL-3.0: replaced by inscriptis


def test_the_rules_refuse_gpl_and_unknown_licences() -> None:
    assert verdict_of("x", ["GPL-3.0-or-later"]) == "GPL: not allowed"
    assert verdict_of("x", ["AGPL-3.0-only"]) == "GPL: not allowed"
    assert verdict_of("x", ["GNU General Public License v3 (GPLv3)"]) == "GPL: not allowed"
    assert verdict_of("x", ["LGPL-3.0-only"]) == "LGPL, not reviewed (see LGPL_REVIEWED)"
    assert verdict_of("pycountry", ["LGPL-2.1-only"]) == "ok"
    assert verdict_of("x", ["GPL-2.0-only OR MIT"]) == "ok"
    assert verdict_of("x", ["Apache-2.0 AND GPL-3.0-only"]) == "GPL: not allowed"
    assert verdict_of("x", ["BSD-like", "DFSG approved"]).startswith("licence not known")
    assert verdict_of("x", []).startswith("licence not known")
