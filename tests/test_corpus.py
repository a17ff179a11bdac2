"""The understanding corpora (tests/data/corpus, corpus-holdout) are sound: what
bench.understanding measures with them.

Every message is a readable email with its reader's answer beside it, and every answer speaks the
portal's vocabulary, so a figure of the bench is about the portal, never about a typo here.
"""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from bench.understanding import CORPUS, FIELDS, HOLDOUT, corpus
from bot.app import Portal
from bot.parsing.fields import DATA_PATH
from store.actors import find_actor

FOLDERS = tuple(folder for folder in (CORPUS, HOLDOUT) if corpus(folder))  # held out: when written
MESSAGES = [message for folder in FOLDERS for message in corpus(folder)]
IDS = [f"{p.parent.parent.name}/{p.parent.name}/{p.name}" for p, _ in MESSAGES]
OUTCOMES = {"record", "draft", "ask"}
KEYS = {"sender", "actor", "writer_language", "outcome", "client", "variation", *FIELDS}


def test_every_message_has_its_answer_and_every_answer_its_message() -> None:
    for folder in FOLDERS:
        for expected_file in sorted(folder.glob("*/expected.json")):
            named = set(json.loads(expected_file.read_text(encoding="utf-8")))
            files = {path.name for path in expected_file.parent.glob("*.eml")}
            assert named == files, expected_file
        assert {path.parent.name for path in folder.glob("*/*.eml")} == {"en", "fr", "es"}


@pytest.mark.parametrize(("path", "expected"), MESSAGES, ids=IDS)
def test_each_answer_speaks_the_vocabulary(path: Path, expected: dict[str, object]) -> None:
    words = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    areas = {entry["code"] for entry in words["areas"]}
    assistance = {entry["code"] for entry in words["assistance"]}
    assert set(expected) >= KEYS, KEYS - set(expected)
    assert expected["outcome"] in OUTCOMES
    assert expected["writer_language"] == path.parent.name
    assert expected["kind"] in ("need", "offer")
    assert set(expected["areas"] or []) <= areas  # type: ignore[arg-type]
    assert set(expected["assistance"] or []) <= assistance  # type: ignore[arg-type]
    for code in expected["countries"] or []:  # type: ignore[attr-defined]
        assert len(code) == 3 and code.isupper(), code
    if expected["outcome"] == "record":
        assert expected["title"] and expected["areas"] and expected["assistance"]


@pytest.mark.parametrize(("path", "expected"), MESSAGES, ids=IDS)
def test_each_message_is_an_email_with_text_from_its_sender(
    path: Path, expected: dict[str, object]
) -> None:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert expected["sender"] in str(message["From"]).lower()
    body = message.get_body(preferencelist=("plain", "html"))
    assert body is not None and body.get_content().strip()


def test_every_registered_sender_serves_an_actor_of_the_reference_data(portal: Portal) -> None:
    portal.init()
    with portal.sessions() as session:
        unknown = [
            (path.name, expected["actor"])
            for path, expected in MESSAGES
            if expected["actor"] is not None and find_actor(session, str(expected["actor"])) is None
        ]
    assert unknown == []
