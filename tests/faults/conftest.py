"""A running portal with settings of the test's choosing, and the focal point of Lao PDR."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.app import Portal
from bot.config import Settings
from tests.factories import focal_point
from tests.faults.process import PortalProcess
from tests.harness import RunningPortal, free_port

StartPortal = Callable[..., RunningPortal]
RunPortal = Callable[..., PortalProcess]


@pytest.fixture
def sqlite_only(request: pytest.FixtureRequest) -> None:
    """For cases where the database plays no part: they run once, on SQLite. (Put it first in
    the test's arguments, so that no PostgreSQL database is made for nothing.)"""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("database_url") != "sqlite":
        pytest.skip("the database plays no part in this case: it runs on SQLite only")


@pytest.fixture
def postgresql_only(request: pytest.FixtureRequest) -> None:
    """For what only a database server can do (go down). Put it first, as sqlite_only."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("database_url") != "postgresql":
        pytest.skip("a SQLite file has no server to go down")


@pytest.fixture
def start_portal(
    settings: Settings, portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> Iterator[StartPortal]:
    """start_portal(before=None, **setting_changes) -> a started RunningPortal, stopped after
    the test; `before(portal)` runs on the new Portal before anything connects to it."""
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    focal_point(portal, "LAO", "vong@nra.example")
    started: list[RunningPortal] = []

    def start(before: Callable[[Portal], None] | None = None, **changes: Any) -> RunningPortal:
        live = Portal.open(settings.with_changes(smtp_listen=f"127.0.0.1:{free_port()}", **changes))
        if before is not None:
            before(live)
        server = RunningPortal(live)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        try:
            server.stop()
        finally:
            server.portal.close()


@pytest.fixture
def run_portal() -> Iterator[RunPortal]:
    """run_portal(settings, preexec_fn=None, **env) -> a started `portal run` process; any
    still running when the test ends (a failed assertion) is killed."""
    started: list[PortalProcess] = []

    def run(
        settings: Settings, preexec_fn: Callable[[], None] | None = None, **env: str
    ) -> PortalProcess:
        process = PortalProcess(settings, preexec_fn, **env)
        started.append(process)
        return process.start()

    yield run
    for process in started:
        process.kill_if_running()
