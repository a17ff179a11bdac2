"""Intake: 2,000 realistic submissions (2–4 KB filled templates from registered focal points)
over 8 concurrent SMTP connections (an asyncio client, aiosmtplib), against a bare aiosmtpd
server that only answers 250 (the baseline) and against `portal run`; then the end-to-end
rate, from the first byte until every submission is a record with its receipt in the outbox.

    python -m bench.intake [--quick] [--db sqlite|postgresql|both] [--messages N]
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiosmtplib
from sqlalchemy import func, select

from bench.cli import finish, options, quiet, say
from bench.corpus import DOMAIN, Corpus, roster
from bench.databases import kinds, scratch
from bench.seed import register_people
from bench.servers import bare_command, free_port, portal_command, portal_env, running
from bench.table import Row, ratio, verdict
from bot.app import Portal
from store.inbox import DONE, InboxItem
from store.outbox import SENT, OutboxItem
from store.records import Record

MESSAGES = 2000
CONNECTIONS = 8
ACCEPT_SHARE = 0.6  # target: accepted per second ≥ 0.6 × the bare server's
END_TO_END = 150.0  # target: submissions per second, SQLite, processors from the CPU count
SETTLE_LIMIT = 90.0  # seconds from the first byte; past it the rate is projected


@dataclass(frozen=True)
class Submission:
    sender: str
    raw: bytes


def submissions(count: int, seed: int = 3) -> list[Submission]:
    corpus = Corpus(seed)
    people = {p.actor: p for p in roster()}
    rng = random.Random(seed)
    found = []
    for n in range(count):
        spec = corpus.spec("need" if rng.random() < 0.6 else "offer")
        person = people[spec.actor]
        found.append(Submission(person.email, corpus.email(person, spec, n)))
    return found


async def send_all(port: int, messages: list[Submission], connections: int) -> tuple[float, float]:
    """Send every message over `connections` SMTP sessions that each send one after another;
    returns (perf_counter at the first byte, at the last 250)."""
    queue: asyncio.Queue[Submission] = asyncio.Queue()
    for message in messages:
        queue.put_nowait(message)
    refused: list[str] = []

    async def session() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=120)
        await client.connect()
        try:
            while not queue.empty():
                message = queue.get_nowait()
                errors, answer = await client.sendmail(
                    message.sender, [f"submit@{DOMAIN}"], message.raw
                )
                if errors or not answer.startswith("2"):
                    refused.append(answer)
        finally:
            await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(session() for _ in range(connections)))
    finished = time.perf_counter()
    if refused:
        raise RuntimeError(f"{len(refused)} message(s) refused, e.g. {refused[0]}")
    return started, finished


@dataclass(frozen=True)
class Progress:
    records: int
    receipts: int
    delivered: int
    done: int


def progress(portal: Portal) -> Progress:
    with portal.sessions() as session:
        records = session.scalar(select(func.count()).select_from(Record)) or 0
        receipts = (
            session.scalar(
                select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == "receipt")
            )
            or 0
        )
        delivered = (
            session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.kind == "receipt", OutboxItem.status == SENT)
            )
            or 0
        )
        done = (
            session.scalar(
                select(func.count()).select_from(InboxItem).where(InboxItem.status == DONE)
            )
            or 0
        )
    return Progress(records, receipts, delivered, done)


def run_on(kind: str, messages: list[Submission], bare_rate: float) -> list[Row]:
    count = len(messages)
    with scratch(kind, "intake") as place:
        portal = place.portal()
        register_people(portal)
        port = free_port()
        log = place.home / "portal.log"
        with running(portal_command(), port, portal_env(place, port), log):
            say(f"intake/{kind}: sending {count} submissions to portal run")
            started, accepted_at = asyncio.run(send_all(port, messages, CONNECTIONS))
            recorded_at = None
            deadline = started + SETTLE_LIMIT
            while time.perf_counter() < deadline:
                now = progress(portal)
                if now.records >= count and now.receipts >= count:
                    recorded_at = time.perf_counter()
                    break
                time.sleep(0.05)
            final = progress(portal)
            stopped_at = time.perf_counter()
        portal.close()
        saved = Path(tempfile.gettempdir()) / f"portal-bench-intake-{kind}.log"
        saved.write_bytes(log.read_bytes())
    accept_rate = count / (accepted_at - started)
    rows = [
        Row(
            "intake",
            f"accepted/s, {count} msgs, {CONNECTIONS} conns",
            kind,
            accept_rate,
            "msg/s",
            bare_rate,
            "bare aiosmtpd, 250 only",
            ratio(accept_rate, bare_rate),
            f"≥ {ACCEPT_SHARE} × baseline",
            verdict(accept_rate >= ACCEPT_SHARE * bare_rate),
            "250 only after the inbox commit",
        ),  # fmt: skip
    ]
    delivered = f"{final.delivered} of {count} receipts in the maildir by then"
    cores = portal.settings.processor_count
    processors = f"{cores} processor{'s' if cores > 1 else ''}"
    if recorded_at is None:  # stopped: the rate is projected from what was done
        done = min(final.records, final.receipts)
        rate = done / (stopped_at - started)
        note = (
            f"STOPPED after {SETTLE_LIMIT:.0f}s with {done} done: rate projected; {processors}; "
            f"{delivered}"
        )
    else:
        rate = count / (recorded_at - started)
        note = f"{count} records in {recorded_at - started:.1f}s, {processors}; {delivered}"
    rows.append(
        Row(
            "intake",
            "end to end: record + receipt in outbox",
            kind,
            rate,
            "sub/s",
            accept_rate,
            "accepted/s, same run",
            ratio(rate, accept_rate),
            f"≥ {END_TO_END:.0f} sub/s" if kind == "sqlite" else "",
            verdict(rate >= END_TO_END) if kind == "sqlite" else "",
            note,
        ),  # fmt: skip
    )
    return rows


def bare_rate(messages: list[Submission]) -> float:
    port = free_port()
    with running(bare_command(port), port):
        started, finished = asyncio.run(send_all(port, messages, CONNECTIONS))
    return len(messages) / (finished - started)


def main() -> None:
    parser = options(__doc__ or "")
    parser.add_argument("--messages", type=int, default=None)
    args = parser.parse_args()
    quiet()
    count = args.messages or (300 if args.quick else MESSAGES)
    messages = submissions(count)
    rows: list[Row] = []
    for kind in kinds(args.db):
        say(f"intake/{kind}: baseline, {count} submissions to a bare aiosmtpd server")
        baseline = bare_rate(messages)  # measured next to each run, as the machine is now
        rows += run_on(kind, messages, baseline)
    finish(rows, args.json, args.quick)


if __name__ == "__main__":
    main()
