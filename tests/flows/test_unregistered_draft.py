"""Prose from an address nobody registered, through real SMTP: its draft comes back with how to
register; no record until the sender, once registered, says OK from that same address."""

from __future__ import annotations

from bot.people import registry
from bot.records.drafts import made_for
from store.db import transaction
from store.records import list_records
from tests.flows.test_drafts_by_email import answer, records
from tests.harness import RunningPortal, email

CHAD_PROSE = """\
Bonjour,

notre association de survivants de Mongo, au Tchad, voudrait demander un appui pour des prothèses
et de la rééducation pour 40 personnes, environ 25 000 euros pour l'année 2027.

Cordialement,
Idriss
"""
SENDER = "idriss@survivants-td.example"


def test_an_unregistered_sender_gets_the_draft_and_says_ok_once_registered(
    people: RunningPortal,
) -> None:
    people.send(email(SENDER, "Prothèses Mongo", CHAD_PROSE))
    (draft,) = people.mail(1)
    assert draft["Subject"] == "Brouillon à vérifier (besoin) : Prothèses Mongo"
    body = draft.get_content()
    assert f"Votre adresse, {SENDER}, n'est pas encore enregistrée" in body
    assert "REGISTER (ou INSCRIPTION)" in body
    lines = body.splitlines()
    assert [line for line in lines if line.startswith(("Type :", "Pays :", "Montant :"))] == [
        "Type : besoin",
        "Pays : Tchad",
        "Montant : 25\u202f000 EUR",
    ]
    assert records(people) == []

    answer(people, draft, SENDER, "OK")  # not registered yet: still no record
    refused = people.mail(2)[1]
    assert (
        refused["Subject"] == "Votre adresse n'est pas enregistrée auprès de Portail de coopération"
    )
    assert records(people) == []

    with transaction(people.portal.sessions) as session:
        registry.add_focal_point(session, actor_name="TCD", email=SENDER, name="Idriss")
    answer(people, draft, SENDER, "oui")
    receipt = people.mail(4)[2]
    assert receipt["Subject"].startswith("Accusé de réception : N-2026-0001 Prothèses Mongo")
    (record,) = records(people)
    assert (record.kind, record.countries, record.amount, record.currency) == (
        "need",
        ["TCD"],
        25000,
        "EUR",
    )


def test_someone_elses_ok_to_an_unregistered_draft_makes_nothing(people: RunningPortal) -> None:
    people.send(email(SENDER, "Prothèses Mongo", CHAD_PROSE))
    (draft,) = people.mail(1)
    answer(people, draft, "rana@lmac.example", "OK")  # a focal point the draft was forwarded to
    refused = people.mail(2)[1]
    assert "rana@lmac.example" in refused["To"]
    assert refused["Subject"] == "Votre réponse n'a pas pu être utilisée"
    with people.portal.sessions() as session:
        assert list_records(session) == []


def test_one_draft_a_day_to_an_unregistered_address(people: RunningPortal) -> None:
    people.send(email(SENDER, "Prothèses Mongo", CHAD_PROSE))
    people.send(email(SENDER, "Prothèses Mongo (2)", CHAD_PROSE.replace("40", "45")))
    people.mail(1)
    assert len(people.mail(1)) == 1


def test_a_kept_draft_is_confirmed_only_from_the_address_it_was_made_for() -> None:
    stored = {"fields": {}, "language": "fr", "for": SENDER}
    assert made_for(stored, "Idriss@Survivants-TD.example ")
    assert not made_for(stored, "rana@lmac.example")
    assert made_for({"fields": {}, "language": "fr"}, "rana@lmac.example")  # kept before


def test_need_over_prose_from_an_unregistered_sender_gets_its_draft(people: RunningPortal) -> None:
    prose = (
        "Hello,\n\nOur mine action centre in Kandahar needs two more EORE teams for the coming "
        "year, about USD 90,000 in total.\n\nRegards,\nAhmad\n"
    )
    people.send(email("ahmad@stranger.example", "NEED", prose))
    (draft,) = people.mail(1)
    assert draft["Subject"].startswith("Please check this draft (need): ")
    assert "Your address, ahmad@stranger.example, is not registered yet" in draft.get_content()
    assert "Amount: 90,000 USD" in draft.get_content().splitlines()
    assert records(people) == []
