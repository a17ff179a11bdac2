"""The layering of STYLE.md, held by import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).parents[1]
PACKAGES = ("bot", "store", "digests", "tests", "bench")
CONTRACTS = (
    "store imports nothing of ours",
    "parsing imports no store and no channel",
    "only the wiring imports the Telegram channel",
    "only the wiring imports the email channel",
)
LINT = (sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the packages under `root`, with the contracts of its pyproject.toml."""
    return subprocess.run(
        [*LINT, "--no-cache", "--no-logo", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=100,
    )


def copy_of_the_project(to: Path) -> Path:
    """The packages and pyproject.toml in `to`, to break a contract without touching the tree."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, to / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", to / "pyproject.toml")
    return to


def test_every_layering_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in result.stdout, result.stdout
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_core_module_importing_a_channel_breaks_the_contract(tmp_path: Path) -> None:
    """The contracts bite: the matcher made to import the Telegram channel fails the check."""
    copy = copy_of_the_project(tmp_path)
    score = copy / "bot" / "matching" / "score.py"
    score.write_text(
        score.read_text(encoding="utf-8") + "\nimport bot.channels.telegram.menu  # noqa\n",
        encoding="utf-8",
    )
    result = lint_imports(copy)
    log.info("lint-imports on the broken copy:\n%s", result.stdout)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "only the wiring imports the Telegram channel BROKEN" in result.stdout
    assert "- bot.matching.score -> bot.channels.telegram.menu (l." in result.stdout
    assert "Contracts: 3 kept, 1 broken." in result.stdout


def test_the_store_importing_the_bot_breaks_the_contract(tmp_path: Path) -> None:
    copy = copy_of_the_project(tmp_path)
    db = copy / "store" / "db.py"
    db.write_text(db.read_text(encoding="utf-8") + "\nimport bot.render  # noqa\n", "utf-8")
    result = lint_imports(copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "store imports nothing of ours BROKEN" in result.stdout
    assert "store.db -> bot.render (l." in result.stdout
    assert "Contracts: 3 kept, 1 broken." in result.stdout
