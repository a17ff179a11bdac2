"""Every message of the understanding corpus is a regression test: what the portal understood
stays understood, and a message it still gets wrong is listed with the reason.

The messages go through the real pipeline exactly as `python -m bench.understanding` sends them
(inbox, processor, handle on a scratch SQLite home). A message in not_yet_understood.json is an
expected failure that must still fail: once it is understood, the test says so and the entry
must go. The held-out corpus (tests/data/corpus-holdout) is only measured, by the bench: a test
over it would make its failures read, and it would no longer be held out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.understanding import CORPUS, Verdict, corpus, understood

KNOWN_FILE = CORPUS.parent / "not_yet_understood.json"
KNOWN: dict[str, str] = json.loads(KNOWN_FILE.read_text(encoding="utf-8"))
MESSAGES = [f"{path.parent.name}/{path.name}" for path, _ in corpus(CORPUS)]


@pytest.fixture(scope="module")
def verdicts() -> dict[str, Verdict]:
    return {verdict.name: verdict for verdict in understood(CORPUS)}


def test_every_known_failure_names_a_message() -> None:
    assert set(KNOWN) <= set(MESSAGES), set(KNOWN) - set(MESSAGES)
    assert all(reason.strip() for reason in KNOWN.values())


@pytest.mark.timeout(900)  # the first one waits for every message of the corpus
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


def test_the_corpus_is_where_the_bench_reads_it() -> None:
    assert Path(CORPUS).is_dir()
    assert len(MESSAGES) >= 90
