"""Registered people for the conversation tests."""

from __future__ import annotations

import pytest

from bot.people import registry
from store.db import transaction
from tests.harness import RunningPortal


@pytest.fixture
def people(running: RunningPortal) -> RunningPortal:
    """Focal points of Lao PDR, Lebanon, Norway and NPA, and the secretariat."""
    return register_people(running)


def register_people(running: RunningPortal) -> RunningPortal:
    with transaction(running.portal.sessions) as session:
        registry.add_focal_point(
            session, actor_name="LAO", email="vong@nra.example", name="Vong Saysana"
        )
        registry.add_focal_point(
            session, actor_name="LBN", email="rana@lmac.example", name="Rana Haddad", language="fr"
        )
        registry.add_focal_point(
            session, actor_name="NPA", email="kari@npaid.example", name="Kari Nordmann"
        )
        registry.add_secretariat(session, email="isu@ccm.example", name="ISU desk")
    return running
