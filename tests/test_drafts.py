"""Drafts from prose (bot.parsing.drafts): what a message without a template is read to say."""

from __future__ import annotations

from datetime import date

import pytest

from bot.commands.drafts import says_ok
from bot.parsing.drafts import Writer, draft_from_prose, writers_text
from bot.parsing.parser import parse_submission
from bot.records.drafts import template_text

TODAY = date(2026, 12, 3)
AFFECTED = Writer(country="KHM", leaning="need")  # a state with clearance left to do
DONOR = Writer(country="IRL", leaning="offer")
NGO = Writer()


def test_an_english_need_from_an_affected_state() -> None:
    text = """\
Hi all,

We still need funding for battle area clearance in Preah Vihear: roughly $420,000
for 2027, mainly for two BAC teams and their vehicles. Happy to share the maps.

Kind regards,
Dara Sok
Cambodian Mine Action Centre
"""
    draft = draft_from_prose(text, "Re: BAC in Preah Vihear", today=TODAY, writer=AFFECTED)
    assert draft is not None
    assert draft.fields == {
        "type": "need",
        "title": "BAC in Preah Vihear",
        "country": "Cambodia",
        "areas": "clearance",
        "assistance": "financial, equipment",
        "amount": "420,000 USD",
        "period": "2027",
        "languages": "",
        "description": (
            "We still need funding for battle area clearance in Preah Vihear: roughly $420,000\n"
            "for 2027, mainly for two BAC teams and their vehicles. Happy to share the maps."
        ),
    }
    assert draft.blank == ()


def test_a_french_offer_from_a_donor_names_the_countries_it_is_for() -> None:
    text = (
        "Madame, Monsieur,\n\n"
        "L'Irlande pourrait financer des formations en gestion de l'information pour "
        "le Tchad et le Niger en 2027, à hauteur de 150 000 euros. Les ateliers se "
        "tiendraient en français.\n\n"
        "Bien cordialement,\nAoife\n"
    )
    draft = draft_from_prose(text, "", today=TODAY, writer=DONOR, language="fr")
    assert draft is not None
    fields = draft.fields
    assert fields["type"] == "offer"
    assert fields["country"] == "Tchad, Niger"  # not Ireland, who gives
    assert fields["areas"] == "gestion de l'information"
    assert fields["assistance"] == "financière, formation, échange de bonnes pratiques"
    assert fields["amount"] == "150\u202f000 EUR"
    assert fields["period"] == "2027"
    assert fields["languages"] == "français"
    assert fields["title"] == (
        "L'Irlande pourrait financer des formations en gestion de l'information pour le Tchad…"
    )
    assert fields["description"] == (
        "L'Irlande pourrait financer des formations en gestion de l'information pour le Tchad et "
        "le Niger en 2027, à hauteur de 150 000 euros. Les ateliers se tiendraient en français."
    )


def test_a_spanish_need_next_year_from_an_ngo_names_its_country() -> None:
    text = (
        "Hola: necesitamos apoyo para la educación sobre el riesgo (ERM) en el norte de "
        "Colombia el año que viene. Serían unos 90.000 dólares.\n\nUn saludo,\nLucía\n"
    )
    draft = draft_from_prose(text, "ERM Norte", today=TODAY, writer=NGO, language="es")
    assert draft is not None
    assert draft.fields["type"] == "need"
    assert draft.fields["title"] == "ERM Norte"
    assert draft.fields["country"] == "Colombia"
    assert draft.fields["areas"] == "educación sobre el riesgo"
    assert draft.fields["amount"] == "90.000 USD"
    assert draft.fields["period"] == "2027"
    assert draft.fields["description"] == (
        "necesitamos apoyo para la educación sobre el riesgo (ERM) en el norte de "
        "Colombia el año que viene. Serían unos 90.000 dólares."
    )


def test_what_cannot_be_told_is_left_blank_and_named() -> None:
    text = "We are looking for a partner for victim assistance in our eastern provinces.\n"
    draft = draft_from_prose(text, "", today=TODAY, writer=NGO)
    assert draft is not None
    assert (draft.fields["amount"], draft.fields["period"], draft.fields["country"]) == ("", "", "")
    assert draft.blank == ("country", "assistance", "amount", "period")


