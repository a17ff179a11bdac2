"""Settings come from defaults, then portal.toml, then PORTAL_* variables."""

import re
from ipaddress import ip_network
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import ConfigError


def test_defaults() -> None:
    settings = Settings.load({}, toml_path=Path("/nonexistent.toml"))
    assert settings.home == Path("var")
    assert settings.effective_database_url == f"sqlite:///{Path('var/portal.db').resolve()}"
    assert settings.smtp_host_port == ("127.0.0.1", 8025)
    assert settings.relay == ""
    assert settings.telegram_api == "https://api.telegram.org/bot"
    assert settings.maildir == Path("var/maildir")


def test_environment_wins_over_toml(tmp_path: Path) -> None:
    toml = tmp_path / "portal.toml"
    toml.write_text('domain = "ccm.example"\nsmtp_listen = "0.0.0.0:2525"\nhome = "/srv/portal"\n')
    settings = Settings.load({"PORTAL_DOMAIN": "env.example"}, toml_path=toml)
    assert (settings.domain, settings.smtp_host_port, settings.home) == (
        "env.example",
        ("0.0.0.0", 2525),
        Path("/srv/portal"),
    )
    assert settings.submit_address == "submit@env.example"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colour = 1\n", "unknown setting(s): colour"),
        ("domain = \n", "not valid TOML"),
        ('smtp_listen = "8025"\n', "PORTAL_SMTP_LISTEN must be host:port, not '8025'"),
        (
            'smtp_front_servers = "mx.portal.example"\n',
            "PORTAL_SMTP_FRONT_SERVERS must be IP addresses or networks, comma-separated (such as"
            " 127.0.0.1 or 10.1.0.0/24): 'mx.portal.example' does not appear to be an IPv4 or"
            " IPv6 network",
        ),
        (
            'smtp_front_servers = "10.1.0.1/24"\n',
            "PORTAL_SMTP_FRONT_SERVERS must be IP addresses or networks, comma-separated (such as"
            " 127.0.0.1 or 10.1.0.0/24): 10.1.0.1/24 has host bits set",
        ),
    ],
)
def test_bad_configuration_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    toml = tmp_path / "portal.toml"
    toml.write_text(content)
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.load({}, toml_path=toml)


def test_front_servers_are_addresses_and_networks(tmp_path: Path) -> None:
    absent = tmp_path / "no.toml"
    assert Settings.load({}, toml_path=absent).smtp_front_servers == ()
    listed = Settings.load(
        {"PORTAL_SMTP_FRONT_SERVERS": " 127.0.0.1, 10.1.0.0/24 ,::1,"}, toml_path=absent
    )
    assert listed.smtp_front_servers == (
        ip_network("127.0.0.1/32"),
        ip_network("10.1.0.0/24"),
        ip_network("::1/128"),
    )
    toml = tmp_path / "portal.toml"
    toml.write_text('smtp_front_servers = ["192.0.2.25", "2001:db8::/64"]\n')
    assert Settings.load({}, toml_path=toml).smtp_front_servers == (
        ip_network("192.0.2.25/32"),
        ip_network("2001:db8::/64"),
    )


def test_processors_are_one_per_core_the_portal_may_use_unless_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 2, 5})  # a CPU limit of 3
    home = {"PORTAL_HOME": str(tmp_path)}
    assert Settings.load(home).processor_count == 3
    assert Settings.load({**home, "PORTAL_PROCESSORS": "2"}).processor_count == 2
    with pytest.raises(ConfigError, match="PORTAL_PROCESSORS must be 0 or more"):
        Settings.load({**home, "PORTAL_PROCESSORS": "-1"})
