"""constraints.txt pins every requirement of pyproject.toml, at a version it allows."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def pinned() -> dict[str, list[Version]]:
    """Each package of constraints.txt and its versions (a universal lock may pin two, for two
    Pythons or platforms, each under its marker)."""
    pins: dict[str, list[Version]] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if not line or line.startswith(("#", " ")):
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        pins.setdefault(canonicalize_name(requirement.name), []).append(Version(specifier.version))
    return pins


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + [
        line for extra in project["optional-dependencies"].values() for line in extra
    ]
    return [Requirement(line) for line in listed]


def test_every_requirement_is_pinned_at_a_version_it_allows() -> None:
    pins = pinned()
    missing = [str(r) for r in requirements() if canonicalize_name(r.name) not in pins]
    assert missing == [], f"run `make lock`: constraints.txt lacks {missing}"
    refused = [
        f"{r} (pinned {version})"
        for r in requirements()
        for version in pins[canonicalize_name(r.name)]
        if not r.specifier.contains(version, prereleases=True)
    ]
    assert refused == [], f"run `make lock`: constraints.txt pins versions refused by {refused}"
