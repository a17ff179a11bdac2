"""The warnings `portal run` logs once at start, and `portal doctor`'s findings and exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from click.testing import CliRunner

from bot.app import Portal
from bot.cli.base import cli
from bot.config import Settings
from bot.operations.backup import make_backup
from bot.operations.checks import startup_findings
from tests.cli.test_run import PORTAL, environment
from tests.fakes import RecordingRelay
from tests.operations.test_automatic_backup import older_database

LOCALHOST = "PORTAL_DOMAIN is localhost"
MAILDIR = "outgoing mail only goes to the local maildir"
NO_AUTHENTICATION = "no sender authentication"
READABLE = "can be read by others"
WARNINGS = (LOCALHOST, MAILDIR, NO_AUTHENTICATION, READABLE)

READY = {
    "PORTAL_DOMAIN": "ccm.example",
    "PORTAL_RELAY": "smtp://127.0.0.1:2525",
    "PORTAL_TRUSTED_AUTHSERV_ID": "mx.ccm.example",
}


def problems(settings: Settings) -> list[str]:
    return [finding.problem for finding in startup_findings(settings)]


def test_startup_findings_come_and_go_with_the_settings(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Portal.open(Settings(home=home)).close()  # makes the secret key, 0600
    assert [p.split(":")[0] for p in problems(Settings(home=home))] == [
        LOCALHOST,
        f"{MAILDIR} ({home / 'maildir'})",
        NO_AUTHENTICATION,
    ]
    ready = Settings(
        home=home, domain="ccm.example", relay="smtp://mx:25", trusted_authserv_id="mx.ccm"
    )
    assert problems(ready) == []
    assert problems(ready.with_changes(trusted_authserv_id="", verify_dkim="1")) == []
    assert problems(ready.with_changes(trusted_authserv_id="", mail_provider="google")) == []
    assert len(problems(ready.with_changes(trusted_authserv_id="", verify_dkim="0"))) == 1
    (home / "secret_key").chmod(0o644)
    assert problems(ready) == [
        f"{home / 'secret_key'} can be read by others: with it anyone can forge reply addresses"
    ]


def run_until_stopped(env: dict[str, str]) -> str:
    """`portal run` started, stopped with Ctrl-C once running; everything it logged."""
    process = subprocess.Popen([PORTAL, "run"], env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    logged: list[str] = []
    try:
        for line in process.stderr:
            logged.append(line)
            if "portal running" in line:
                break
        process.send_signal(signal.SIGINT)
        logged.append(process.stderr.read())
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
    return "".join(logged)


def test_portal_run_warns_once_at_start(tmp_path: Path) -> None:
    home = tmp_path / "var"
    home.mkdir()
    (home / "secret_key").write_text("k" * 64)
    os.chmod(home / "secret_key", 0o644)
    logged = run_until_stopped(environment(home))
    warnings = [line for line in logged.splitlines() if " WARNING " in line]
    assert [sum(w in line for line in warnings) for w in WARNINGS] == [1, 1, 1, 1]
    assert len(warnings) == 4
    assert all(" WARNING bot.operations.checks: " in line for line in warnings)


def test_portal_run_says_nothing_when_ready_and_backs_up_before_migrating(
    tmp_path: Path,
) -> None:
    home = tmp_path / "var"
    home.mkdir()
    older_database(f"sqlite:///{home / 'portal.db'}")
    logged = run_until_stopped({**environment(home), **READY})
    assert [line for line in logged.splitlines() if " WARNING " in line] == []
    (backup,) = (home / "backups").glob("auto-*")
    assert backup.name.startswith("auto-0007-")
    assert f"backup written to {backup} (database revision 0007)" in logged


def doctor(home: Path, **env: str) -> tuple[int, list[str]]:
    variables = {"PORTAL_HOME": str(home), "PORTAL_CONFIG": "-", **READY, **env}
    result = CliRunner().invoke(cli, ["doctor"], env=variables, catch_exceptions=False)
    return result.exit_code, result.output.splitlines()


def test_doctor_passes_a_ready_portal_and_names_what_is_missing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    portal = Portal.open(settings)
    portal.init()
    portal.close()
    site = tmp_path / "site"
    with RecordingRelay() as relay:
        assert doctor(home, PORTAL_RELAY=relay.url, PORTAL_SITE_DIR=str(site)) == (
            1,
            [
                f"- no backup in {home / 'backups'}",
                "  what to do: run `portal backup` (daily, from cron)",
                "1 thing(s) to do before real use",
            ],
        )
        make_backup(settings, settings_path=tmp_path / "none.toml")
        assert doctor(home, PORTAL_RELAY=relay.url, PORTAL_SITE_DIR=str(site)) == (
            0,
            ["all checks passed: ready for real use"],
        )
        (home / "secret_key").chmod(0o640)
        code, lines = doctor(home, PORTAL_RELAY=relay.url)
        assert code == 1
        assert lines == [
            f"- {home / 'secret_key'} can be read by others: with it anyone can forge reply "
            "addresses",
            f"  what to do: chmod 600 {home / 'secret_key'}",
            "1 thing(s) to do before real use",
        ]
    with_password = f"smtp://isu:s3cret@127.0.0.1:{relay.port}"
    code, lines = doctor(home, PORTAL_RELAY=with_password, PORTAL_DOMAIN="localhost")
    assert code == 1
    assert not any("s3cret" in line for line in lines)
    assert [line for line in lines if line.startswith("- ")] == [
        "- PORTAL_DOMAIN is localhost: nobody can write to submit@localhost, and reply addresses "
        "point nowhere",
        f"- {home / 'secret_key'} can be read by others: with it anyone can forge reply addresses",
        f"- the relay 127.0.0.1:{relay.port} does not answer (ConnectionRefusedError: [Errno 111] "
        "Connection refused)",
    ]
    assert lines[-1] == "3 thing(s) to do before real use"
