"""The site's data files, its writing (deterministic, all at once) and `portal site build`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from click.testing import CliRunner

from bot.app import Portal
from bot.cli import cli
from bot.errors import UserError
from bot.site import build_site, gather, site_files, write_site
from tests.site.conftest import read
from tests.site.records import GENERATED, PUBLISHED_IDS, SCRIPT_TITLE, fill

ATOM = "{http://www.w3.org/2005/Atom}"


def test_data_json_follows_its_schema_and_holds_the_records_and_open_matches(built: Path) -> None:
    schema = json.loads(read(built, "data.schema.json"))
    assert schema == json.loads((Path("bot/site/data.schema.json")).read_text(encoding="utf-8"))
    data = json.loads(read(built, "data.json"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(data)] == []
    assert data["generated_at"] == "2026-11-23T06:30:00Z"
    by_id = {r["id"]: r for r in data["records"]}
    assert list(by_id) == PUBLISHED_IDS
    assert by_id["O-2026-0002"]["title"] == SCRIPT_TITLE
    assert by_id["O-2026-0001"]["countries"] == ["region:035", "LBN"]
    assert (by_id["O-2026-0001"]["amount"], by_id["O-2026-0001"]["currency"]) == (
        "250000.00",
        "EUR",
    )
    assert by_id["N-2026-0003"]["actor"] == {
        "code": "LDPA",
        "type": "ngo_national",
        "name": {
            "en": "Lao Disabled People's Association",
            "fr": "Lao Disabled People's Association",
            "es": "Lao Disabled People's Association",
        },
    }
    assert [(m["need"], m["offer"]) for m in data["matches"]] == [
        ("N-2026-0001", "O-2026-0001"),
        ("N-2026-0002", "O-2026-0003"),
        ("N-2026-0001", "O-2026-0002"),
    ]
    assert data["matches"][0]["reasons"][0] == [
        "areas",
        ["art4.survey.technical", "art4.clearance"],
    ]


def test_the_schema_refuses_a_record_with_a_person_in_it(built: Path) -> None:
    schema = json.loads(read(built, "data.schema.json"))
    data = json.loads(read(built, "data.json"))
    data["records"][0]["focal_point"] = "vong@nra.example"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_data_csv_has_one_row_per_record_with_lists_joined(built: Path) -> None:
    with (built / "data.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == PUBLISHED_IDS
    norway = rows[4]
    assert (norway["actor_code"], norway["countries"], norway["areas"], norway["amount"]) == (
        "NOR",
        "region:035;LBN",
        "art4.survey.technical;art4.clearance;art4.land_release",
        "250000.00",
    )
    assert rows[5]["title"] == SCRIPT_TITLE
    assert rows[5]["description"] == "Detectors <b>on loan</b> & spare parts."
    assert rows[0]["page"] == "en/record/N-2026-0001.html"


def test_the_atom_feed_has_an_entry_per_record_newest_first(built: Path) -> None:
    feed = ET.fromstring(read(built, "feed.atom"))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 7
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == "urn:cooperation-portal:portal.test:N-2026-0004"
    assert first.findtext(f"{ATOM}title") == "Need N-2026-0004: Clearance near Tuzla"
    assert first.findtext(f"{ATOM}updated") == "2026-11-20T14:00:00Z"
    assert first.find(f"{ATOM}link").get("href") == "en/record/N-2026-0004.html"  # type: ignore[union-attr]
    assert entries[3].findtext(f"{ATOM}title") == f"Offer O-2026-0002: {SCRIPT_TITLE}"
    assert feed.findtext(f"{ATOM}updated") == "2026-11-20T14:00:00Z"


def test_with_a_public_address_the_feed_points_there(portal: Portal, tmp_path: Path) -> None:
    fill(portal)
    out = tmp_path / "site"
    build_site(portal.sessions, portal.settings, out, GENERATED, base_url="https://cc.example/p/")
    entry = ET.fromstring(read(out, "feed.atom")).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}id") == "https://cc.example/p/en/record/N-2026-0004.html"
    assert "https://" not in read(out, "en/index.html")  # pages keep relative links


def test_the_same_records_give_the_same_bytes_and_a_new_build_replaces_the_old(
    portal: Portal, tmp_path: Path
) -> None:
    fill(portal)
    with portal.sessions() as session:
        site = gather(session, portal.settings, GENERATED)
    out = tmp_path / "public" / "site"
    write_site(site_files(site), out)
    (out / "en" / "stale.html").write_text("from an old build", encoding="utf-8")
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with portal.sessions() as session:
        again = site_files(gather(session, portal.settings, GENERATED))
    write_site(again, out)
    second = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert set(first) - set(second) == {out / "en" / "stale.html"}
    assert {p: b for p, b in first.items() if p in second} == second
    assert [p.name for p in out.parent.iterdir()] == ["site"]  # no half-written folder left


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UserError, match="is not a site built by the portal"):
        write_site({"index.html": "<!DOCTYPE html>"}, out)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents"]


def test_portal_site_build_on_the_command_line(
    portal: Portal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(portal)
    monkeypatch.setenv("PORTAL_HOME", str(portal.settings.home))
    monkeypatch.setenv("PORTAL_DATABASE_URL", portal.settings.database_url)
    monkeypatch.setenv("PORTAL_DOMAIN", "portal.test")
    out = tmp_path / "public"
    result = CliRunner().invoke(cli, ["site", "build", "--out", str(out)])
    assert (result.exit_code, result.stdout) == (
        0,
        f"site built in {out}: 40 page(s), 7 record(s)\n",
    )
    assert "submit@portal.test" in read(out, "en/record/N-2026-0001.html")
    assert io.StringIO(read(out, "data.csv")).readline().startswith("id,kind,status,title,")
