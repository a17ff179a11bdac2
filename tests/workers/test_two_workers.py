"""Two `portal run` processes on one PostgreSQL database share the work: each item once."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import Portal
from bot.config import Settings
from digests.period import period_of
from store.base import utcnow
from store.digests import DigestEntry
from store.inbox import InboxItem
from store.outbox import OutboxItem
from store.records import Record
from tests.digests.test_digests import LAO_NEED, NOR_OFFER
from tests.factories import focal_point, publish
from tests.harness import email, free_port, read_maildir

PORTAL = str(Path(sys.executable).parent / "portal")
BURST = 40


@pytest.fixture
def postgres(settings: Settings) -> Settings:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("several workers share a database through PostgreSQL's SKIP LOCKED")
    return settings


def worker(settings: Settings, home: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_HOME=str(home),
        PORTAL_DATABASE_URL=settings.database_url,
        PORTAL_SMTP_LISTEN=f"127.0.0.1:{port}",
        PORTAL_DOMAIN=settings.domain,
        PORTAL_SECRET_KEY=settings.secret_key,
        PORTAL_LOG_LEVEL="INFO",
        PORTAL_PROCESSORS="1",
    )
    process = subprocess.Popen([PORTAL, "run"], env=env, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    waiting = {"SMTP listening", "[processor-1] bot.runner: ready to handle messages"}
    for line in process.stderr:
        waiting = {said for said in waiting if said not in line}
        if not waiting:  # both workers take part in the burst from its first message
            threading.Thread(target=process.stderr.read, daemon=True).start()  # never blocks
            return process
    raise AssertionError(f"worker on {port} did not start")


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    finally:
        process.kill()


def test_a_burst_split_over_two_workers_is_handled_once(
    postgres: Settings, portal: Portal, tmp_path: Path
) -> None:
    focal_point(portal, "LAO", "vong@nra.example")
    ports = [free_port(), free_port()]
    homes = [tmp_path / "a", tmp_path / "b"]
    workers = [worker(postgres, home, port) for home, port in zip(homes, ports, strict=True)]
    try:

        def send(n: int) -> None:
            message = email(
                "vong@nra.example", "NEED", LAO_NEED.replace("two districts", f"district {n}")
            )
            with smtplib.SMTP("127.0.0.1", ports[n % 2], timeout=30) as client:
                client.send_message(message)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, range(BURST)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            mails = [m for home in homes for m in read_maildir(home / "maildir")]
            if len(mails) >= BURST:
                break
            time.sleep(0.2)
    finally:
        for process in workers:
            stop(process)
    receipts = [m for home in homes for m in read_maildir(home / "maildir")]
    assert len(receipts) == BURST
    assert len({m["In-Reply-To"] for m in receipts}) == BURST  # one receipt per message
    assert all(len(read_maildir(home / "maildir")) > 0 for home in homes)  # both delivered
    with portal.sessions() as session:
        items = session.scalars(select(InboxItem)).all()
        assert [(i.status, i.attempts) for i in items] == [("done", 1)] * BURST
        ids = session.scalars(select(Record.public_id).order_by(Record.public_id)).all()
        assert ids == [f"N-{utcnow().year}-{n:04d}" for n in range(1, BURST + 1)]
        assert session.scalar(select(func.count()).select_from(OutboxItem)) == BURST


def test_two_digest_runs_at_once_send_each_digest_once(
    postgres: Settings, portal: Portal, tmp_path: Path
) -> None:
    now = utcnow()
    for n in range(12):
        focal_point(portal, "LAO" if n % 2 else "NOR", f"fp{n}@state.example")
    publish(portal, "fp1@state.example", LAO_NEED, now)
    publish(portal, "fp0@state.example", NOR_OFFER, now)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_HOME=str(tmp_path),
        PORTAL_DATABASE_URL=postgres.database_url,
        PORTAL_SECRET_KEY=postgres.secret_key,
        PORTAL_DOMAIN=postgres.domain,
    )
    runs = [
        subprocess.Popen(
            [PORTAL, "digest", "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    period = period_of(now, "UTC")
    with portal.sessions() as session:
        entries = session.scalars(select(DigestEntry).where(DigestEntry.period == period)).all()
        digests = session.scalar(
            select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == "digest")
        )
    assert len(entries) == 12 and len({e.address for e in entries}) == 12
    assert digests == 12  # every focal point of Lao PDR and Norway: a match for their record
