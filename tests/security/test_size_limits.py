"""Title, reference and description have size limits with a clear error; no reply echoes more
than the limits (the rest is cut, with a note in the writer's language)."""

from __future__ import annotations

import pytest

from bot.app import Portal
from bot.parsing.parser import DESCRIPTION_MAX, REFERENCE_MAX, TITLE_MAX, Problem, parse_submission
from bot.records.views import RecordView
from bot.render import LANGUAGES, render_text
from store.base import utcnow
from tests.security.conftest import deliver, message
from tests.security.pathological import DESCRIPTION, NEED, TITLE

LONG = "Two teams. " * 600_000  # 6.6 MB, as sent by an outside tester
NEED_ID = f"N-{utcnow().year}-0001"


def need_with(description: str) -> str:
    return NEED.replace(DESCRIPTION, "Description:\n" + description + "\n")


def test_the_limits() -> None:
    assert (TITLE_MAX, REFERENCE_MAX, DESCRIPTION_MAX) == (200, 200, 20_000)


def test_a_description_past_the_limit_is_a_problem() -> None:
    text = "x" * (DESCRIPTION_MAX + 1)
    result = parse_submission(need_with(text))
    assert result.problems == (Problem("description", "too_long", text),)
    assert result.submission.description is None


def test_a_reference_past_the_limit_is_a_problem() -> None:
    reference = "r" * (REFERENCE_MAX + 1)
    result = parse_submission(NEED.replace("National Strategic Plan 2021-2030", reference))
    assert result.problems == (Problem("reference", "too_long", reference),)


def test_a_description_at_the_limit_is_recorded_and_echoed_whole(people: Portal) -> None:
    text = ("y" * 99 + "\n") * (DESCRIPTION_MAX // 100)
    handled = deliver(people, message("vong@nra.example", "NEED", need_with(text)))
    assert handled.outcome == f"need {NEED_ID} created"
    receipt, notice = handled.mail
    assert (receipt.kind, notice.kind) == ("receipt", "pending_for_secretariat")
    for mail in (receipt, notice):
        assert text.strip() in mail.body
        assert "cut:" not in mail.body


def test_a_6_mb_description_gets_a_short_error_reply(people: Portal) -> None:
    handled = deliver(people, message("vong@nra.example", "NEED", need_with(LONG)))
    assert handled.outcome == "1 problem(s) reported"
    (reply,) = handled.mail
    assert (reply.kind, reply.subject) == (
        "parse_error",
        "Please correct your need: 1 problem found",
    )
    sent = LONG.strip()
    assert f"- Description: too long ({len(sent)} characters); keep it to at most" in reply.body
    assert f"[… cut: {len(sent) - DESCRIPTION_MAX} characters more]" in reply.body
    assert sent[:DESCRIPTION_MAX] in reply.body
    assert len(reply.body) < DESCRIPTION_MAX + 5_000


def test_the_error_reply_is_cut_in_french(people: Portal) -> None:
    long = "Deux équipes. " * 500_000  # in French: the reply is in the language written in
    handled = deliver(people, message("rana@lmac.example", "BESOIN", need_with(long)))
    (reply,) = handled.mail
    assert f"[… coupé : {len(long.strip()) - DESCRIPTION_MAX} caractères de plus]" in reply.body
    assert len(reply.body) < DESCRIPTION_MAX + 5_000


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_record_past_the_limits_is_shown_cut(lang: str) -> None:
    """Records kept before the limits (or typed in a Telegram form) are shown cut too."""
    view = RecordView.of(
        {"title": "t" * 250, "reference": "r" * 201, "description": "d" * 30_000}, "need", lang
    )
    shown = render_text("fields.txt.j2", lang, view=view)
    note = {"en": "cut: {} characters more", "fr": "coupé : {} caractères de plus"}
    note["es"] = "cortado: {} caracteres más"
    assert "t" * 200 + " [… " + note[lang].format(50) + "]" in shown
    assert "r" * 200 + " [… " + note[lang].format(1) + "]" in shown
    assert "d" * 20_000 + " [… " + note[lang].format(10_000) + "]" in shown
    assert "d" * 20_001 not in shown


def test_a_long_value_is_quoted_cut_in_a_problem() -> None:
    value = "9" * 300
    shown = render_text(
        "problem.txt.j2",
        "en",
        problem=Problem("period", "invalid", value),
        secretariat_name="Implementation Support Unit",
    )
    assert f'"{"9" * 200} [… cut: 100 characters more]" is not a period' in shown


def test_the_title_of_the_corpus_is_within_its_limit() -> None:
    assert len(TITLE) <= TITLE_MAX
