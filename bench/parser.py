"""Parser and start-up: submissions parsed per second by bot.parsing.parser.parse_submission (a pure
function) against the least any reader does (split each line at its first colon), the whole
reading of an email (MIME, quotes, language, template), and `portal run` start-up time
against a bare aiosmtpd server started the same way.

    python -m bench.parser [--quick] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import time

from bench.cli import finish, options, quiet, say
from bench.corpus import Corpus, roster
from bench.databases import kinds, scratch
from bench.intake import submissions
from bench.seed import register_people
from bench.servers import bare_command, free_port, portal_command, portal_env, running
from bench.table import Row, ratio
from bot.app import wire_channels
from bot.parsing.parser import parse_submission
from bot.pipeline import fronts
from bot.pipeline.reading import read_inbound
from store.inbox import InboxItem

TEXTS = 2000
STARTS = 5  # start-ups timed; the median is reported


def templates(count: int) -> list[tuple[str, str]]:
    corpus = Corpus(seed=5)
    people = {p.actor: p for p in roster()}
    found = []
    for n in range(count):
        spec = corpus.spec(("need", "need", "offer")[n % 3])
        lang = people[spec.actor].language
        found.append((corpus.template(spec, lang, corpus.rng.randint(1500, 3500)), ""))
    return found


def naive(text: str) -> dict[str, str]:
    return {
        label.strip().lower(): value.strip()
        for label, sep, value in (line.partition(":") for line in text.splitlines())
        if sep
    }


def rate(action, items: list, repeat: int = 2) -> float:  # type: ignore[no-untyped-def, type-arg]
    """Items per second, the best of `repeat` passes."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for item in items:
            action(item)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def parser_rows(count: int) -> list[Row]:
    texts = templates(count)
    parse_submission(*texts[0])  # the vocabulary is loaded once per process
    wire_channels()  # the channels' readers, as a portal process has them
    fronts.make_all()  # made now, as a processor makes them at its start
    parsed = rate(lambda t: parse_submission(t[0], t[1]), texts)
    floor = rate(lambda t: naive(t[0]), texts)
    emails = [
        InboxItem(
            id=n, channel="email", sender=m.sender, recipients=["submit@portal.test"], raw=m.raw
        )
        for n, m in enumerate(submissions(count // 2))
    ]

    def read_and_parse(item: InboxItem) -> None:
        inbound = read_inbound(item)
        parse_submission(inbound.text, inbound.subject)

    read = rate(read_and_parse, emails)
    return [
        Row(
            "parser",
            "parse_submission, 1.5–3.5 KB templates",
            "-",
            parsed,
            "sub/s",
            floor,
            "split lines at ':'",
            ratio(parsed, floor),
            note=f"{len(texts)} templates, en/fr/es",
        ),  # fmt: skip
        Row(
            "parser",
            "read email + parse (processor's reading)",
            "-",
            read,
            "sub/s",
            parsed,
            "parse_submission alone",
            ratio(read, parsed),
            note="MIME, quoted text, language, template",
        ),  # fmt: skip
    ]


def startup_rows(kind: str) -> list[Row]:
    bare = []
    for _ in range(STARTS):
        port = free_port()
        with running(bare_command(port), port) as server:
            bare.append(server.started_in)
    baseline = sorted(bare)[len(bare) // 2]
    rows = []
    with scratch(kind, "startup") as place:
        port = free_port()
        with running(portal_command(), port, portal_env(place, port)) as server:
            first = server.started_in  # creates the database: every migration, the actors
        portal = place.portal()
        register_people(portal)
        portal.close()
        again = []
        for _ in range(STARTS):
            port = free_port()
            with running(portal_command(), port, portal_env(place, port)) as server:
                again.append(server.started_in)
        restart = sorted(again)[len(again) // 2]
    rows.append(
        Row(
            "startup",
            "portal run until SMTP greets",
            kind,
            restart,
            "s",
            baseline,
            "bare aiosmtpd start",
            ratio(restart, baseline),
            note=f"median of {STARTS}, database already current",
        ),  # fmt: skip
    )
    rows.append(
        Row(
            "startup",
            "first portal run (migrations, actors)",
            kind,
            first,
            "s",
            baseline,
            "bare aiosmtpd start",
            ratio(first, baseline),
            note="empty database",
        ),  # fmt: skip
    )
    return rows


def main() -> None:
    args = options(__doc__ or "").parse_args()
    quiet()
    say("parser: parsing templates")
    rows = parser_rows(300 if args.quick else TEXTS)
    for kind in kinds(args.db):
        say(f"startup/{kind}: starting portal run")
        rows += startup_rows(kind)
    finish(rows, args.json, args.quick)


if __name__ == "__main__":
    main()
