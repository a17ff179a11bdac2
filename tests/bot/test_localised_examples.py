"""Error replies show the examples of amounts and periods as people write them in their language."""

from __future__ import annotations

import pytest

from bot.parsing.money import money
from bot.parsing.parser import MONEY_EXAMPLES, PERIOD_EXAMPLES, Problem
from bot.parsing.periods import period
from bot.records.views import examples, localised
from bot.render import LANGUAGES


def test_the_examples_of_a_problem_are_in_the_readers_language() -> None:
    problems = [
        Problem("amount", "invalid", "mucho", MONEY_EXAMPLES),
        Problem("period", "ambiguous", "pronto", PERIOD_EXAMPLES),
        Problem("title", "missing"),
    ]
    assert localised(problems, "es") == [
        Problem("amount", "invalid", "mucho", ("250.000 USD", "1,2 millones EUR", "1.200.000 €")),
        Problem(
            "period",
            "ambiguous",
            "pronto",
            ("2027", "2027-01 a 2027-12", "2027-01-15 a 2027-06-30"),
        ),
        Problem("title", "missing"),
    ]
    assert localised(problems, "fr")[0].allowed == ("250 000 USD", "1,2 million EUR", "1 200 000 €")
    assert localised(problems, "fr")[1].allowed[1] == "2027-01 au 2027-12"
    assert localised(problems, "en") == problems


def test_other_allowed_values_of_an_amount_are_kept() -> None:
    """Only the parser's English examples are replaced, not a choice it offers."""
    choice = Problem("amount", "ambiguous", "1 000 000 FCFA", ("XOF", "XAF"))
    assert localised([choice], "fr") == [choice]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_example_reads_as_the_parser_reads_it(lang: str) -> None:
    assert [money(text) for text in examples("amount", lang)] == [
        money(text) for text in MONEY_EXAMPLES
    ]
    assert [period(text) for text in examples("period", lang)] == [
        period(text) for text in PERIOD_EXAMPLES
    ]
