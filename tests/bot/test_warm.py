"""A processor builds the template reader's indexes at its start, from a sample that reaches
every kind of value the reader looks up."""

from __future__ import annotations

from bot.parsing.parser import parse_submission
from bot.pipeline.warm import SAMPLE


def test_the_sample_is_read_whole_without_a_problem() -> None:
    """A sample the reader refused early (a renamed label, a value no longer known) would stop
    before the lookups it is there to warm."""
    read = parse_submission(SAMPLE, "NEED", writer_countries=("LAO",))
    assert read.problems == ()
    submission = read.submission
    assert submission.kind == "need"
    assert submission.countries == ("LAO",)
    assert {"art4.survey.technical", "art4.clearance"} <= set(submission.areas)
    assert any(area.startswith("art5.") for area in submission.areas)
    assert len(submission.assistance) == 3
    assert submission.amount is not None and submission.languages
