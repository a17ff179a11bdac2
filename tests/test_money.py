"""Amounts as focal points write them, in English, French and Spanish, and the CFA franc."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.parsing.money import money, money_if_any
from bot.parsing.normalise import FieldError
from bot.parsing.parser import Problem, parse_submission


def case(text: str, amount: str, currency: str) -> tuple[str, Decimal, str]:
    return text, Decimal(amount), currency


WORDS_AND_SYMBOLS = [
    # en
    case("80,000 dollars", "80000", "USD"),
    case("80,000 US dollars", "80000", "USD"),
    case("US$ 80,000", "80000", "USD"),
    case("$80,000", "80000", "USD"),
    case("80 000 euros", "80000", "EUR"),
    case("£ 60,000", "60000", "GBP"),
    case("60,000 pounds sterling", "60000", "GBP"),
    case("60 000 British pounds", "60000", "GBP"),
    case("9,000,000 Japanese yen", "9000000", "JPY"),
    case("¥9,000,000", "9000000", "JPY"),
    case("CAD 120,000", "120000", "CAD"),
    case("AUD 95,000", "95000", "AUD"),
    case("SEK 2,000,000", "2000000", "SEK"),
    case("400,000 Swiss francs", "400000", "CHF"),
    # fr
    case("80 000 dollars américains", "80000", "USD"),
    case("80 000 $US", "80000", "USD"),
    case("80 000 $ US", "80000", "USD"),
    case("80 000 € ", "80000", "EUR"),
    case("400 000 francs suisses", "400000", "CHF"),
    case("60 000 livres sterling", "60000", "GBP"),
    case("3 000 000 couronnes danoises", "3000000", "DKK"),
    case("3 000 000 couronnes norvégiennes", "3000000", "NOK"),
    case("9 000 000 yens", "9000000", "JPY"),
    case("120 000 $ CA", "120000", "CAD"),
    case("120 000 dollars canadiens", "120000", "CAD"),
    # es
    case("80.000 dólares", "80000", "USD"),
    case("80.000 dólares estadounidenses", "80000", "USD"),
    case("80.000 euros", "80000", "EUR"),
    case("400.000 francos suizos", "400000", "CHF"),
    case("3.000.000 coronas danesas", "3000000", "DKK"),
    case("9.000.000 yenes", "9000000", "JPY"),
    case("500.000.000 pesos colombianos", "500000000", "COP"),
    case("COP 500.000.000", "500000000", "COP"),
    case("250.000.000 pesos chilenos", "250000000", "CLP"),
    case("U$S 250.000", "250000", "USD"),
    case("S/ 900 000", "900000", "PEN"),
    case("R$ 900.000", "900000", "BRL"),
    case("250 000 MAD", "250000", "MAD"),
    case("250 000 usd", "250000", "USD"),
    case("60.000 libras esterlinas", "60000", "GBP"),
]

MULTIPLIERS = [
    # en
    case("USD 3.4m", "3400000", "USD"),
    case("3.4M USD", "3400000", "USD"),
    case("USD 3.4 mn", "3400000", "USD"),
    case("2.75 million euros", "2750000", "EUR"),
    case("$1.5bn", "1500000000", "USD"),
    case("1.5 billion yen", "1500000000", "JPY"),
    case("EUR 650k", "650000", "EUR"),
    case("650K EUR", "650000", "EUR"),
    case("4 MUSD", "4000000", "USD"),
    case("4 M USD", "4000000", "USD"),
    # fr
    case("3,4 M€", "3400000", "EUR"),
    case("650 k€", "650000", "EUR"),
    case("2,75 millions d'euros", "2750000", "EUR"),
    case("1 million de dollars", "1000000", "USD"),
    case("1,2 milliard de FCFA", "1200000000", "XAF"),
    case("3 mds FCFA", "3000000000", "XAF"),
    case("EUR 3,4 M", "3400000", "EUR"),
    case("CHF 1,1 mio.", "1100000", "CHF"),
    case("DKK 2,5 Mio", "2500000", "DKK"),
    case("NOK 4 mio", "4000000", "NOK"),
    case("2 MEUR", "2000000", "EUR"),
    # es
    case("2,75 millones de euros", "2750000", "EUR"),
    case("1 millón de dólares", "1000000", "USD"),
    case("USD 1,2 millones", "1200000", "USD"),
    case("350 mil dólares", "350000", "USD"),
    case("3 mil millones de pesos colombianos", "3000000000", "COP"),
    case("COP 3.500 millones", "3500000000", "COP"),
    case("2,500 millones de dólares", "2500000", "USD"),
    case("1,250 milliard d'euros", "1250000000", "EUR"),
    case("USD 1.500 bn", "1500000000", "USD"),
]

CONVENTIONS = [
    case("EUR 1 750 000", "1750000", "EUR"),
    case("1\u00a0750\u00a0000 €", "1750000", "EUR"),
    case("1\u202f750\u202f000 €", "1750000", "EUR"),
    case("1.750.000 €", "1750000", "EUR"),
    case("USD 1,750,000", "1750000", "USD"),
    case("CHF 1'750'000", "1750000", "CHF"),
    case("CHF 1’750’000", "1750000", "CHF"),
    case("1,750,000.50 USD", "1750000.50", "USD"),
    case("1.750.000,50 EUR", "1750000.50", "EUR"),
    case("USD 95.000", "95000", "USD"),
    case("USD 95,000", "95000", "USD"),
    case("0,75 M€", "750000", "EUR"),
]

APPROXIMATIONS = [
    case("approx. USD 420,000 (value of the vehicles lent)", "420000", "USD"),
    case("around €80k", "80000", "EUR"),
    case("up to GBP 200,000", "200000", "GBP"),
    case("max. USD 50,000", "50000", "USD"),
    case("about 1.2 million dollars", "1200000", "USD"),
    case("environ 300 000 €", "300000", "EUR"),
    case("jusqu'à 90 000 CHF", "90000", "CHF"),
    case("env. 250 000 € (hors salaires)", "250000", "EUR"),
    case("aprox. 95.000 USD (valor estimado del equipo)", "95000", "USD"),
    case("hasta 200.000 euros", "200000", "EUR"),
    case("unos 500.000 dólares", "500000", "USD"),
    case("USD 310.000 [presupuesto 2027]", "310000", "USD"),
    case("USD 40,000 in kind", "40000", "USD"),
    case("valeur estimée : 40 000 € en nature", "40000", "EUR"),
    case("valor equivalente de 40.000 USD en especie", "40000", "USD"),
    case("USD 1.2 million over two years", "1200000", "USD"),
    case("EUR 80,000 in all", "80000", "EUR"),
    case("80 000 € en tout", "80000", "EUR"),
    case("1,2 M€ sur 3 ans", "1200000", "EUR"),
    case("1,2 millones de euros durante 18 meses", "1200000", "EUR"),
]


@pytest.mark.parametrize(("text", "amount", "currency"), WORDS_AND_SYMBOLS)
def test_currency_words_symbols_and_codes(text: str, amount: Decimal, currency: str) -> None:
    assert money(text, ("TCD",)) == (amount, currency)


@pytest.mark.parametrize(("text", "amount", "currency"), MULTIPLIERS)
def test_multipliers_in_any_order(text: str, amount: Decimal, currency: str) -> None:
    assert money(text, ("CMR",)) == (amount, currency)


@pytest.mark.parametrize(("text", "amount", "currency"), CONVENTIONS + APPROXIMATIONS)
def test_separators_and_approximations(text: str, amount: Decimal, currency: str) -> None:
    assert money(text) == (amount, currency)


NO_AMOUNT = [
    "n/a",
    "N/A",
    "none",
    "nil",
    "-",
    "TBD",
    "to be confirmed",
    "n/a (in kind)",
    "in kind",
    "in-kind contribution (two trainers)",
    "none (in kind)",
    "en nature",
    "en nature (pas de financement)",
    "pas de montant",
    "sans objet",
    "à définir",
    "no aplica",
    "N/A (en especie)",
    "contrapartida en especie",
    "aporte en especie (instructores)",
    "a convenir",
]


@pytest.mark.parametrize("text", NO_AMOUNT)
def test_words_for_no_amount_are_no_amount(text: str) -> None:
    assert money_if_any(text) == (None, None)
    with pytest.raises(FieldError):
        money(text)  # an amount, where one is needed (prose, the Telegram form), stays unread


def test_an_amount_is_an_amount_whether_or_not_one_is_needed() -> None:
    assert money_if_any("USD 40,000 (in kind)") == money("USD 40,000 (in kind)")
    assert money_if_any("USD 40,000 (TBC)") == (Decimal("40000"), "USD")


def _amount(value: str, country: str = "") -> tuple[object, ...]:
    result = parse_submission(
        f"Type: offer\nTitle: Trainers\nCountry: {country or 'Chad'}\nAreas: clearance\n"
        f"Assistance: training\nAmount: {value}\nDescription: Two trainers.\n"
    )
    return result.submission.amount, result.submission.currency, result.problems


@pytest.mark.parametrize("text", ["n/a (in kind)", "en nature", "no aplica", "-"])
def test_no_amount_is_read_like_an_empty_amount(text: str) -> None:
    assert _amount(text) == _amount("")
    assert _amount(text) == (None, None, ())


@pytest.mark.parametrize(
    ("text", "countries", "currency"),
    [
        ("450 000 000 FCFA", ("TCD",), "XAF"),
        ("450 000 000 F CFA", ("CMR", "GAB"), "XAF"),
        ("450 000 000 francs CFA", ("SEN",), "XOF"),
        ("450 millions de FCFA", ("MLI", "NER", "BFA"), "XOF"),
        ("450 000 000 CFA", ("CIV",), "XOF"),
        ("450.000.000 francos CFA", ("GNQ",), "XAF"),
        ("450 000 000 FCFA", ("TCD", "FRA"), "XAF"),
        ("450 000 000 XOF", ("TCD",), "XOF"),
        ("450 000 000 francs CFA (BCEAO)", ("CIV",), "XOF"),
    ],
)
def test_the_cfa_franc_is_chosen_by_the_country(
    text: str, countries: tuple[str, ...], currency: str
) -> None:
    assert money(text, countries)[1] == currency


@pytest.mark.parametrize("countries", [(), ("FRA",), ("TCD", "SEN"), ("any",)])
def test_the_cfa_franc_is_asked_when_the_countries_do_not_say(countries: tuple[str, ...]) -> None:
    with pytest.raises(FieldError) as caught:
        money("75 000 000 FCFA", countries)
    assert caught.value.code == "ambiguous"


@pytest.mark.parametrize(
    ("text", "countries", "expected"),
    [
        ("$250,000", (), (Decimal("250000"), "USD")),
        ("$250,000", ("LAO", "KHM"), (Decimal("250000"), "USD")),
        ("US$ 250.000", ("COL",), (Decimal("250000"), "USD")),
        ("$ 500.000.000 COP", ("COL",), (Decimal("500000000"), "COP")),
        ("$250,000 CAD", ("LAO",), (Decimal("250000"), "CAD")),
        ("$ 90 millones de pesos chilenos", ("CHL",), (Decimal("90000000"), "CLP")),
    ],
)
def test_a_bare_dollar_sign_is_usd_unless_the_country_writes_its_own_money_so(
    text: str, countries: tuple[str, ...], expected: tuple[Decimal, str]
) -> None:
    assert money(text, countries) == expected


@pytest.mark.parametrize(
    ("text", "countries"),
    [("$ 500.000.000", ("COL",)), ("$250,000", ("MEX",)), ("$ 80 000", ("ECU", "COL"))],
)
def test_a_bare_dollar_sign_is_asked_where_pesos_are_written_so(
    text: str, countries: tuple[str, ...]
) -> None:
    with pytest.raises(FieldError) as caught:
        money(text, countries)
    assert caught.value.code == "ambiguous"


def test_the_parser_chooses_the_cfa_franc_by_the_countries_it_read() -> None:
    assert _amount("75 000 000 FCFA", "Senegal")[:2] == (Decimal("75000000"), "XOF")
    assert _amount("75 000 000 FCFA", "Tchad")[:2] == (Decimal("75000000"), "XAF")
    assert _amount("75 000 000 FCFA", "Chad, Senegal")[2] == (
        Problem("amount", "ambiguous", "75 000 000 FCFA", ("250k USD", "EUR 1.2m", "1 200 000 €")),
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1,500 M€", "ambiguous"),
        ("USD 2.500m", "ambiguous"),
        ("1,500 million dollars", "ambiguous"),
        ("KWD 1.500", "ambiguous"),
        ("5 000 000 pesos", "ambiguous"),
        ("2 millones de coronas", "ambiguous"),
        ("800 000 francs", "ambiguous"),
        ("USD 200,000 or EUR 180,000", "ambiguous"),
        ("1 500 000", "no_currency"),
        ("unos 300 millones", "no_currency"),
        ("1.500", "no_currency"),
        ("2 millions", "no_currency"),
        ("250 000 XYZ", "unknown_currency"),
        ("250 000 mad", "invalid"),  # a code that is also a word counts in capitals only
        ("beaucoup", "invalid"),
        ("mucho dinero", "invalid"),
    ],
)
def test_amounts_that_are_asked_about(text: str, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        money(text)
    assert (caught.value.code, caught.value.value) == (code, text)


@pytest.mark.parametrize(
    ("text", "countries", "writers", "currency"),
    [
        ("300 000 FCFA", ("region:011",), (), "XOF"),  # Western Africa: XOF members only
        ("2 millions de francs CFA", ("region:017",), (), "XAF"),  # Middle Africa
        ("150 000 francs CFA per trainee", ("GHA", "NGA"), ("BEN",), "XOF"),  # by the writer
        ("500 000 F CFA", ("region:011",), ("CMR",), "XOF"),  # the record's places first
        ("1 000 000 FCFA", (), ("TCD",), "XAF"),
    ],
)
def test_the_cfa_franc_by_a_region_or_else_by_the_writer(
    text: str, countries: tuple[str, ...], writers: tuple[str, ...], currency: str
) -> None:
    assert money(text, countries, writers)[1] == currency


@pytest.mark.parametrize(
    ("countries", "writers"),
    [(("region:002",), ("BEN",)), ((), ()), ((), ("FRA",)), (("GHA",), ("FRA",))],
)
def test_the_cfa_franc_still_asked_when_nothing_decides(
    countries: tuple[str, ...], writers: tuple[str, ...]
) -> None:
    with pytest.raises(FieldError) as caught:
        money("300 000 FCFA", countries, writers)  # all Africa holds both francs
    assert (caught.value.code, caught.value.value) == ("ambiguous", "300 000 FCFA")


def test_the_writers_state_does_not_change_a_bare_dollar() -> None:
    assert money("$1.2M", ("region:013",), ("MEX",)) == (Decimal(1200000), "USD")


@pytest.mark.parametrize(
    ("text", "countries", "writers", "code"),
    [
        ("$ 2.000 millones de pesos", ("COL",), (), "COP"),
        ("2.000 millones de pesos", (), ("COL",), "COP"),
        ("45 millones de pesos", ("CHL",), (), "CLP"),
        ("5 millions de couronnes", ("DNK",), (), "DKK"),
        ("3 millones de coronas", (), ("SWE",), "SEK"),
    ],
)
def test_a_currency_word_several_currencies_share_is_read_by_the_country(
    text: str, countries: tuple[str, ...], writers: tuple[str, ...], code: str
) -> None:
    assert money(text, countries=countries, writers=writers)[1] == code


@pytest.mark.parametrize(
    ("text", "countries"),
    [("300 000 pesos", ()), ("300 000 pesos", ("COL", "CHL")), ("300 000 pesos", ("FRA",))],
)
def test_a_shared_currency_word_the_countries_do_not_decide_is_asked(
    text: str, countries: tuple[str, ...]
) -> None:
    with pytest.raises(FieldError) as raised:
        money(text, countries=countries)
    assert raised.value.code == "ambiguous"
