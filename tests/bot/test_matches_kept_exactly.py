"""The matches refresh() keeps open are those of the exhaustive computation, on random corpora.

refresh() scores only the candidates whose upper bound could put them among the record's best K
or their own (bot.matching.bound). `Exhaustive` below scores every published record against
every other, in memory, and applies the same rules (bot.matching.keep) with every record's
matches read afresh: after each publication, revision or withdrawal both must hold the same
matches, with the same scores and statuses. Few codes and coarse values make many equal scores,
so ties at a record's K-th are common. The last tests pin the two ties random corpora seldom
reach: an equal bound with an older id, for the record's own best and for its candidate's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.app import Portal
from bot.matching.bound import ceiling, shortlist
from bot.matching.refresh import refresh, region_countries
from bot.matching.score import Match as MatchFound
from bot.matching.score import Side, match
from store.actors import Actor
from store.db import WRITE
from store.match_keys import Candidate
from store.matches import OPEN, Match
from store.records import PUBLISHED, WITHDRAWN, Record

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CLOSED, DROPPED = "closed", "dropped"
CORPORA = hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

AREAS = ("art4.clearance", "art4.survey.technical", "art5.rehabilitation")
FORMS = ("financial", "material_equipment")
NEED_COUNTRIES = ("LAO", "KHM", "LBN")
OFFER_PLACES = ("LAO", "LBN", "region:035", "region:145", "any")  # 035: LAO, KHM; 145: LBN
PERIODS = (None, (date(2027, 1, 1), date(2027, 12, 31)), (date(2027, 7, 1), date(2028, 6, 30)),
           (date(2029, 1, 1), date(2029, 6, 30)))  # fmt: skip


def some(codes: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True)


@st.composite
def records(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """A record's fields; a plain one has no languages, period or amount and was published
    now, so that its scores equal their upper bounds and ties are everywhere."""
    plain = draw(st.booleans())
    period = None if plain else draw(st.sampled_from(PERIODS))
    amount = None if plain else draw(st.sampled_from((None, Decimal(100), Decimal(250))))
    return {
        "kind": kind,
        "actor": draw(st.sampled_from((0, 1) if kind == "need" else (2, 3, 1))),  # 1: both
        "countries": draw(some(NEED_COUNTRIES if kind == "need" else OFFER_PLACES)),
        "areas": draw(some(AREAS)),
        "assistance": draw(some(FORMS)),
        "amount": amount,
        "currency": draw(st.sampled_from(("USD", "EUR"))) if amount is not None else None,
        "period_start": period[0] if period else None,
        "period_end": period[1] if period else None,
        "languages": [] if plain else draw(st.sampled_from(([], ["en"], ["fr"]))),
        "published_at": NOW - timedelta(days=0 if plain else draw(st.sampled_from((0, 120, 400)))),
    }


def events() -> st.SearchStrategy[tuple[Any, ...]]:
    """Publish a new record (most often), revise a published one's areas, or withdraw one."""
    kinds = st.sampled_from(("need", "offer"))
    publications = st.tuples(st.just("publish"), kinds.flatmap(records))
    return st.one_of(
        publications,
        publications,
        st.tuples(st.just("revise"), st.integers(0, 50), some(AREAS)),
        st.tuples(st.just("withdraw"), st.integers(0, 50)),
    )


corpora = st.lists(events(), min_size=10, max_size=30)


@dataclass
class Exhaustive:
    """Every match scored, every record's matches read afresh: the rules without shortcuts."""

    k: int
    sides: dict[int, Side] = field(default_factory=dict)  # published records
    rows: dict[tuple[int, int], list[Any]] = field(default_factory=dict)  # pair: [score, status]

    def open_of(self, record_id: int, excluding: int | None = None) -> list[tuple[int, int]]:
        """A record's open matches as ranks (-score, the other's id), best first."""
        found = []
        for (need, offer), (score, status) in self.rows.items():
            if status == OPEN and record_id in (need, offer):
                other = offer if need == record_id else need
                if other != excluding:
                    found.append((-score, other))
        return sorted(found)

    def refresh(self, record: Side, published: bool, now: datetime) -> None:
        me = record.record_id
        existing = [pair for pair in self.rows if me in pair]
        if not published:
            self.sides.pop(me, None)
            for pair in existing:
                self._close(pair, CLOSED)
            return
        self.sides[me] = record
        found: dict[tuple[int, int], int] = {}
        for other in self.sides.values():
            m = match(record, other, region_countries=region_countries, now=now)
            if m is not None:
                found[(m.need_id, m.offer_id)] = m.score

        def other_of(pair: tuple[int, int]) -> int:
            return pair[1] if pair[0] == me else pair[0]

        ranked = sorted(found, key=lambda pair: (-found[pair], other_of(pair)))
        kept, dropped = [], []
        for place, pair in enumerate(ranked):
            theirs = self.open_of(other_of(pair), excluding=me)
            kth = theirs[self.k - 1] if len(theirs) >= self.k else None
            enters = kth is None or (-found[pair], me) < kth
            if enters and kth is not None:  # their k-th falls out of their best k
                holder, held = kth[1], self.open_of(kth[1])
                if len(held) >= self.k and (kth[0], other_of(pair)) > held[self.k - 1]:
                    dropped.append((holder, other_of(pair)) if record.kind == "need"
                                   else (other_of(pair), holder))  # fmt: skip
            if place < self.k or enters:
                kept.append(pair)
        for pair in kept:
            self.rows[pair] = [found[pair], OPEN]
        for pair in dropped:
            self._close(pair, DROPPED)
        for pair in existing:
            self._close(pair, CLOSED if pair not in found else DROPPED if pair not in kept else "")

    def _close(self, pair: tuple[int, int], status: str) -> None:
        if status and self.rows[pair][1] == OPEN:
            self.rows[pair][1] = status


