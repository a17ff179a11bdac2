"""Half prose, half template through real SMTP: the prose is the description, even when the
writer is asked for something else first and answers it alone."""

from __future__ import annotations

from store.records import list_records
from tests.flows.test_conversation import new_mail
from tests.harness import RunningPortal, email, reply

HALF_PROSE = """\
Dear colleagues,

Our survey teams finished the non-technical survey of Savannakhet in October. What remains
is to confirm the boundaries of 14 suspected areas before clearance can be tasked.

Title: Technical survey of 14 suspected areas in Savannakhet
Areas: technical survey
Assistance: financial
Amount: 180000 USD

Best regards,
Kari Nordmann
NPA Laos
"""
PROSE = (
    "Our survey teams finished the non-technical survey of Savannakhet in October. What remains\n"
    "is to confirm the boundaries of 14 suspected areas before clearance can be tasked."
)


def test_the_prose_of_a_half_prose_need_is_its_description(people: RunningPortal) -> None:
    people.send(email("kari@npaid.example", "NEED", HALF_PROSE))
    (asked,) = new_mail(people, 0, 1)
    problems = [line for line in asked.get_content().splitlines() if line.startswith("- ")]
    assert problems == ["- Country: this field is required."]  # not the description
    answer, rcpt = reply(asked, "kari@npaid.example", "Country: Lao PDR\n\nThanks,\nKari")
    people.send(answer, recipients=rcpt)
    receipt, _ = new_mail(people, 1, 2)
    assert receipt["Subject"].startswith("Received: N-2026-0001")
    with people.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.kind, record.countries) == ("need", ["LAO"])
        assert record.content()["description"] == PROSE
