"""Places the sector names that are not UN M49 regions (Sahel, MENA, Arab States, Western
Balkans, Great Lakes, Horn of Africa, Andean region…), and a region narrowed to its members."""

import pytest

from bot.parsing.fields import Vocabulary
from bot.parsing.parser import parse_submission

VOCAB = Vocabulary.load()


def countries(text: str, kind: str = "offer") -> tuple[tuple[str, ...], tuple[object, ...]]:
    result = parse_submission(
        f"Type: {kind}\nTitle: t\nCountry: {text}\nAreas: clearance\nAssistance: financial\n"
        "Description: d\n"
    )
    return result.submission.countries, result.problems


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sahel", "region:sahel"),
        ("the Sahel region", "region:sahel"),
        ("région du Sahel", "region:sahel"),
        ("G5 Sahel", "region:sahel"),
        ("Sahel central", "region:central_sahel"),
        ("MENA", "region:mena"),
        ("Middle East and North Africa", "region:mena"),
        ("Middle East & North Africa", "region:mena"),
        ("Moyen-Orient et Afrique du Nord", "region:mena"),
        ("Medio Oriente y Norte de África", "region:mena"),
        ("Arab States", "region:arab_states"),
        ("États arabes", "region:arab_states"),
        ("Estados Árabes", "region:arab_states"),
        ("Western Balkans", "region:western_balkans"),
        ("Balkans occidentaux", "region:western_balkans"),
        ("Balcanes Occidentales", "region:western_balkans"),
        ("Great Lakes", "region:great_lakes"),
        ("région des Grands Lacs", "region:great_lakes"),
        ("región de los Grandes Lagos", "region:great_lakes"),
        ("Horn of Africa", "region:horn_of_africa"),
        ("Corne de l'Afrique", "region:horn_of_africa"),
        ("Cuerno de África", "region:horn_of_africa"),
        ("Andean region", "region:andean"),
        ("région andine", "region:andean"),
        ("países andinos", "region:andean"),
        ("Lake Chad Basin", "region:lake_chad_basin"),
        ("Sahel countries", "region:sahel"),
        ("countries of the Sahel region", "region:sahel"),
        ("países de la región andina", "region:andean"),
        ("Horn of Africa countries", "region:horn_of_africa"),
        ("West Africa region", "region:011"),
        ("Southeast Asia", "region:035"),
        ("Central America", "region:013"),
    ],
)
def test_a_region_the_sector_names(text: str, code: str) -> None:
    assert countries(text) == ((code,), ())


def test_every_sector_region_says_where_its_members_come_from() -> None:
    from bot.parsing.fields import vocabulary_data

    groupings = [r for r in vocabulary_data()["regions"] if r["kind"] == "grouping"]
    assert len(groupings) == 11
    for region in groupings:
        assert region["about"] and region["label"].keys() == {"en", "fr", "es"}
        assert VOCAB.region_countries(region["code"]) == frozenset(region["countries"])
    assert VOCAB.region_countries("sahel") == {"BFA", "MLI", "MRT", "NER", "TCD"}
    assert VOCAB.region_countries("western_balkans") == {"ALB", "BIH", "MKD", "MNE", "SRB"}
    assert "region:sahel" in {f"region:{c}" for c in VOCAB.regions_of("MLI")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sahel (Mali, Niger)", ("MLI", "NER")),
        (
            "Sahel (Burkina, Mali, Mauritanie, Niger, Tchad)",
            ("BFA", "MLI", "MRT", "NER", "TCD"),
        ),
        ("Balkans occidentaux (Serbie, Albanie)", ("SRB", "ALB")),
        ("región andina (Perú, Bolivia)", ("PER", "BOL")),
        ("West Africa (Senegal, Guinea-Bissau)", ("SEN", "GNB")),
    ],
)
def test_a_region_with_members_in_brackets_is_those_members(
    text: str, expected: tuple[str, ...]
) -> None:
    found, _ = countries(text)
    assert found == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MENA region - Jordan", ("JOR",)),
        ("región MENA: Jordania, Líbano", ("JOR", "LBN")),
        ("États arabes – Irak, Liban, Somalie", ("IRQ", "LBN", "SOM")),
        ("Arab States / MENA region – Yemen, Libya", ("YEM", "LBY")),
        ("Great Lakes – DRC", ("COD",)),
    ],
)
def test_a_region_then_a_dash_and_countries_is_the_countries(
    text: str, expected: tuple[str, ...]
) -> None:
    assert countries(text) == (expected, ())


def test_a_need_in_a_region_named_with_its_country_is_the_country() -> None:
    assert countries("Horn of Africa – Somalia", kind="need") == (("SOM",), ())


def test_a_region_whose_brackets_say_something_else_stays_the_region() -> None:
    assert countries("Sahel (regional programme)") == (("region:sahel",), ())


def test_an_offer_to_the_sahel_in_french_reads_whole() -> None:
    result = parse_submission(
        "Type : offre\nTitre : t\nPays : pays du Sahel (Niger, Tchad)\n"
        "Domaines : coordination de l'AV\nAssistance : équipements informatiques\n"
        "Langues : français, langues nationales\nDescription : d\n"
    )
    assert result.problems == ()
    assert result.submission.countries == ("NER", "TCD")
    assert result.submission.areas == ("art5.laws_policies_coordination",)
    assert result.submission.assistance == ("material_equipment",)
    assert result.submission.languages == ("fr",)