def stored(session: Session) -> dict[tuple[int, int], list[Any]]:
    return {(m.need_id, m.offer_id): [m.score, m.status] for m in session.scalars(select(Match))}


@pytest.fixture
def actors(portal: Portal) -> Iterator[list[int]]:
    with portal.sessions() as session:
        yield list(session.scalars(select(Actor.id).order_by(Actor.id).limit(4)))


@given(k=st.integers(1, 3), happenings=corpora)
@CORPORA
def test_refresh_keeps_what_scoring_everything_keeps(
    portal: Portal, actors: list[int], k: int, happenings: list[tuple[Any, ...]]
) -> None:
    exhaustive = Exhaustive(k)
    published: list[Record] = []
    with portal.sessions() as session:
        session.begin()
        session.connection(execution_options={WRITE: True})
        for step, (what, *details) in enumerate(happenings):
            now = NOW + timedelta(hours=step)
            if what == "publish":
                fields = dict(details[0])
                fields["actor_id"] = actors[fields.pop("actor")]
                record = Record(
                    public_id=f"T-{step:04d}", status=PUBLISHED, title="t", description="d",
                    **fields,
                )  # fmt: skip
                session.add(record)
                session.flush()
                published.append(record)
            elif not published:
                continue
            else:
                record = published[details[0] % len(published)]
                if what == "revise":
                    record.areas = details[1]
                else:
                    record.status = WITHDRAWN
            refresh(session, record, now, keep=k)
            session.flush()
            exhaustive.refresh(Side.of(record), record.status == PUBLISHED, now)
            assert stored(session) == exhaustive.rows, (step, what)
        session.rollback()


def side(record_id: int, fields: dict[str, Any]) -> Side:
    return Side(
        record_id, f"#{record_id}", fields["kind"], fields["actor"], tuple(fields["countries"]),
        tuple(fields["areas"]), tuple(fields["assistance"]), tuple(fields["languages"]),
        fields["amount"], fields["currency"], fields["period_start"], fields["period_end"],
        fields["published_at"],
    )  # fmt: skip


@given(need=records("need"), offer=records("offer"), need_is_new=st.booleans())
@hypothesis_settings(max_examples=500, deadline=None, database=None)
def test_the_ceiling_is_never_below_the_score(
    need: dict[str, Any], offer: dict[str, Any], need_is_new: bool
) -> None:
    mine, theirs = (
        (side(1, need), side(2, offer)) if need_is_new else (side(2, offer), side(1, need))
    )
    found = match(mine, theirs, region_countries=region_countries, now=NOW)
    if found is None:
        return
    shared = [set(mine.areas) & set(theirs.areas), set(mine.assistance) & set(theirs.assistance)]
    known = Candidate(
        theirs.record_id, len(shared[0]), len(set(theirs.areas)), len(shared[1]),
        len(set(theirs.assistance)), int(bool(theirs.languages)), int(bool(theirs.period)),
        int(theirs.amount is not None and mine.amount is not None
            and theirs.currency == mine.currency), None, None, None,
    )  # fmt: skip
    bound = ceiling(mine, known)
    assert bound >= found.score
    plain = not (need["languages"] or need["period_start"] or need["amount"])
    if plain and mine.published_at == NOW:  # every factor but the shares is neutral or full
        assert bound == found.score


def known(record_id: int, shared_areas: int, bar: tuple[int, int] | None = None) -> Candidate:
    """A candidate offer sharing `shared_areas` of three areas and the one form; its bar for
    K = 1 (None: it holds no match)."""
    score, other = bar if bar else (None, None)
    return Candidate(record_id, shared_areas, 3, 1, 1, 0, 0, 0, 1, score, other)


def scores(found: dict[int, int]) -> Any:
    """Scoring as refresh() does it, with the scores given: every call is recorded."""
    asked: list[int] = []

    def score(ids: list[int]) -> list[MatchFound]:
        asked.extend(ids)
        return [MatchFound(1, i, found[i], ()) for i in ids if i in found]

    score.asked = asked  # type: ignore[attr-defined]
    return score


NEED_OF_THREE = Side(1, "N-1", "need", 1, ("LAO",), ("a", "b", "c"), ("financial",), (), None,
                     None, None, None, NOW)  # fmt: skip


def test_an_equal_bound_with_an_older_id_is_scored_for_the_records_best() -> None:
    # 5 passes its bar so it is scored first, with 4 (the highest bound, which scores low); 3
    # has 5's bound and would rank before it on an equal score: it must be scored too
    three, five = known(3, 2, bar=(99, 1)), known(5, 2, bar=(0, 1))
    bound = ceiling(NEED_OF_THREE, three)
    score = scores({4: 10, 5: bound, 3: bound})
    found = shortlist(NEED_OF_THREE, [known(4, 3, bar=(99, 1)), five, three], 1, (), score)
    assert sorted(m.offer_id for m in found) == [3, 4, 5]


def test_an_equal_bound_passes_the_bar_of_a_newer_record_s_match() -> None:
    # the need (id 1) is older than 9, the other record of 3's K-th: an equal score enters
    three = known(3, 2)
    three = three._replace(bar_score=ceiling(NEED_OF_THREE, three), bar_other=9)
    score = scores({4: 90, 3: three.bar_score})  # type: ignore[dict-item]
    found = shortlist(NEED_OF_THREE, [known(4, 3, bar=(99, 1)), three], 1, (), score)
    assert sorted(m.offer_id for m in found) == [3, 4]
    newer = three._replace(bar_other=0)  # the K-th's other record is older: it cannot enter
    assert [m.offer_id for m in shortlist(NEED_OF_THREE, [known(4, 3), newer], 1, (), score)] == [4]
