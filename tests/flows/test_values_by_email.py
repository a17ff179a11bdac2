"""End to end through the real SMTP server: periods and amounts as people write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from store.records import list_records
from tests import factories
from tests.harness import RunningPortal, email

BESOIN_TCHAD = """\
Bonjour,

Voici notre besoin pour le Salamat.

Type : besoin
Titre : Équipes de déminage pour les pistes du Salamat
Pays : Tchad
Domaines : dépollution
Assistance : financière
Montant : 450 000 000 FCFA
Période : 2e semestre 2027
Description :
Deux équipes pour rouvrir les pistes agricoles avant la saison des pluies.

Cordialement,
Idriss
"""

OFFRE_SANS_MONTANT = """\
Type : offre
Titre : Formateurs en gestion de l'information
Pays : Tchad
Domaines : dépollution
Assistance : formation
Montant : en nature (pas de financement)
Période : sans objet
Description :
Deux formateurs pendant trois semaines.
"""


def test_a_chadian_need_in_cfa_francs_by_semester_becomes_a_record(
    running: RunningPortal,
) -> None:
    factories.register_people(running.portal)
    factories.focal_point(running.portal, "TCD", "idriss@cnd.example", language="fr")

    running.send(email("Idriss Mahamat <idriss@cnd.example>", "Besoin Salamat", BESOIN_TCHAD))
    receipt, to_secretariat = running.mail(2)

    assert receipt["To"] == "idriss@cnd.example"
    assert receipt["Subject"].startswith("Accusé de réception : N-2026-0001")
    assert to_secretariat["To"] == "isu@ccm.example"
    with running.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.kind, record.countries, record.status) == ("need", ["TCD"], "pending")
        assert (record.amount, record.currency) == (Decimal("450000000"), "XAF")
        assert (record.period_start, record.period_end) == (date(2027, 7, 1), date(2027, 12, 31))


def test_an_offer_in_kind_without_a_period_is_recorded_without_amount_or_period(
    running: RunningPortal,
) -> None:
    factories.register_people(running.portal)
    factories.focal_point(running.portal, "TCD", "idriss@cnd.example", language="fr")

    running.send(email("idriss@cnd.example", "Offre formateurs", OFFRE_SANS_MONTANT))
    receipt, _ = running.mail(2)

    assert receipt["Subject"].startswith("Accusé de réception : O-2026-0001")
    with running.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.amount, record.currency) == (None, None)
        assert (record.period_start, record.period_end) == (None, None)
