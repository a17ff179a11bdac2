"""`portal run` keeps the site in PORTAL_SITE_DIR current after each change."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.app import Portal
from bot.config import Settings
from store.base import utcnow
from tests.factories import focal_point, publish
from tests.harness import RunningPortal, free_port
from tests.site.records import LAO_NEED


def records_in(site: Path) -> list[str]:
    data = site / "data.json"
    return [r["id"] for r in json.loads(data.read_text())["records"]] if data.exists() else []


def test_the_site_follows_the_records(
    settings: Settings, portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    site = tmp_path / "public"
    live = Portal.open(
        settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}", site_dir=str(site))
    )
    server = RunningPortal(live).start()
    try:
        deadline = time.monotonic() + 15
        while not (site / "data.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert records_in(site) == []
        focal_point(portal, "LAO", "vong@nra.example")
        publish(portal, "vong@nra.example", LAO_NEED, utcnow())
        while records_in(site) == [] and time.monotonic() < deadline + 15:
            time.sleep(0.05)
        assert records_in(site) == [f"N-{utcnow().year}-0001"]
        assert (site / "en" / "record" / f"N-{utcnow().year}-0001.html").exists()
    finally:
        server.stop()
        live.close()
