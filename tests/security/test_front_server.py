"""End to end through the real SMTP server, as behind a front server that adds A-R headers."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from bot.config import Settings
from store.inbox import InboxItem
from tests.flows.test_need_by_email import LAO_NEED
from tests.harness import RunningPortal, email
from tests.security.conftest import register_people

MX = "mx.portal.test"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_changes(trusted_authserv_id=MX)


def send_raw(running: RunningPortal, sender: str, raw: bytes) -> None:
    with smtplib.SMTP(running.host, running.port, timeout=30) as client:
        client.sendmail(sender, ["submit@portal.test"], raw)


def outcomes(running: RunningPortal) -> list[str | None]:
    with running.portal.sessions() as session:
        return list(session.scalars(select(InboxItem.outcome).order_by(InboxItem.id)))


def test_a_forged_need_is_kept_refused_and_reported_to_its_owner(running: RunningPortal) -> None:
    register_people(running.portal)
    forged = email("Vong Saysana <vong@nra.example>", "NEED", LAO_NEED)
    send_raw(
        running,
        "x@evil.example",
        f"Authentication-Results: {MX}; dmarc=fail\r\n".encode() + forged.as_bytes(),
    )
    genuine = email("Vong Saysana <vong@nra.example>", "HELP", "")
    send_raw(
        running,
        "vong@nra.example",
        f"Authentication-Results: {MX}; dmarc=pass header.from=nra.example\r\n".encode()
        + genuine.as_bytes(),
    )
    running.settled()
    notice, help_ = running.mail(2)
    assert (notice["To"], notice["Subject"]) == (
        "vong@nra.example",
        "A message sent in your name was refused",
    )
    assert notice["Auto-Submitted"] == "auto-generated"  # a notice: it answers nothing of theirs
    assert help_["To"] == "vong@nra.example"
    assert outcomes(running) == ["refused: dmarc fail", "help sent"]
