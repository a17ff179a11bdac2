"""Three focal points and their records, published a few days before the digests of 2026-W48."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import Portal
from tests.digests.test_digests import BEFORE, LAO_NEED, LBN_NEED, NOR_OFFER
from tests.factories import focal_point, publish


@pytest.fixture
def published(portal: Portal) -> Portal:
    focal_point(portal, "LAO", "vong@nra.example")
    focal_point(portal, "NOR", "ingrid@mfa.example")
    focal_point(portal, "LBN", "rana@lmac.example", language="fr")
    publish(portal, "vong@nra.example", LAO_NEED, BEFORE)
    publish(portal, "ingrid@mfa.example", NOR_OFFER, BEFORE + timedelta(hours=1))
    publish(portal, "rana@lmac.example", LBN_NEED, BEFORE + timedelta(hours=2))
    return portal
