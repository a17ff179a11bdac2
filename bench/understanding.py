"""How well the portal understands mail as people write it: the corpus in tests/data/corpus.

python -m bench.understanding [--json OUT] [--show]

Each message of the corpus (written as focal points, donors and NGO staff write, in en/fr/es, with
what a careful human reader would extract beside it) goes through the real pipeline on a scratch
SQLite home: kept in the inbox as the SMTP listener keeps it, read and handled by the processor,
its sender registered as a focal point of its actor. Then, per message:

* correct:  the outcome a reader expects — a record with every expected field right; for a
            message in prose, a draft back (no record); for an incomplete one, no record and one
            reply whose problem lines ("- Label: …") name every field the reader would ask for
            and no other;
* partial:  a record, but some field differs from what the reader extracted;
* refused:  no record where one was expected, and an error reply;
* ignored:  no record and no reply at all.

The language of the first reply is read from its words (the commonest short words of each language)
and compared with the writer's language.

Two corpora: tests/data/corpus, which the team reads and fixes against, and
tests/data/corpus-holdout, written apart and never read while changing how mail is read: its
figures (rows marked "held out") say how the portal does on messages nobody tuned it to.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.cli import finish, options, quiet, say
from bench.databases import scratch
from bench.table import Row
from bot.parsing.fields import Vocabulary
from bot.parsing.normalise import fold
from bot.people import registry
from bot.pipeline.processor import Processor
from bot.words import table as words_table
from store import inbox
from store.actors import find_actor
from store.db import transaction
from store.outbox import OutboxItem
from store.people import person_by_email
from store.records import Record

CORPUS = Path(__file__).parent.parent / "tests" / "data" / "corpus"
HOLDOUT = CORPUS.parent / "corpus-holdout"
OUTCOMES = ("correct", "partial", "refused", "ignored")
FIELDS = ("kind", "title", "countries", "areas", "assistance", "amount", "currency", "period")
_WORDS = {
    "en": {"the", "your", "you", "and", "to", "of", "we", "please", "is", "for", "with"},
    "fr": {"le", "la", "les", "votre", "vous", "et", "des", "nous", "est", "pour", "avec", "du"},
    "es": {"el", "los", "las", "su", "usted", "y", "del", "por", "es", "para", "con", "una"},
}
_WORD = re.compile(r"[a-záéíóúñçàèêâîôûëïü]+")
# What a reader asks for, as the corpus names it, and the field whose problem line asks it.
_ASKED_FIELD = {"countries": "country", "currency": "amount"}
_PROBLEM_LINE = re.compile(r"^\s*[-•]\s*([^:\n]{1,60}?)\s*:", re.M)


@dataclass
class Verdict:
    name: str
    expected: dict[str, Any]
    outcome: str = "ignored"
    wrong: list[str] = field(default_factory=list)
    reply_language: str | None = None

    @property
    def in_writers_language(self) -> bool:
        return self.reply_language == self.expected["writer_language"]


def corpus(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(message file, what a reader extracts) for every message of every language."""
    found = []
    for expected_file in sorted(folder.glob("*/expected.json")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        for name in sorted(expected):
            found.append((expected_file.parent / name, expected[name]))
    return found


def language_of(text: str) -> str | None:
    """The language whose commonest short words the text uses most."""
    words = Counter(_WORD.findall(text.lower()))
    scores = {lang: sum(words[w] for w in marks) for lang, marks in _WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] else None


def as_found(record: Record) -> dict[str, Any]:
    """The record's fields as the corpus writes them: a region stands for its member countries."""
    vocabulary = Vocabulary.load()
    countries = {
        member
        for place in record.countries
        for member in (
            vocabulary.region_countries(place.removeprefix("region:"))
            if place.startswith("region:")
            else {place}
        )
    }
    period = None
    if record.period_start and record.period_end:
        period = [record.period_start.isoformat(), record.period_end.isoformat()]
    return {
        "kind": record.kind,
        "title": record.title,
        "countries": sorted(countries),
        "areas": sorted(record.areas),
        "assistance": sorted(record.assistance),
        "amount": str(int(record.amount)) if record.amount is not None else None,
        "currency": record.currency,
        "period": period,
    }


def expected_fields(expected: dict[str, Any]) -> dict[str, Any]:
    wanted = {name: expected.get(name) for name in FIELDS}
    for name in ("countries", "areas", "assistance"):
        wanted[name] = sorted(wanted[name] or [])
    return wanted


def differences(found: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    wrong = []
    for name in FIELDS:
        have, want = found[name], wanted[name]
        if name == "title":
            have, want = " ".join(str(have).split()).lower(), " ".join(str(want).split()).lower()
        if name == "countries" and not want and wanted["kind"] == "offer":
            continue  # "any": the portal may store the eligible regions or none
        if have != want:
            wrong.append(f"{name}: {found[name]!r} (expected {wanted[name]!r})")
    return wrong


def judge(portal: Any, path: Path, expected: dict[str, Any], number: int) -> Verdict:
    verdict = Verdict(path.parent.name + "/" + path.name, expected)
    raw = path.read_bytes()
    message_id = message_from_bytes(raw, policy=policy.default)["Message-ID"]
    with portal.sessions() as session:
        known = set(session.scalars(select(Record.id)))
    with transaction(portal.sessions) as session:
        if expected["actor"] is not None:  # None: someone no actor has registered yet
            actor = find_actor(session, expected["actor"])
            if actor is None:
                raise SystemExit(f"{verdict.name}: no actor {expected['actor']!r} in reference")
            if person_by_email(session, expected["sender"]) is None:
                registry.add_focal_point(session, actor_name=actor.code, email=expected["sender"])
        item, _ = inbox.store_message(
            session,
            channel="email",
            sender=expected["sender"],
            recipients=["submit@portal.test"],
            message_id=str(message_id) if message_id else f"<corpus-{number}@bench>",
            raw=raw,
        )
        item_id = item.id
    Processor(portal.sessions, portal.settings).process_all()
    with portal.sessions() as session:
        mine = list(session.scalars(select(Record).where(Record.id.not_in(known))))
        replies = list(
            session.scalars(
                select(OutboxItem)
                .where(OutboxItem.inbox_item_id == item_id)
                .order_by(OutboxItem.id)
            )
        )
        if replies:
            verdict.reply_language = language_of(replies[0].subject + "\n" + replies[0].body)
        wanted = expected["outcome"]
        if mine:
            wrong = differences(as_found(mine[0]), expected_fields(expected))
            verdict.outcome = "correct" if wanted == "record" and not wrong else "partial"
            verdict.wrong = wrong if wanted == "record" else [f"a record, expected {wanted}"]
        elif replies:
            kinds = {reply.kind for reply in replies}
            if wanted == "ask":
                named = asked_fields(replies[0].body)
                missing = {_ASKED_FIELD.get(name, name) for name in expected["missing"]}
                if named == missing:
                    verdict.outcome = "correct"
                else:
                    verdict.outcome = "refused"
                    verdict.wrong = [
                        f"replied {', '.join(sorted(kinds))} asking for "
                        f"{sorted(named) or 'nothing'}, expected {sorted(missing)}"
                    ]
            elif wanted == "draft" and "draft" in kinds:
                verdict.outcome = "correct"
            else:
                verdict.outcome = "refused"
                verdict.wrong = [f"replied {', '.join(sorted(kinds))}, expected {wanted}"]
        else:
            verdict.wrong = ["no reply"]
    return verdict


def asked_fields(body: str) -> set[str]:
    """The fields a reply's problem lines ("- Période : …") name, in any language."""
    every = words_table().aliases().items()
    labels = {fold(label): name for name, aliases in every for label in aliases}
    found = (labels.get(fold(label)) for label in _PROBLEM_LINE.findall(body))
    return {name for name in found if name is not None}


def rows(verdicts: list[Verdict], which: str = "") -> list[Row]:
    """The bench's rows for one corpus; `which` ("held out") marks the rows of the held-out one."""
    total = len(verdicts)
    counts = Counter(v.outcome for v in verdicts)
    table = [
        Row("understanding", f"first try {name}{which}", "-", 100 * counts[name] / total, "%")
        for name in OUTCOMES
    ]
    answered = [v for v in verdicts if v.reply_language is not None]
    right = sum(v.in_writers_language for v in answered)
    table.append(
        Row(
            "understanding",
            f"replies in the writer's language{which}",
            "-",
            100 * right / len(answered) if answered else 0.0,
            "%",
            note=f"{right} of {len(answered)} replies",
        )
    )
    for language in ("en", "fr", "es"):
        mine = [v for v in verdicts if v.expected["writer_language"] == language]
        if mine:
            correct = sum(v.outcome == "correct" for v in mine)
            table.append(
                Row(
                    "understanding",
                    f"first try correct, {language}{which}",
                    "-",
                    100 * correct / len(mine),
                    "%",
                    note=f"{correct} of {len(mine)}",
                )
            )
    return table


def main() -> None:
    parser = options(__doc__ or "")
    parser.add_argument("--show", action="store_true", help="list every message not correct")
    parser.add_argument("--corpus", type=Path, help="only this corpus (default: both)")
    args = parser.parse_args()
    quiet()
    if args.corpus is not None:
        folders = [(args.corpus, "")]
    else:
        folders = [(CORPUS, ""), (HOLDOUT, ", held out")][: 2 if corpus(HOLDOUT) else 1]
    table: list[Row] = []
    for folder, which in folders:
        verdicts = understood(folder)
        if args.show:
            show(verdicts)
        table += rows(verdicts, which)
    finish(table, args.json)


def understood(folder: Path) -> list[Verdict]:
    """Each message of one corpus through the pipeline on its own scratch home, judged."""
    messages = corpus(folder)
    say(f"understanding: {len(messages)} message(s) from {folder}")
    verdicts = []
    with scratch("sqlite", "understanding") as place:
        portal = place.portal()
        try:
            for number, (path, expected) in enumerate(messages):
                verdicts.append(judge(portal, path, expected, number))
        finally:
            portal.close()
    return verdicts


def show(verdicts: list[Verdict]) -> None:
    for v in verdicts:
        if v.outcome != "correct" or not v.in_writers_language:
            said = f"reply in {v.reply_language}" if v.reply_language else "no reply"
            print(f"{v.name}: {v.outcome}; {said}; " + "; ".join(v.wrong))


if __name__ == "__main__":
    main()
