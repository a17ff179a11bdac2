"""The reference actors shipped with the portal, loaded into the store idempotently."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from store.actors import upsert_actors

ACTORS_FILE = Path(__file__).parent / "data" / "actors.json"

_COLUMNS = {"code", "type", "aliases", "iso2"}


@cache
def reference_actors() -> tuple[dict[str, Any], ...]:
    """The actors of bot/data/actors.json as rows of the actors table."""
    data = json.loads(ACTORS_FILE.read_text(encoding="utf-8"))
    return tuple(_row(entry) for entry in data["actors"])


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    names = entry["name"]
    details = {
        key: value
        for key, value in entry.items()
        if key not in _COLUMNS | {"name"} and value not in (None, [], {})
    }
    return {
        "code": entry["code"],
        "type": entry["type"],
        "name": names["en"],
        "name_fr": names.get("fr") or names["en"],
        "name_es": names.get("es") or names["en"],
        "aliases": list(entry.get("aliases") or []),
        "iso2": entry.get("iso2"),
        "un_region": entry.get("m49_region_code"),
        "un_subregion": entry.get("m49_subregion_code"),
        "un_intermediate_region": entry.get("m49_intermediate_region_code"),
        "details": details,
    }


def load_reference_actors(session: Session) -> tuple[int, int]:
    """Add missing reference actors and refresh changed ones; returns (added, changed)."""
    return upsert_actors(session, reference_actors())
