"""Subscriptions and digests through the real SMTP server, maildir and HTTP side."""

from __future__ import annotations

import re
import urllib.request

import pytest

from bot.app import Portal
from bot.config import Settings
from bot.records.review import confirm
from digests.period import period_of
from digests.send import ensure_period
from store.base import utcnow
from store.db import transaction
from store.subscriptions import Subscription
from tests.factories import context
from tests.flows.conftest import register_people
from tests.flows.test_conversation import new_mail
from tests.flows.test_need_by_email import LAO_NEED, NPA_OFFER, run_cli
from tests.harness import RunningPortal, email, free_port, reply

OFFER = NPA_OFFER.replace("technical expertise, training", "technical expertise, equipment")


@pytest.fixture
def with_http(settings: Settings, portal: Portal, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The running portal with its HTTP side, for one-click unsubscribe."""
    monkeypatch.setattr("bot.services.POLL_SECONDS", 0.1)
    http_port = free_port()
    live = Portal.open(
        settings.with_changes(
            smtp_listen=f"127.0.0.1:{free_port()}",
            http_listen=f"127.0.0.1:{http_port}",
            public_url=f"http://127.0.0.1:{http_port}",
        )
    )
    server = RunningPortal(live).start()
    yield register_people(server)
    server.stop()
    live.close()


def subscriptions(running: RunningPortal) -> list[tuple[str, str, str]]:
    with running.portal.sessions() as session:
        return [
            (s.address, s.kind, s.status)
            for s in session.query(Subscription).order_by(Subscription.id)
        ]


def test_subscribe_is_confirmed_by_replying(people: RunningPortal) -> None:
    people.send(
        email(
            "watch@donor.example",
            "SUBSCRIBE",
            "Areas: clearance, risk education\nCountry: South-eastern Asia\nType: need",
        )
    )
    (confirmation,) = new_mail(people, 0, 1)
    assert confirmation["Subject"] == "Please confirm your subscription to the weekly digest"
    lines = confirmation.get_content().splitlines()
    assert "Type: need" in lines and "Countries and regions: South-eastern Asia" in lines
    assert "Areas: clearance, risk education" in lines
    assert ("watch@donor.example", "filtered", "pending") in subscriptions(people)

    message, rcpt = reply(confirmation, "watch@donor.example", "yes please")
    people.send(message, recipients=rcpt)
    (confirmed,) = new_mail(people, 1, 1)
    assert confirmed["Subject"] == "Subscribed: the weekly digest"
    assert ("watch@donor.example", "filtered", "active") in subscriptions(people)


def test_a_forwarded_confirmation_confirms_nothing(people: RunningPortal) -> None:
    people.send(email("watch@donor.example", "SUBSCRIBE", ""))
    (confirmation,) = new_mail(people, 0, 1)
    message, rcpt = reply(confirmation, "someone.else@donor.example", "yes")
    people.send(message, recipients=rcpt)
    (refused,) = new_mail(people, 1, 1)
    assert refused["Subject"] == "Your reply could not be used"
    assert ("watch@donor.example", "filtered", "pending") in subscriptions(people)


def test_a_need_and_an_offer_meet_in_the_digest(
    people: RunningPortal, monkeypatch: pytest.MonkeyPatch
) -> None:
    people.send(email("vong@nra.example", "NEED", LAO_NEED))
    people.send(email("kari@npaid.example", "OFFER", OFFER))
    new_mail(people, 0, 4)
    assert run_cli(people, monkeypatch, "confirm", "N-2026-0001", "O-2026-0001") == (
        "N-2026-0001: published\nO-2026-0001: published\n"
    )
    new_mail(people, 4, 2)
    matches = run_cli(people, monkeypatch, "matches", "list").splitlines()
    need, offer, score, status = matches[1].split()[:4]
    assert (need, offer, status, matches[-1]) == (
        "N-2026-0001",
        "O-2026-0001",
        "open",
        "1 match(es)",
    )
    assert 0 < int(score) <= 100
    period = period_of(utcnow(), "UTC")
    output = run_cli(people, monkeypatch, "digest", "run")
    assert output == (
        f"{period}: 3 recipient(s): 2 digest(s) queued, 1 with nothing new, 0 already done\n"
    )  # Lebanon's focal point has nothing new
    digests = {m["To"]: m for m in new_mail(people, 6, 2)}
    lao, npa = digests["vong@nra.example"], digests["kari@npaid.example"]
    assert lao["Subject"] == f"Your weekly digest ({period}): 1 item"
    text = lao.get_body(preferencelist=("plain",)).get_content()
    assert "* O-2026-0001 Deployable technical survey teams for South-eastern Asia" in text
    assert re.search(
        r"score \d+/100: both: technical survey · .*offer open to South-eastern "
        r"Asia",
        text,
    )
    assert "N-2026-0001 Technical survey teams for two districts" in (
        npa.get_body(preferencelist=("plain",)).get_content()
    )
    html = lao.get_body(preferencelist=("html",)).get_content()
    assert "<strong>O-2026-0001</strong>" in html
    assert lao["List-Unsubscribe"].startswith("<mailto:reply+d")
    again = run_cli(people, monkeypatch, "digest", "run")
    assert (
        again
        == f"{period}: 3 recipient(s): 0 digest(s) queued, 0 with nothing new, 3 already done\n"
    )


def digest_for(running: RunningPortal, before: int) -> object:
    running.send(email("vong@nra.example", "NEED", LAO_NEED))
    running.send(email("kari@npaid.example", "OFFER", OFFER))
    new_mail(running, before, 4)
    with transaction(running.portal.sessions) as session:
        for public_id in ("N-2026-0001", "O-2026-0001"):
            assert confirm(context(session, running.portal, utcnow()), public_id).outcome
    new_mail(running, before + 4, 2)
    now = utcnow()
    ensure_period(running.portal.sessions, running.portal.settings, period_of(now, "UTC"), now)
    mails = new_mail(running, before + 6, 2)
    return next(m for m in mails if m["To"] == "vong@nra.example")


def test_unsubscribe_by_replying_to_the_digest(people: RunningPortal) -> None:
    digest = digest_for(people, 0)
    message, rcpt = reply(digest, "vong@nra.example", "UNSUBSCRIBE")  # type: ignore[arg-type]
    people.send(message, recipients=rcpt)
    (done,) = new_mail(people, 8, 1)
    assert done["Subject"] == "Unsubscribed from the weekly digest"
    assert ("vong@nra.example", "own", "unsubscribed") in subscriptions(people)


def test_unsubscribe_by_the_mailto_link(people: RunningPortal) -> None:
    digest = digest_for(people, 0)
    link = re.search(r"<mailto:([^?>]+)\?subject=unsubscribe>", digest["List-Unsubscribe"])  # type: ignore[index]
    assert link is not None
    people.send(
        email("vong@nra.example", "unsubscribe", "", to=link.group(1)), recipients=[link.group(1)]
    )
    new_mail(people, 8, 1)
    assert ("vong@nra.example", "own", "unsubscribed") in subscriptions(people)


def test_unsubscribe_with_one_click(with_http: RunningPortal) -> None:
    digest = digest_for(with_http, 0)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # type: ignore[index]
    url = re.search(r"<(http://[^>]+)>", digest["List-Unsubscribe"]).group(1)  # type: ignore[index, union-attr]
    page = urllib.request.urlopen(url, timeout=10).read().decode()
    assert "Stop the weekly digest?" in page
    assert ("vong@nra.example", "own", "active") in subscriptions(with_http)  # GET changes nothing
    request = urllib.request.Request(url, data=b"List-Unsubscribe=One-Click", method="POST")
    assert "You are unsubscribed" in urllib.request.urlopen(request, timeout=10).read().decode()
    assert ("vong@nra.example", "own", "unsubscribed") in subscriptions(with_http)
    bad = urllib.request.Request(url[:-3] + "aaa", data=b"", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=10)
    assert refused.value.code == 400
