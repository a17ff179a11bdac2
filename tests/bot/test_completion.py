"""The fields of an earlier message as a template the parser reads back unchanged."""

from __future__ import annotations

from bot.commands.completion import as_template
from bot.parsing.parser import parse_submission

FIELDS = {
    "type": "besoin",
    "title": "Dépollution des rizières",
    "country": "Lao PDR",
    "areas": "clearance, risk education",
    "amount": "300 000 USD",
    "on_behalf_of": "Lao PDR",
    "description": "Deux équipes.\n\nPendant un an: dans le Sud.",
}


def test_fields_read_back_as_they_were_written() -> None:
    assert parse_submission(as_template(FIELDS)).submission.fields == FIELDS


def test_the_description_comes_last_whatever_the_order() -> None:
    text = as_template({"description": "Survey.", "title": "Teams"})
    assert text == "title: Teams\ndescription:\nSurvey.\n"
