"""Public record ids: one sequence per kind and year."""

from bot.app import Portal
from store.db import transaction
from store.records import next_public_id


def test_ids_count_per_kind_and_year(portal: Portal) -> None:
    with transaction(portal.sessions) as session:
        ids = [
            next_public_id(session, "need", 2026),
            next_public_id(session, "need", 2026),
            next_public_id(session, "offer", 2026),
            next_public_id(session, "need", 2027),
        ]
    with transaction(portal.sessions) as session:
        ids.append(next_public_id(session, "need", 2026))
    assert ids == ["N-2026-0001", "N-2026-0002", "O-2026-0001", "N-2027-0001", "N-2026-0003"]
