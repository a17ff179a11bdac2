"""`portal init` and `portal run` as a person runs them: real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

PORTAL = str(Path(sys.executable).parent / "portal")


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_HOME=str(home), PORTAL_LOG_LEVEL="INFO", PORTAL_SMTP_LISTEN="127.0.0.1:0")
    return env


def test_init_twice_then_list_state_parties(tmp_path: Path) -> None:
    env = environment(tmp_path / "var")
    first = subprocess.run([PORTAL, "init"], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([PORTAL, "init"], env=env, capture_output=True, text=True, check=True)
    assert first.stdout.endswith("actors (164 added, 0 updated)\n")
    assert second.stdout.endswith("164 actors (0 added, 0 updated)\n")
    listing = subprocess.run(
        [PORTAL, "actors", "list", "--type", "state_party"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert listing.stdout.splitlines()[-1] == "112 actor(s)"


def test_a_command_before_init_says_what_to_do(tmp_path: Path) -> None:
    result = subprocess.run(
        [PORTAL, "records", "list"],
        env=environment(tmp_path / "var"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: the database at sqlite:///")
    assert result.stderr.endswith("is not initialised or not up to date: run `portal init`\n")


def test_run_starts_stays_up_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [PORTAL, "run"],
        env=environment(tmp_path / "var"),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if "portal running" in line:
                break
        assert process.poll() is None
        assert (tmp_path / "var" / "portal.db").is_file()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert "portal stopped" in process.stderr.read()
    finally:
        process.kill()


def started_until_running(home: Path) -> list[str]:
    """What `portal run` logs until it runs, then Ctrl-C; the lines without their times."""
    process = subprocess.Popen([PORTAL, "run"], env=environment(home), stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    assert process.stderr is not None
    lines = []
    try:
        for line in process.stderr:
            lines.append(line.split(" ", 2)[-1].strip())
            if "portal running" in line:
                break
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
    ready = "INFO bot.app: database at revision"  # Portal.init: migrated, actors loaded
    return [line for line in lines if "started (pid" in line or line.startswith(ready)]


def test_run_starts_intake_first_on_a_current_database(tmp_path: Path) -> None:
    """Intake takes mail while the supervisor loads the actors and gives back the leases."""
    env = environment(tmp_path / "var")
    subprocess.run([PORTAL, "init"], env=env, capture_output=True, check=True)
    logged = started_until_running(tmp_path / "var")
    assert [line.split(":")[0] for line in logged] == ["INFO bot.supervisor", "INFO bot.app"]
    assert logged[0].startswith("INFO bot.supervisor: intake started (pid ")


def test_run_migrates_a_database_behind_before_intake_starts(tmp_path: Path) -> None:
    """Nothing is ever stored in a database behind its migrations."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from store import migrate
    from store.db import make_engine

    (tmp_path / "var").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'portal.db'}")
    config = migrate.alembic_config(engine)
    head = ScriptDirectory.from_config(config).get_revision(migrate.head_revision())
    assert isinstance(head.down_revision, str)
    command.upgrade(config, head.down_revision)
    engine.dispose()
    logged = started_until_running(tmp_path / "var")
    migrated = f"database at revision {head.revision}; actors added 164, changed 0"
    assert logged[0] == f"INFO bot.app: {migrated}"
    assert logged[1].startswith("INFO bot.supervisor: intake started (pid ")