def test_a_message_with_nothing_to_draft_gets_none() -> None:
    text = "Hello, could you tell me who I should talk to about the meeting in Geneva?\nThanks\n"
    assert draft_from_prose(text, "Question", today=TODAY, writer=AFFECTED) is None


def test_the_words_decide_the_kind_and_the_actor_only_breaks_a_tie() -> None:
    offer = "Cambodia can offer a study visit on land release to other affected states.\n"
    draft = draft_from_prose(offer, "", today=TODAY, writer=AFFECTED)
    assert draft is not None and draft.kind == "offer"
    neutral = "About risk education in the provinces.\n"
    for writer, kind in ((AFFECTED, "need"), (DONOR, "offer")):
        leaning = draft_from_prose(neutral, "", today=TODAY, writer=writer)
        assert leaning is not None and leaning.kind == kind
    unknown = draft_from_prose(neutral, "", today=TODAY, writer=NGO)
    assert unknown is not None and unknown.kind is None and unknown.blank[0] == "type"


def test_need_or_offer_as_the_command_needs_only_some_prose() -> None:
    text = "Two mine detection dog teams for the border area, if anyone can help.\n"
    draft = draft_from_prose(text, "NEED", today=TODAY, writer=NGO, kind="need")
    assert draft is not None and draft.kind == "need"
    assert (
        draft.fields["title"] == "Two mine detection dog teams for the border area, if anyone can…"
    )
    assert draft_from_prose("Thanks!\n", "NEED", today=TODAY, writer=NGO, kind="need") is None


def test_abbreviations_count_in_capitals_and_weapons_are_no_area() -> None:
    text = "We need TS and NTS in the east; the ts of our va team found submunitions.\n"
    draft = draft_from_prose(text, "", today=TODAY, writer=AFFECTED)
    assert draft is not None
    assert draft.fields["areas"] == "technical survey, non-technical survey"
    coded = "Our need is in LAO and in the DRC, with CMR everywhere. And per year, can we?\n"
    found = draft_from_prose(coded, "", today=TODAY, writer=NGO)
    assert (
        found is not None
        and found.fields["country"] == "Laos, The Democratic Republic of the Congo"
    )


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("We need clearance from 2027 to 2029.", "2027-01 to 2029-12"),
        ("We need clearance in 2027. Since 2019 we cleared 40 km2.", "2027"),
        ("We need clearance in 2027, and in 2029 a survey.", ""),  # two periods: the writer says
        ("We need clearance starting March 2027.", ""),  # read in part: not the whole of 2027
        ("We need clearance this year.", "2026"),
    ],
)
def test_periods(text: str, period: str) -> None:
    draft = draft_from_prose(text, "", today=TODAY, writer=AFFECTED)
    assert draft is not None and draft.fields["period"] == period


def test_the_largest_amount_in_the_first_currency_is_the_total() -> None:
    text = "We need USD 300,000 for clearance, of which USD 50,000 for vehicles (about EUR 1m).\n"
    draft = draft_from_prose(text, "", today=TODAY, writer=AFFECTED)
    assert draft is not None and draft.fields["amount"] == "300,000 USD"


def test_greetings_closings_and_signatures_are_not_the_description() -> None:
    text = "Dear colleagues,\nWe need marking.\nThanks a lot,\nJane Doe\nProgramme officer\n"
    assert writers_text(text) == "We need marking."
    assert writers_text("Bonjour Madame, nous avons besoin de balisage.\nMerci") == (
        "nous avons besoin de balisage."
    )
    assert writers_text("Thanks to last year's grant we cleared 3 km2.\nWe need more.") == (
        "Thanks to last year's grant we cleared 3 km2.\nWe need more."
    )


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_draft_reads_back_as_the_same_template(language: str) -> None:
    text = (
        "We need risk education and victim assistance (rehabilitation) in 2027-2028, about "
        "EUR 1.2 million, in French and Arabic.\n"
    )
    draft = draft_from_prose(text, "", today=TODAY, writer=Writer("TCD", "need"), language=language)
    assert draft is not None
    parsed = parse_submission(template_text({"fields": draft.fields}))
    assert parsed.ok, parsed.problems
    submission = parsed.submission
    assert submission.kind == "need" and submission.countries == ("TCD",)
    assert submission.areas == ("art4.risk_reduction_education", "art5.rehabilitation")
    assert submission.assistance == ("financial",)
    assert (submission.amount, submission.currency) == (1200000, "EUR")
    assert (submission.period_start, submission.period_end) == (
        date(2027, 1, 1),
        date(2028, 12, 31),
    )
    assert submission.languages == ("fr", "ar")


