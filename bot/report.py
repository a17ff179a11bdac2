"""The yearly figures of cooperation and assistance, as text, Markdown tables or CSV rows."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from bot.records.views import vocabulary
from store.actors import STATE_TYPES
from store.audit import AuditEntry
from store.matches import Match
from store.records import EXPIRED, FULFILLED, NEED, OFFER, PUBLISHED, WITHDRAWN, Record

SUPPORT_GROUPS: dict[str, tuple[str, ...]] = {
    "states": STATE_TYPES,
    "international_organisations": (
        "un_entity",
        "international_organisation",
        "regional_organisation",
        "rcrc_movement",
    ),
    "ngos": ("ngo_international", "ngo_national", "civil_society_coalition"),
}
OTHER = "other"  # academic_research, private_sector and any type added later
CLOSINGS = (WITHDRAWN, FULFILLED, EXPIRED)

STATE_LABELS = {
    "state_party": "State Party",
    "signatory": "signatory",
    "observer_state": "observer state",
}
STATES_LABELS = {
    "state_party": "States Parties",
    "signatory": "signatories",
    "observer_state": "observer states",
}
GROUP_LABELS = {
    "states": "states",
    "international_organisations": "international organisations",
    "ngos": "NGOs",
    OTHER: "other actors",
}


@dataclass(frozen=True)
class Tally:
    """How many needs and offers named one area or one form of assistance."""

    label: str
    needs: int
    offers: int


@dataclass(frozen=True)
class Figures:
    """What a progress report on cooperation and assistance says about one calendar year."""

    year: int
    needs_published: int
    offers_published: int
    states_with_needs: Mapping[str, Mapping[str, int]]  # state type -> actor code -> needs
    actors_offering: Mapping[str, Mapping[str, int]]  # support group -> actor code -> offers
    by_area: tuple[Tally, ...]  # every area of the vocabulary, in its order
    by_assistance: tuple[Tally, ...]  # every form of assistance, in its order
    matches_made: int
    needs_matched: int
    needs_fulfilled: int
    needs_withdrawn: int
    needs_expired: int
    needs_open: int  # at the end of the year
    offers_open: int


def figures(session: Session, year: int, timezone: str = "UTC") -> Figures:
    """The figures of `year`, each thing counted in the year (in `timezone`) it happened."""
    zone = ZoneInfo(timezone)
    start, end = datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)
    published = list(
        session.scalars(
            select(Record)
            .where(Record.published_at >= start, Record.published_at < end)
            .order_by(Record.id)
        )
    )
    needs = [r for r in published if r.kind == NEED]
    offers = [r for r in published if r.kind == OFFER]
    made = list(
        session.scalars(select(Match).where(Match.created_at >= start, Match.created_at < end))
    )
    words = vocabulary()
    still_open = _open_at(session, end)
    return Figures(
        year=year,
        needs_published=len(needs),
        offers_published=len(offers),
        states_with_needs=_states_with_needs(needs),
        actors_offering=_actors_offering(offers),
        by_area=_tallies(words.area_codes, words.area_label, needs, offers, "areas"),
        by_assistance=_tallies(
            words.assistance_codes, words.assistance_label, needs, offers, "assistance"
        ),
        matches_made=len(made),
        needs_matched=len({m.need_id for m in made}),
        needs_fulfilled=_needs_closed(session, FULFILLED, start, end),
        needs_withdrawn=_needs_closed(session, WITHDRAWN, start, end),
        needs_expired=_needs_closed(session, EXPIRED, start, end),
        needs_open=still_open[NEED],
        offers_open=still_open[OFFER],
    )


def _states_with_needs(needs: list[Record]) -> dict[str, dict[str, int]]:
    """The states each need speaks for (the state it was sent on behalf of, or its owner)."""
    found: dict[str, Counter[str]] = {kind: Counter() for kind in STATE_TYPES}
    for need in needs:
        state = need.on_behalf_of or need.actor
        if state.type in found:
            found[state.type][state.code] += 1
    return {kind: dict(sorted(codes.items())) for kind, codes in found.items()}


def _actors_offering(offers: list[Record]) -> dict[str, dict[str, int]]:
    found: dict[str, Counter[str]] = {group: Counter() for group in [*SUPPORT_GROUPS, OTHER]}
    for offer in offers:
        group = next((g for g, kinds in SUPPORT_GROUPS.items() if offer.actor.type in kinds), OTHER)
        found[group][offer.actor.code] += 1
    return {group: dict(sorted(codes.items())) for group, codes in found.items()}


def _tallies(
    codes: Iterable[str],
    label: Callable[[str, str], str],
    needs: list[Record],
    offers: list[Record],
    field: str,
) -> tuple[Tally, ...]:
    """One row per code; a record counts once for each code it lists; unknown codes last."""
    per_need = Counter(code for r in needs for code in set(getattr(r, field)))
    per_offer = Counter(code for r in offers for code in set(getattr(r, field)))
    known = list(codes)
    unknown = sorted((set(per_need) | set(per_offer)) - set(known))
    return tuple(
        Tally(label(code, "en"), per_need[code], per_offer[code]) for code in known + unknown
    )


def _needs_closed(session: Session, action: str, start: datetime, end: datetime) -> int:
    """Published needs closed by `action` in the period, by the date of the audit row."""
    query = (
        select(func.count(distinct(AuditEntry.record_id)))
        .join(Record, Record.id == AuditEntry.record_id)
        .where(
            AuditEntry.action == action,
            AuditEntry.at >= start,
            AuditEntry.at < end,
            Record.kind == NEED,
            Record.published_at.is_not(None),
        )
    )
    return session.scalar(query) or 0


def _open_at(session: Session, end: datetime) -> Counter[str]:
    """Records published before `end` and not closed before it, by kind.

    A record never goes back to published once closed, so those still published and those
    whose closing audit row comes at or after `end` are exactly the ones open at `end`.
    """
    closed_later = select(AuditEntry.record_id).where(
        AuditEntry.action.in_(CLOSINGS), AuditEntry.at >= end
    )
    query = (
        select(Record.kind, func.count())
        .where(
            Record.published_at < end,
            or_(Record.status == PUBLISHED, Record.id.in_(closed_later)),
        )
        .group_by(Record.kind)
    )
    return Counter({kind: count for kind, count in session.execute(query).all()})


def summary(f: Figures) -> list[tuple[str, str, int]]:
    """The headline figures: (CSV key, label, value)."""
    states = [
        (f"states_reporting_needs.{kind}", f"{STATES_LABELS[kind]} that reported needs", len(c))
        for kind, c in f.states_with_needs.items()
    ]
    offering = [
        (f"actors_offering_support.{g}", f"{GROUP_LABELS[g]} offering support", len(c))
        for g, c in f.actors_offering.items()
    ]
    return [
        ("summary.needs_published", "needs published", f.needs_published),
        ("summary.offers_published", "offers published", f.offers_published),
        *states,
        *offering,
        ("summary.matches_made", "matches made", f.matches_made),
        ("summary.needs_matched", "needs with at least one match made", f.needs_matched),
        ("summary.needs_fulfilled", "needs fulfilled", f.needs_fulfilled),
        ("summary.needs_withdrawn", "needs withdrawn", f.needs_withdrawn),
        ("summary.needs_expired", "needs expired", f.needs_expired),
        ("summary.needs_open_at_year_end", "needs open on 31 December", f.needs_open),
        ("summary.offers_open_at_year_end", "offers open on 31 December", f.offers_open),
    ]


Table = tuple[str, tuple[str, ...], list[tuple[str, ...]]]  # title, header, rows


def tables(f: Figures) -> list[Table]:
    """The report as titled tables, shared by the text and Markdown forms."""
    states: list[tuple[str, ...]] = [
        (code, STATE_LABELS[kind], str(n))
        for kind, codes in f.states_with_needs.items()
        for code, n in codes.items()
    ]
    actors: list[tuple[str, ...]] = [
        (code, GROUP_LABELS[group], str(n))
        for group, codes in f.actors_offering.items()
        for code, n in codes.items()
    ]
    return [
        ("Summary", ("figure", "value"), [(label, str(v)) for _, label, v in summary(f)]),
        ("States that reported needs", ("state", "status", "needs"), states),
        ("Actors that offered support", ("actor", "group", "offers"), actors),
        ("By area", ("area", "needs", "offers"), _rows(f.by_area)),
        (
            "By form of assistance",
            ("form of assistance", "needs", "offers"),
            _rows(f.by_assistance),
        ),
    ]


def _rows(tallies: Iterable[Tally]) -> list[tuple[str, ...]]:
    return [(t.label, str(t.needs), str(t.offers)) for t in tallies]


def report_title(f: Figures) -> str:
    return f"Cooperation and assistance in {f.year}"


def as_text(f: Figures) -> str:
    lines = [report_title(f)]
    for title, header, rows in tables(f):
        lines += ["", title]
        if not rows:
            lines.append("  (none)")
            continue
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            lines.append(("  " + "  ".join(cells)).rstrip())
    return "\n".join(lines) + "\n"


def as_markdown(f: Figures) -> str:
    lines = [f"# {report_title(f)}"]
    for title, header, rows in tables(f):
        lines += ["", f"## {title}", ""]
        if not rows:
            lines.append("_None._")
            continue
        numeric = [all(row[i].isdigit() for row in rows) for i in range(len(header))]
        lines.append(_markdown_row(header))
        lines.append(_markdown_row(tuple("---:" if n else "---" for n in numeric)))
        lines += [_markdown_row(row) for row in rows]
    return "\n".join(lines) + "\n"


def _markdown_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def as_csv(f: Figures) -> str:
    """Rows of section,key,value; every count of the other forms, keyed by code or label."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("section", "key", "value"))
    writer.writerow(("summary", "year", f.year))
    for key, _, value in summary(f):
        writer.writerow((*key.split(".", 1), value))
    for codes in f.states_with_needs.values():
        writer.writerows(("needs_by_state", code, n) for code, n in codes.items())
    for codes in f.actors_offering.values():
        writer.writerows(("offers_by_actor", code, n) for code, n in codes.items())
    for name, tallies in (("area", f.by_area), ("assistance", f.by_assistance)):
        writer.writerows((f"needs_by_{name}", t.label, t.needs) for t in tallies)
        writer.writerows((f"offers_by_{name}", t.label, t.offers) for t in tallies)
    return out.getvalue()
