"""End to end through the real SMTP server: a numbered template with synonyms, "did you mean"."""

from __future__ import annotations

from store.records import list_records
from tests.harness import RunningPortal, email

NUMBERED_NEED = """\
Dear colleagues,

please find our request below.

1. Type: need
2. Project title: Survey teams for Savannakhet
3. Sector: NTS, TS
4. Type of support: funding; in-kind equipment
5. Estimated cost (USD): 250,000
6. Timeframe: 2027-01 to 2027-12
7. Working languages: English, Lao
8. Background:
Village-level non-technical survey is complete.

Best regards,
Vong
"""


def test_a_numbered_template_with_synonyms_becomes_a_record(people: RunningPortal) -> None:
    people.send(email("vong@nra.example", "Survey teams", NUMBERED_NEED))
    receipt, _ = people.mail(2)
    assert receipt["Subject"] == "Received: N-2026-0001 Survey teams for Savannakhet"
    with people.portal.sessions() as session:
        (record,) = list_records(session)
        assert (record.areas, record.assistance) == (
            ["art4.survey.non_technical", "art4.survey.technical"],
            ["financial", "material_equipment"],
        )
        assert (record.amount, record.currency, record.languages) == (250_000, "USD", ["en", "lo"])


def test_a_near_miss_gets_did_you_mean_in_the_reply(people: RunningPortal) -> None:
    people.send(
        email(
            "vong@nra.example",
            "NEED",
            NUMBERED_NEED.replace("NTS, TS", "techncal survey").replace("funding;", "fundng;"),
        )
    )
    (reply,) = people.mail(1)
    body = reply.get_content()
    assert '- Areas: we do not know "techncal survey"; did you mean "technical survey"?' in body
    assert '- Assistance: we do not know "fundng"; did you mean "funding"?' in body
    assert "Allowed values" not in body
