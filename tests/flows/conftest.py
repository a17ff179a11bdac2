"""Registered people for the conversation tests."""

from __future__ import annotations

import pytest

from tests import factories
from tests.harness import RunningPortal


@pytest.fixture
def people(running: RunningPortal) -> RunningPortal:
    """Focal points of Lao PDR, Lebanon, Norway and NPA, and the secretariat."""
    return register_people(running)


def register_people(running: RunningPortal) -> RunningPortal:
    """The people of tests.factories.register_people, on a running portal."""
    factories.register_people(running.portal)
    return running
