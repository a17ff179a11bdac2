"""Every message of the understanding corpora is a regression test: what the portal understood
stays understood, and a message it still gets wrong is listed with the reason.

The messages go through the real pipeline exactly as `python -m bench.understanding` sends them
(inbox, processor, handle on a scratch SQLite home). A message in not_yet_understood.json is an
expected failure that must still fail: once it is understood, the test says so and the entry
must go.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.understanding import CORPUS, HOLDOUT, Verdict, corpus, understood

KNOWN_FILE = CORPUS.parent / "not_yet_understood.json"
KNOWN: dict[str, str] = json.loads(KNOWN_FILE.read_text(encoding="utf-8"))
FOLDERS = [folder for folder in (CORPUS, HOLDOUT) if folder.is_dir()]
MESSAGES = [
    f"{folder.name}/{path.parent.name}/{path.name}"
    for folder in FOLDERS
    for path, _ in corpus(folder)
]


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    found: dict[str, Verdict] = {}
    for folder in FOLDERS:
        for verdict in understood(folder):
            found[f"{folder.name}/{verdict.name}"] = verdict
    return found


def test_every_known_failure_names_a_message() -> None:
    assert set(KNOWN) <= set(MESSAGES), set(KNOWN) - set(MESSAGES)
    assert all(reason.strip() for reason in KNOWN.values())


@pytest.mark.timeout(900)  # the first one waits for every message of both corpora
@pytest.mark.parametrize("name", MESSAGES)
def test_message_is_understood_first_time(name: str, verdicts: dict[str, Verdict]) -> None:
    verdict = verdicts[name]
    understood_now = verdict.outcome == "correct" and verdict.in_writers_language
    if name in KNOWN:
        assert not understood_now, f"{name} is understood now: take it out of {KNOWN_FILE.name}"
        pytest.xfail(KNOWN[name])
    assert verdict.outcome == "correct", verdict.wrong
    assert verdict.in_writers_language, (
        f"answered in {verdict.reply_language}, written in {verdict.expected['writer_language']}"
    )


def test_corpora_are_where_the_bench_reads_them() -> None:
    assert Path(CORPUS).is_dir()
    assert len(MESSAGES) >= 90