@pytest.mark.parametrize(
    "text",
    ["OK", "ok, thanks!", "Yes please", "Oui, je confirme.", "D'accord", "Sí, adelante", "Vale",
     "Confirmo", "\n\nOK\n\n> quoted"],
)  # fmt: skip
def test_ok_in_every_language(text: str) -> None:
    assert says_ok(text)


@pytest.mark.parametrize(
    "text",
    ["OK but the amount is USD 300,000", "Okay so what happens if we need more time later on", "",
     "No, the period is wrong", "Si possible, changez le titre"],
)  # fmt: skip
def test_not_ok(text: str) -> None:
    assert not says_ok(text)


def test_the_kind_word_before_a_title_is_not_the_title() -> None:
    text = "Two survey teams for the north, about USD 200,000 in 2027.\n"
    draft = draft_from_prose(text, "NEED: Survey teams north", today=TODAY, writer=NGO, kind="need")
    assert draft is not None and draft.fields["title"] == "Survey teams north"
    offer = draft_from_prose(text, "Oferta - Equipos", today=TODAY, writer=NGO, kind="offer")
    assert offer is not None  # one word left of the subject: the first sentence says more
    assert offer.fields["title"] == "Two survey teams for the north, about USD 200,000 in 2027"


@pytest.mark.parametrize(
    ("text", "language", "country"),
    [
        ("We can offer EOD training to any affected state in 2027.", "en", "any"),
        ("Nous pouvons offrir des formations NEDEX à tous les pays.", "fr", "tous les pays"),
        ("Podemos ofrecer cursos de desminado a cualquier país.", "es", "todos los países"),
    ],
)
def test_an_offer_open_to_every_country(text: str, language: str, country: str) -> None:
    draft = draft_from_prose(text, "", today=TODAY, writer=DONOR, language=language)
    assert draft is not None and draft.fields["country"] == country
    parsed = parse_submission(template_text({"fields": draft.fields}))
    assert parsed.submission.countries == ("any",)


@pytest.mark.parametrize(
    "text",
    [
        "Hello, I need the template to send our offer. Could you help us?",
        "Bonjour, suite à votre demande, nous avons besoin du modèle.",
        "Hola, si necesita algo más, solicitamos que nos escriba.",
    ],
)
def test_asking_about_the_portal_is_no_need(text: str) -> None:
    assert draft_from_prose(text, "Template", today=TODAY, writer=AFFECTED) is None


def test_a_need_with_an_amount_is_worth_a_draft_without_any_term() -> None:
    draft = draft_from_prose("We need about USD 50,000.", "", today=TODAY, writer=AFFECTED)
    assert draft is not None and draft.blank == ("areas", "period")


def test_a_semester_or_quarter_is_read_whole() -> None:
    for text, period in (
        (
            "Nous avons besoin de dépollution pendant le premier semestre 2027.",
            "2027-01 to 2027-06",
        ),
        ("Necesitamos limpieza en el segundo trimestre de 2027.", "2027-04 to 2027-06"),
        ("We need clearance in Q3 2027.", "2027-07 to 2027-09"),
    ):
        draft = draft_from_prose(text, "", today=TODAY, writer=AFFECTED)
        assert draft is not None and draft.fields["period"] == period, text


def test_a_date_that_only_starts_the_period_is_left_to_the_writer() -> None:
    for text in (
        "Nous avons besoin de dépollution à partir de mars 2027.",
        "Necesitamos limpieza a partir de marzo de 2027.",
        "We need clearance from March 2027 onwards.",
    ):
        draft = draft_from_prose(text, "", today=TODAY, writer=AFFECTED)
        assert draft is not None and draft.fields["period"] == "", text


def test_a_greeting_that_ends_with_a_full_stop() -> None:
    assert writers_text("Buenos días. Perú requiere capacitación.") == "Perú requiere capacitación."
