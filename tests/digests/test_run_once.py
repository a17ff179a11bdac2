"""What a run does once for all recipients (the matches by actor, the record views) gives each
recipient what doing it for them alone would."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import Portal
from bot.channels.telegram.sending import telegram_form
from bot.envelope import PARTS
from bot.records.views import RecordView
from digests.build import (
    Facts,
    Filters,
    MatchFacts,
    News,
    Recipient,
    build,
    index_matches,
    index_published,
)
from digests.send import ensure_period
from store.db import transaction
from store.digests import DigestEntry, last_sent
from store.subscriptions import ACTIVE, Subscription
from tests.digests.test_digests import BEFORE, MONDAY, digests
from tests.factories import subscribe

SINCE = datetime(2026, 11, 16, tzinfo=UTC)
NOW = SINCE + timedelta(days=7)
ACTORS = range(1, 6)


def no_regions(code: str) -> frozenset[str]:
    return frozenset()


@st.composite
def weeks(draw: st.DrawFn) -> News:
    """Records of a few actors, and matches between them (some naming a record not gathered)."""
    count = draw(st.integers(1, 12))
    records = {
        n: Facts(
            n,
            draw(st.sampled_from(("need", "offer"))),
            draw(st.sampled_from(ACTORS)),
            ("LAO",),
            (),
            (),
            SINCE + timedelta(hours=draw(st.integers(-48, 100))),
        )
        for n in range(1, count + 1)
    }
    ids = st.integers(1, count + 2)  # count + 1 and count + 2 are not in `records`
    matches = tuple(
        MatchFacts(
            draw(ids),
            draw(ids),
            draw(st.integers(0, 100)),
            (("recent", ()),),
            SINCE + timedelta(hours=draw(st.integers(-24, 100))),
        )
        for _ in range(draw(st.integers(0, 25)))
    )
    published = tuple(r for r in records.values() if r.published_at > SINCE)
    return News(matches=matches, published=published, records=records)


recipients = st.builds(
    Recipient,
    channel=st.just("email"),
    address=st.just("someone@example.org"),
    language=st.just("en"),
    since=st.sampled_from((SINCE, SINCE + timedelta(hours=30))),
    actor_ids=st.frozensets(st.integers(0, 6), max_size=3),
    filters=st.sampled_from(((), (Filters(),), (Filters(kind="need"),))),
)


@settings(max_examples=300, deadline=None)
@given(news=weeks(), recipient=recipients)
def test_the_match_index_gives_the_entries_of_a_full_scan(news: News, recipient: Recipient) -> None:
    scanned = build(recipient, news, NOW, no_regions)
    indexed = replace(news, match_index=index_matches(news.matches, news.records))
    assert build(recipient, indexed, NOW, no_regions) == scanned


AREAS, HELP, COUNTRIES = ("a1", "a2", "a3"), ("h1", "h2"), ("LAO", "KHM", "LBN", "any")
REGIONS = {"035": frozenset({"LAO", "KHM"}), "145": frozenset({"LBN"})}


def some_regions(code: str) -> frozenset[str]:
    return REGIONS.get(code, frozenset())


def codes(choices: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(choices), max_size=3, unique=True).map(tuple)


@st.composite
def published_week(draw: st.DrawFn) -> News:
    """Records with varied kinds and codes (countries, regions and "any"), newest first."""
    count = draw(st.integers(0, 15))
    records = tuple(
        Facts(
            n,
            draw(st.sampled_from(("need", "offer"))),
            draw(st.sampled_from(ACTORS)),
            draw(codes((*COUNTRIES, "region:035"))),
            draw(codes(AREAS)),
            draw(codes(HELP)),
            NOW - timedelta(hours=n),
        )
        for n in range(1, count + 1)
    )
    return News(published=records, records={r.id: r for r in records})


filters = st.builds(
    Filters,
    kind=st.sampled_from((None, "need", "offer")),
    areas=codes(AREAS).map(frozenset),
    assistance=codes(HELP).map(frozenset),
    places=codes((*COUNTRIES, "NOR", "region:035", "region:145", "region:999")).map(frozenset),
)
followers = st.builds(
    Recipient,
    channel=st.just("email"),
    address=st.just("someone@example.org"),
    language=st.just("en"),
    since=st.sampled_from((SINCE, NOW - timedelta(hours=6))),
    actor_ids=st.frozensets(st.sampled_from(ACTORS), max_size=1),
    filters=st.lists(filters, max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(news=published_week(), recipient=followers)
def test_the_published_index_gives_the_entries_of_a_full_scan(
    news: News, recipient: Recipient
) -> None:
    scanned = build(recipient, news, NOW, some_regions)
    indexed = replace(news, published_index=index_published(news.published))
    assert build(recipient, indexed, NOW, some_regions) == scanned


class Untouchable(tuple):  # type: ignore[type-arg]
    """Matches that fail the test when a digest reads one of them."""

    def __iter__(self) -> Any:
        raise AssertionError("a digest read every match")

    def __getitem__(self, index: Any) -> Any:
        raise AssertionError(f"a digest read match {index}")


def test_a_subscriber_without_actors_reads_no_match() -> None:
    need = Facts(1, "need", 1, ("LAO",), ("art4.clearance",), (), SINCE + timedelta(days=1))
    offer = Facts(2, "offer", 2, ("LAO",), ("art4.clearance",), (), SINCE + timedelta(days=2))
    found = MatchFacts(1, 2, 70, (("recent", ()),), SINCE + timedelta(days=2))
    records = {1: need, 2: offer}
    news = News(
        matches=Untouchable((found,)),
        published=(offer, need),
        records=records,
        match_index=index_matches((found,), records),
    )
    follower = Recipient("email", "watch@example.org", "en", SINCE, filters=(Filters(),))
    assert [e.record_id for e in build(follower, news, NOW, no_regions)] == [2, 1]
    focal_point = replace(follower, actor_ids=frozenset({1}), filters=())
    with pytest.raises(AssertionError, match="read match 0"):
        build(focal_point, news, NOW, no_regions)


def test_each_record_is_worded_once_per_language_and_never_in_another(
    published: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    worded: list[tuple[str, str]] = []
    real = RecordView.of_record

    def counted(record, lang):  # type: ignore[no-untyped-def]
        worded.append((record.public_id, lang))
        return real(record, lang)

    monkeypatch.setattr(RecordView, "of_record", counted)
    since = BEFORE - timedelta(days=30)
    subscribe(published, "everything@watch.example", since)
    subscribe(published, "tout@veille.example", since, language="fr")
    subscribe(published, "everything.too@watch.example", since)
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty, report.failed) == (5, 1, 0)
    # Vong's digest words his need and Norway's offer in English; Ingrid's needs nothing more;
    # the English followers add Lebanon's need; the French one needs all three in French.
    assert sorted(worded) == sorted(
        [(public_id, "en") for public_id in ("N-2026-0001", "O-2026-0001", "N-2026-0002")]
        + [(public_id, "fr") for public_id in ("N-2026-0001", "O-2026-0001", "N-2026-0002")]
    )
    sent = digests(published)
    french = sent["tout@veille.example"].body
    assert "Besoin (République démocratique populaire lao) · enquête technique" in french
    assert "Lao People's Democratic Republic" not in french
    for address in ("everything@watch.example", "everything.too@watch.example"):
        english = sent[address].body
        assert "need of Lao People's Democratic Republic · technical survey" in english
        assert "République" not in english


def test_a_telegram_and_an_email_reader_of_the_same_digest_each_get_their_form(
    published: Portal,
) -> None:
    since = BEFORE - timedelta(days=30)
    subscribe(published, "everything@watch.example", since)
    with transaction(published.sessions) as session:
        session.add(
            Subscription(
                channel="telegram",
                address="424242",
                language="en",
                filters={},
                status=ACTIVE,
                created_at=since,
                confirmed_at=since,
            )
        )
    report = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (report.sent, report.empty, report.failed) == (4, 1, 0)
    sent = digests(published)
    mail, chat = sent["everything@watch.example"], sent["424242"]
    assert mail.subject == chat.subject == "Your weekly digest (2026-W48): 3 items"
    assert chat.body == mail.body  # kept in the neutral form, the subject apart
    text, keyboard, replaces = telegram_form(chat)  # as the Telegram sender sends it
    assert (text, keyboard, replaces) == (f"{mail.subject}\n\n{mail.body}", None, None)
    assert not chat.html and chat.headers == {PARTS: {}}  # no list headers, no buttons
    assert mail.html and mail.headers["List-Id"] == "Cooperation Portal digest <digest.portal.test>"
    assert mail.message_id != chat.message_id


def test_a_dry_run_counts_what_a_run_would_write_and_writes_nothing(published: Portal) -> None:
    subscribe(published, "everything@watch.example", BEFORE - timedelta(days=30))
    subscribe(published, "everything.too@watch.example", BEFORE - timedelta(days=30))
    dry = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY, dry_run=True)
    assert (dry.recipients, dry.sent, dry.empty, dry.already) == (5, 4, 1, 0)
    assert digests(published) == {}
    real = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY)
    assert (real.sent, real.empty, real.already) == (dry.sent, dry.empty, 0)
    again = ensure_period(published.sessions, published.settings, "2026-W48", MONDAY, dry_run=True)
    assert (again.sent, again.empty, again.already) == (0, 0, 5)


def test_the_last_digest_of_every_address_is_the_one_of_each_address(portal: Portal) -> None:
    """One query gives, for every address, when its latest digest of an earlier period was
    written: by period, not by the time of writing; this period's own row does not count."""
    rows = [  # (address, period, written)
        ("a@x.example", "2026-W45", MONDAY - timedelta(weeks=3)),
        ("a@x.example", "2026-W47", MONDAY - timedelta(weeks=1)),
        ("a@x.example", "2026-W48", MONDAY),  # this period's own row is not "last"
        ("b@x.example", "2026-W46", MONDAY - timedelta(weeks=2, hours=-5)),
        ("b@x.example", "2026-W44", MONDAY - timedelta(days=1)),  # written late, older period
        ("c@x.example", "2026-W48", MONDAY),
    ]
    with transaction(portal.sessions) as session:
        for address, period, at in rows:
            session.add(DigestEntry(channel="email", address=address, period=period, created_at=at))
    with portal.sessions() as session:
        everyone = last_sent(session, "2026-W48")
    assert everyone == {
        ("email", "a@x.example"): MONDAY - timedelta(weeks=1),
        ("email", "b@x.example"): MONDAY - timedelta(weeks=2, hours=-5),
    }
