"""The service files and recipes in deploy/ are valid, complete and agree with each other."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNIT = DEPLOY / "systemd" / "cooperation-portal.service"
PROGRAM = "/opt/cooperation-portal/venv/bin/portal"
HOME = "/var/lib/cooperation-portal"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
NO_SYSTEMD = "systemd-analyze is not installed (Debian's systemd package has it)"


# ---- portal.toml ------------------------------------------------------------------------------
def test_the_example_settings_name_every_setting_at_its_default(tmp_path: Path) -> None:
    text = (DEPLOY / "portal.toml").read_text()
    lines = re.findall(r"^# ([a-z0-9_]+) = (.*)$", text, re.MULTILINE)
    assert sorted(name for name, _ in lines) == sorted(Settings.names())
    uncommented = tmp_path / "portal.toml"
    uncommented.write_text("".join(f"{name} = {value}\n" for name, value in lines))
    assert Settings.load({}, toml_path=uncommented) == Settings()


def test_each_example_setting_says_what_it_is() -> None:
    lines = (DEPLOY / "portal.toml").read_text().splitlines()
    bare = [
        line
        for before, line in zip(lines, lines[1:], strict=False)
        if re.match(r"^# [a-z0-9_]+ = ", line) and not before.startswith("# ")
    ]
    assert bare == []


# ---- the systemd unit -------------------------------------------------------------------------
def unit_here(tmp_path: Path) -> Path:
    """The unit, running this checkout's `portal` (verify wants a program that exists)."""
    copy = tmp_path / UNIT.name
    portal = str(Path(sys.executable).parent / "portal")
    copy.write_text(UNIT.read_text().replace(PROGRAM, portal))
    return copy


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason=NO_SYSTEMD)
def test_systemd_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    assert SYSTEMD_ANALYZE is not None
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(unit_here(tmp_path))], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason=NO_SYSTEMD)
def test_the_unit_is_hardened(tmp_path: Path) -> None:
    """systemd's own exposure score (0 best, 10 worst) stays at 2 or below; it is 1.3 now."""
    assert SYSTEMD_ANALYZE is not None
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "security", "--offline=true", "--threshold=20", "--no-pager"]
        + [str(unit_here(tmp_path))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def service() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser["Service"]


def test_the_unit_runs_portal_as_its_own_user_in_its_own_folder() -> None:
    unit = service()
    assert (unit["User"], unit["Group"], unit["ExecStart"]) == (
        "portal",
        "portal",
        f"{PROGRAM} run",
    )
    assert unit["StateDirectory"] == Path(HOME).name
    assert unit["ReadWritePaths"] == unit["WorkingDirectory"] == HOME
    # SIGTERM to the supervisor alone, which stops the parts in order.
    assert (unit["KillMode"], unit["KillSignal"]) == ("mixed", "SIGTERM")
    sysusers = (DEPLOY / "systemd" / "cooperation-portal.sysusers.conf").read_text()
    assert f'u portal - "Cooperation Portal bot" {HOME} /usr/sbin/nologin' in sysusers


def test_portal_admin_runs_portal_as_the_service_does() -> None:
    unit = UNIT.read_text()
    admin = (DEPLOY / "systemd" / "portal-admin").read_text()
    for line in re.findall(r"^Environment=(.*)$", unit, re.MULTILINE):
        assert f"--setenv={line}" in admin
    (env_file,) = re.findall(r"^EnvironmentFile=(.*)$", unit, re.MULTILINE)
    assert f"--property=EnvironmentFile={env_file}" in admin
    assert f"--working-directory={HOME}" in admin
    assert "--uid=portal --gid=portal" in admin
    assert f'{PROGRAM} "$@"' in admin


def test_the_environment_file_names_only_settings() -> None:
    names = re.findall(
        r"^#?PORTAL_([A-Z0-9_]+)=", (DEPLOY / "systemd" / "portal.env").read_text(), re.M
    )
    assert names and {n.lower() for n in names} <= set(Settings.names())


# ---- the front mail server --------------------------------------------------------------------
def postfix_settings(name: str) -> dict[str, str]:
    text = (DEPLOY / "postfix" / name).read_text()
    return dict(re.findall(r"^([a-z_]+) = (.*)$", text, re.MULTILINE))


def milter_settings(name: str) -> dict[str, str]:
    lines = (DEPLOY / "milters" / name).read_text().splitlines()
    pairs = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
    return {key: value for key, value in pairs}


def postfix_socket(milter: dict[str, str]) -> str:
    """A milter's Socket (inet:8891@127.0.0.1) as Postfix names it (inet:127.0.0.1:8891)."""
    kind, _, where = milter["Socket"].partition(":")
    port, _, host = where.partition("@")
    return f"{kind}:{host}:{port}"


def test_the_mail_recipe_agrees_with_the_portals_settings() -> None:
    portal = Settings.load({}, toml_path=DEPLOY / "postfix" / "portal.toml")
    main = postfix_settings("main.cf")
    dkim, dmarc = milter_settings("opendkim.conf"), milter_settings("opendmarc.conf")
    host, port = portal.smtp_host_port
    transport = (DEPLOY / "postfix" / "transport").read_text().splitlines()[-1].split()
    assert transport == [portal.domain, f"smtp:[{host}]:{port}"]
    assert main["relay_domains"] == dkim["Domain"] == portal.domain
    assert int(main["message_size_limit"]) == portal.max_message_size
    assert dmarc["AuthservID"] == portal.trusted_authserv_id
    assert dmarc["TrustedAuthservIDs"] == dkim["AuthservID"]
    assert main["smtpd_milters"] == f"{postfix_socket(dkim)}, {postfix_socket(dmarc)}"
    master = (DEPLOY / "postfix" / "master.cf").read_text()
    relay = portal.relay.removeprefix("smtp://")
    assert re.search(rf"^{re.escape(relay)}\s+inet\s", master, re.MULTILINE)
    assert [str(n) for n in portal.smtp_front_servers] == ["127.0.0.1/32"]
    recipients = (DEPLOY / "postfix" / "portal_recipients").read_text()
    assert f"{portal.submit_address}   OK" in recipients
    assert f"reply@{portal.domain}    OK" in recipients
    assert f"bounce@{portal.domain}   OK" in recipients  # bot.verp: our envelope senders
    signed = set(dkim["SignHeaders"].split(","))
    assert {"List-Unsubscribe", "List-Unsubscribe-Post"} <= signed  # RFC 8058


def test_main_cf_has_no_comment_after_a_value() -> None:
    """Postfix would read it as part of the value."""
    assert [v for v in postfix_settings("main.cf").values() if "#" in v] == []


@pytest.mark.parametrize(
    ("header", "removed"),
    [
        ("Authentication-Results: mx.portal.example; dmarc=pass header.from=a.example", True),
        ("authentication-results:mx.portal.example; dmarc=pass", True),
        ("Authentication-Results: dkim.mx.portal.example; dkim=pass", True),
        ("Authentication-Results: mx.portal.example.evil; dmarc=pass", True),
        ("Authentication-Results: mx.google.com; dmarc=pass", False),
        ("Authentication-Results: mx.portal.examples; dmarc=pass", False),
        ("X-Authentication-Results: mx.portal.example; dmarc=pass", False),
    ],
)
def test_header_checks_remove_forged_results_of_our_servers(header: str, removed: bool) -> None:
    """Postfix regexp tables ignore case; Python's re reads this pattern the same way."""
    (rule,) = [
        line
        for line in (DEPLOY / "postfix" / "header_checks").read_text().splitlines()
        if line.startswith("/")
    ]
    pattern, action = re.fullmatch(r"/(.*)/\s+(\w+)", rule).groups()  # type: ignore[union-attr]
    assert action == "IGNORE"
    assert bool(re.search(pattern, header, re.IGNORECASE)) is removed
