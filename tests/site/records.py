"""Published and pending records from several kinds of actors, for the site's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Portal
from bot.parsing.parser import parse_submission
from bot.records.create import create_record
from store.db import transaction
from tests.digests.test_digests import LAO_NEED, LBN_NEED
from tests.digests.test_digests import NOR_OFFER as DIGEST_NOR_OFFER
from tests.factories import context, focal_point, publish

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
GENERATED = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
SCRIPT_TITLE = '<script>alert(1)</script> & "quotes"'
PUBLISHED_IDS = [  # what the site shows of the records below: published only, needs first
    "N-2026-0001",
    "N-2026-0002",
    "N-2026-0003",
    "N-2026-0004",
    "O-2026-0001",
    "O-2026-0002",
    "O-2026-0003",
]

NOR_OFFER = DIGEST_NOR_OFFER.replace(
    "Assistance: financial\n", "Assistance: financial\nAmount: 250000 EUR\n"
)
HALO_OFFER = f"""Type: offer
Title: {SCRIPT_TITLE}
Country: any
Areas: clearance
Assistance: equipment
Description: Detectors <b>on loan</b> & spare parts.
"""
UNICEF_OFFER = """Type: offer
Title: Risk education materials for schools
Country: Lebanon
Areas: risk education
Assistance: training
Description: Teaching kits and training of teachers.
"""
LDPA_NEED = """Type: need
Title: Prosthetics workshop in Vientiane
Country: Lao PDR
Areas: rehabilitation
Assistance: financial
Description: Materials for a year of the workshop.
"""
BIH_NEED = """Type: need
Title: Clearance near Tuzla
Areas: clearance
Assistance: technical expertise
Description: Two experts for the quality management of clearance.
"""
PENDING_OFFER = """Type: offer
Title: Pending offer nobody confirmed
Country: Iraq
Areas: clearance
Assistance: financial
Description: Not confirmed yet.
"""

FOCAL_POINTS = {
    "LAO": "vong@nra.example",
    "NOR": "ingrid@mfa.example",
    "LBN": "rana@lmac.example",
    "HALO": "ops@halo.example",
    "UNICEF": "chief@unicef.example",
    "LDPA": "staff@ldpa.example",
    "BIH": "focal@bhmac.example",
}
PUBLISHED = (
    ("LAO", LAO_NEED),  # N-2026-0001
    ("NOR", NOR_OFFER),  # O-2026-0001
    ("LBN", LBN_NEED),  # N-2026-0002
    ("HALO", HALO_OFFER),  # O-2026-0002
    ("UNICEF", UNICEF_OFFER),  # O-2026-0003
    ("LDPA", LDPA_NEED),  # N-2026-0003
    ("BIH", BIH_NEED),  # N-2026-0004
)


def fill(portal: Portal) -> list[str]:
    """Seven published records, an hour apart, and one pending offer; their public ids."""
    for actor, email in FOCAL_POINTS.items():
        focal_point(portal, actor, email)
    ids = [
        publish(portal, FOCAL_POINTS[actor], text, START + timedelta(hours=n))
        for n, (actor, text) in enumerate(PUBLISHED)
    ]
    submit_only(portal, FOCAL_POINTS["NOR"], PENDING_OFFER, START + timedelta(hours=9))
    return ids


def submit_only(portal: Portal, email: str, template: str, now: datetime) -> str:
    """A record submitted and left pending: the secretariat has not confirmed it."""
    result = parse_submission(template)
    assert result.ok, result.problems
    with transaction(portal.sessions) as session:
        ctx = context(session, portal, now, email)
        assert ctx.person is not None
        return create_record(ctx, ctx.person.actors[0], result.submission).public_id


# Two more needs, written in French and in Spanish, for the area hierarchy and the search.
TCD_NEED = """Type: besoin
Titre: Centre de réadaptation à Abéché
Domaines: assistance aux victimes
Assistance: financière
Description: Matériel orthopédique et formation des kinésithérapeutes du centre.
"""
COL_NEED = """Tipo: necesidad
Título: Atención a sobrevivientes en Nariño
Áreas: atención médica, rehabilitación
Asistencia: equipamiento
Descripción: Prótesis para niños y traslado de heridos desde zonas rurales.
"""
MORE_FOCAL_POINTS = {"TCD": "point@tchad.example", "COL": "punto@colombia.example"}


def fill_more(portal: Portal) -> list[str]:
    """The records of `fill`, then a French need of Chad and a Spanish need of Colombia."""
    ids = fill(portal)
    for actor, email in MORE_FOCAL_POINTS.items():
        focal_point(portal, actor, email)
    later = START + timedelta(hours=10)
    ids.append(publish(portal, MORE_FOCAL_POINTS["TCD"], TCD_NEED, later))  # N-2026-0005
    ids.append(publish(portal, MORE_FOCAL_POINTS["COL"], COL_NEED, later))  # N-2026-0006
    return ids
