"""Labels as people type them: any case or separator, bullets, bold, numbers, synonyms, en/fr/es."""

import pytest

from bot.parsing.label_line import split_label
from bot.parsing.parser import parse_submission
from bot.parsing.template import field_of, read_fields

LINE_FORMS = [
    "Title: Survey teams",
    "TITLE: Survey teams",
    "title : Survey teams",
    "Title - Survey teams",
    "Title – Survey teams",
    "Title — Survey teams",
    "Title = Survey teams",
    "Title=Survey teams",
    "Title\tSurvey teams",
    "Title- Survey teams",
    "- Title: Survey teams",
    "• Title: Survey teams",
    "* Title: Survey teams",
    "· Title: Survey teams",
    "– Title: Survey teams",
    "**Title:** Survey teams",
    "**Title**: Survey teams",
    "*Title*: Survey teams",
    "__Title__: Survey teams",
    "**Title: Survey teams**",
    "1. Title: Survey teams",
    "1) Title: Survey teams",
    "(1) Title: Survey teams",
    "a) Title: Survey teams",
    "B. Title: Survey teams",
    "3 - Title: Survey teams",
    "12. Title: Survey teams",
    "  - 2. **Title:** Survey teams",
]


@pytest.mark.parametrize("line", LINE_FORMS)
def test_every_way_of_typing_a_label_reads_the_same(line: str) -> None:
    assert split_label(line, field_of) == ("title", "Survey teams")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # French: a space before the colon, numbered lines, labels of the other languages
        ("Titre : Dépollution", ("title", "Dépollution")),
        ("1) Titre : Dépollution", ("title", "Dépollution")),
        ("Intitulé du projet : Dépollution", ("title", "Dépollution")),
        ("Objet : Dépollution", ("subject", "Dépollution")),
        ("Pays bénéficiaire(s) : Tchad", ("country", "Tchad")),
        ("Pays concernés : Tchad", ("country", "Tchad")),
        ("Domaines d'intervention : dépollution", ("areas", "dépollution")),
        ("Secteur : dépollution", ("areas", "dépollution")),
        ("Type d'appui : financier", ("assistance", "financier")),
        ("Modalités : financier", ("assistance", "financier")),
        ("Coût estimé : 200 000 €", ("amount", "200 000 €")),
        ("Montant estimé : 200 000 €", ("amount", "200 000 €")),
        ("Durée : 2027", ("period", "2027")),
        ("Calendrier : 2027", ("period", "2027")),
        ("Date(s) : 2027", ("period", "2027")),
        ("Contexte : Zones contaminées", ("description", "Zones contaminées")),
        ("Nature : besoin", ("type", "besoin")),
        # Spanish
        ("Título : Despeje", ("title", "Despeje")),
        ("a) Título: Despeje", ("title", "Despeje")),
        ("Nombre del proyecto: Despeje", ("title", "Despeje")),
        ("Asunto: Despeje", ("subject", "Despeje")),
        ("País(es) beneficiario(s): Perú", ("country", "Perú")),
        ("Países destinatarios: Perú", ("country", "Perú")),
        ("Ámbitos: limpieza", ("areas", "limpieza")),
        ("ÁMBITO(S) = limpieza", ("areas", "limpieza")),
        ("Áreas temáticas: limpieza", ("areas", "limpieza")),
        ("Tipo de apoyo: financiera", ("assistance", "financiera")),
        ("Modalidad: financiera", ("assistance", "financiera")),
        ("Presupuesto: USD 90.000", ("amount", "USD 90.000")),
        ("Costo estimado: USD 90.000", ("amount", "USD 90.000")),
        ("Monto estimado: USD 90.000", ("amount", "USD 90.000")),
        ("Plazo: 2027", ("period", "2027")),
        ("Duración: 2027", ("period", "2027")),
        ("Cronograma: 2027", ("period", "2027")),
        ("Antecedentes: Zonas contaminadas", ("description", "Zonas contaminadas")),
        # English synonyms
        ("Subject: Survey", ("subject", "Survey")),
        ("Project title: Survey", ("title", "Survey")),
        ("Budget: USD 90,000", ("amount", "USD 90,000")),
        ("Estimated cost: USD 90,000", ("amount", "USD 90,000")),
        ("Timeframe: 2027", ("period", "2027")),
        ("Duration: 2027", ("period", "2027")),
        ("Dates: 2027", ("period", "2027")),
        ("Sector: clearance", ("areas", "clearance")),
        ("Thematic area(s): clearance", ("areas", "clearance")),
        ("Type of support: financial", ("assistance", "financial")),
        ("Beneficiary country: Peru", ("country", "Peru")),
        ("Recipient countries: Peru", ("country", "Peru")),
        ("Where: Peru", ("country", "Peru")),
        ("Location: Peru", ("country", "Peru")),
        ("Background: Contaminated land", ("description", "Contaminated land")),
        ("Justification: Contaminated land", ("description", "Contaminated land")),
    ],
)
def test_labels_and_their_synonyms_in_three_languages(line: str, expected: tuple[str, str]) -> None:
    assert split_label(line, field_of) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Type of support we seek is: financial",  # prose: the words before the colon are no label
        "Type of support we need from donors",  # a label is followed by a separator
        "Description",  # a label alone is a heading, not a label line
        "Colombia Ámbitos: limpieza",  # a label in the middle of a line
        "Non-technical survey is done",  # a hyphen inside a word separates nothing
        "Mine action: a long history of cooperation",
        "2027 - the year we start",
    ],
)
def test_no_label_is_read_from_prose_or_the_middle_of_a_line(line: str) -> None:
    assert split_label(line, field_of) is None


@pytest.mark.parametrize(
    ("text", "country", "areas"),
    [
        ("País: Colombia\nÁmbitos: limpieza, señalización\n", "Colombia", "limpieza, señalización"),
        ("Pays : Tchad\nSecteur : dépollution\n", "Tchad", "dépollution"),
        ("Country: Peru\nSector: clearance\n", "Peru", "clearance"),
        ("- País: Chile\n- **Ámbitos:** limpieza\n", "Chile", "limpieza"),
    ],
)
def test_a_label_at_the_start_of_the_next_line_ends_the_previous_value(
    text: str, country: str, areas: str
) -> None:
    fields, repeated = read_fields(text)
    assert (fields, repeated) == ({"country": country, "areas": areas}, [])


def test_a_label_inside_a_value_line_is_part_of_the_value() -> None:
    fields, _ = read_fields("Country: Peru Areas: clearance\n")
    assert fields == {"country": "Peru Areas: clearance"}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "1. Type: offer\n2. Title: IMSMA courses\n3. Country: any\n4. Sector: IM\n"
            "5. Assistance: training\n6. Amount: –\n7. Dates: 2027\n"
            "8. Description:\nTwo courses.\n",
            "en",
        ),
        (
            "1) Type : offre\n2) Titre : Cours IMSMA\n3) Pays : tous\n4) Domaines : GI\n"
            "5) Type d'appui : formation\n6) Montant : –\n7) Période : 2027\n"
            "8) Description :\nDeux cours.\n",
            "fr",
        ),
        (
            "a) Tipo: oferta\nb) Título: Cursos IMSMA\nc) País: todos\nd) Ámbitos: GI\n"
            "e) Tipo de apoyo: capacitación\nf) Monto: –\ng) Período: 2027\n"
            "h) Descripción:\nDos cursos.\n",
            "es",
        ),
    ],
)
def test_a_numbered_template_is_a_submission(text: str, lang: str) -> None:
    result = parse_submission(text)
    assert result.problems == (), lang
    submission = result.submission
    assert (submission.kind, submission.countries, submission.areas) == (
        "offer",
        ("any",),
        ("cross.information_management",),
    )
    assert (submission.assistance, submission.amount) == (("training_capacity_development",), None)


@pytest.mark.parametrize(
    ("labels", "lang"),
    [
        (("Tipo", "Título", "País", "Ámbitos", "Asistencia", "Descripción"), "es labels"),
        (("Type", "Titre", "Pays", "Domaines", "Assistance", "Description"), "fr labels"),
        (("Kind", "Title", "Country", "Areas", "Assistance", "Details"), "en labels"),
    ],
)
def test_labels_of_any_language_whatever_the_message_language(
    labels: tuple[str, ...], lang: str
) -> None:
    kind, title, country, areas, assistance, description = labels
    result = parse_submission(
        f"{kind}: need\n{title}: Clearance in Cauca\n{country}: Colombia\n"
        f"{areas}: clearance\n{assistance}: financial\n{description}: Two teams.\n"
    )
    assert result.problems == (), lang
    assert (result.submission.countries, result.submission.areas) == (
        ("COL",),
        ("art4.clearance",),
    )


@pytest.mark.parametrize(
    "header",
    [
        "From: Ana Ruiz <ana@example.org>\nSent: Monday, 30 November 2026 10:02\n"
        "To: Portal\nSubject: Need from Peru\n",
        "De : Ana Ruiz <ana@example.org>\nEnvoyé : lundi 30 novembre 2026 10:02\n"
        "À : Portail\nObjet : Besoin du Pérou\n",
        "De: Ana Ruiz <ana@example.org>\nEnviado el: lunes, 30 de noviembre de 2026 10:02\n"
        "Para: Portal\nAsunto: Necesidad del Perú\n",
    ],
)
def test_the_subject_of_a_mail_header_block_is_no_title(header: str) -> None:
    fields, repeated = read_fields(f"{header}\nType: need\nSubject: Clearance in Puno\n")
    assert (fields, repeated) == ({"type": "need", "title": "Clearance in Puno"}, [])


def test_a_label_alone_on_its_line_heads_the_text_below_it() -> None:
    fields, _ = read_fields(
        "Title\tSurvey in Tuzla\nReference\tNational strategy\nDescription\nTwelve sites.\n"
    )
    assert fields == {
        "title": "Survey in Tuzla",
        "reference": "National strategy",
        "description": "Twelve sites.",
    }


def test_a_description_keeps_its_own_objective_and_context_lines() -> None:
    fields, repeated = read_fields(
        "Title: t\nDescription: Two teams.\nObjective: release 600 ha.\nContext: former front.\n"
    )
    assert repeated == []
    assert fields["description"] == "Two teams.\nObjective: release 600 ha.\nContext: former front."


@pytest.mark.parametrize("placeholder", ["–", "-", "n/a", "N/A", "…", "<amount>"])
def test_a_placeholder_is_an_empty_value(placeholder: str) -> None:
    fields, _ = read_fields(f"Title: t\nAmount: {placeholder}\n")
    assert fields == {"title": "t", "amount": ""}


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Title: Survey teams\nFocal point: Ana Ruiz\nCountry: Peru\n", "Survey teams"),
        ("Titre : Enquête\nPersonne de contact : Ana Ruiz\nPays : Pérou\n", "Enquête"),
        ("Título: Estudio\nPersona de contacto: Ana Ruiz\nPaís: Perú\n", "Estudio"),
        ("Title: Survey\n  in two districts\nTel.: +51 1 000 0000\n", "Survey in two districts"),
    ],
)
def test_a_line_with_a_label_we_do_not_know_ends_a_one_line_field(text: str, title: str) -> None:
    fields, _ = read_fields(text)
    assert fields["title"] == title


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("Start date: 2027-03", "End date: 2028-02"),
        ("Date de début : 2027-03", "Date de fin : 2028-02"),
        ("Fecha de inicio: 2027-03", "Fecha de finalización: 2028-02"),
    ],
)
def test_a_start_and_an_end_date_are_one_period(start: str, end: str) -> None:
    fields, repeated = read_fields(f"Title: t\n{start}\n{end}\n")
    assert (fields, repeated) == ({"title": "t", "period": "2027-03 to 2028-02"}, [])


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Amount (optional): 250k USD", ("amount", "250k USD")),
        ("Montant (facultatif) : 250k USD", ("amount", "250k USD")),
        ("Monto (opcional): 250k USD", ("amount", "250k USD")),
        ("Country (or region): Peru", ("country", "Peru")),
    ],
)
def test_a_label_with_a_note_in_brackets(line: str, expected: tuple[str, str]) -> None:
    assert split_label(line, field_of) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Type| offre  ", ("type", "offre")),  # a table row as html2text writes it
        ("| Titre | Enquête technique |", ("title", "Enquête technique")),
        ("|Título|Estudio técnico|", ("title", "Estudio técnico")),
        ("Titre / Title : Enquête", ("title", "Enquête")),
        ("Dates/Period: 2027", ("period", "2027")),
        ("Fechas / Período: 2027", ("period", "2027")),
        ("## Title: Survey", ("title", "Survey")),
    ],
)
def test_table_rows_headings_and_labels_in_two_languages(
    line: str, expected: tuple[str, str]
) -> None:
    assert split_label(line, field_of) == expected


def test_labels_that_name_two_fields_are_no_label() -> None:
    assert split_label("Country/Areas: Peru", field_of) is None


@pytest.mark.parametrize(
    ("line", "amount"),
    [
        ("Amount (USD): 250,000", "250,000 USD"),
        ("Montant (€) : 250 000", "250 000 €"),
        ("Presupuesto (EUR): 1,5 millones", "1,5 millones EUR"),
        ("Budget (USD): EUR 90,000", "EUR 90,000"),  # the value names its own currency
        ("Estimated budget (in USD): 90,000", "90,000 USD"),
        ("Amount (est.): 90,000", "90,000"),
        ("Amount (optional): 250k USD", "250k USD"),
    ],
)
def test_the_currency_in_an_amount_label_goes_with_the_number(line: str, amount: str) -> None:
    assert read_fields(line) == ({"amount": amount}, [])


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("Title of the project", "title"),
        ("Brief description of the need", "description"),
        ("Amount requested from donors", "amount"),
        ("Country(ies)", "country"),
        ("Description de la demande", "description"),
        ("Montant de la contribution", "amount"),
        ("Nature de l'appui", "assistance"),
        ("Descripción de la necesidad", "description"),
        ("Período de ejecución del proyecto", "period"),
        ("Idiomas de trabajo del equipo", "languages"),
    ],
)
def test_a_label_a_qualifier_follows_names_its_field(label: str, field: str) -> None:
    assert field_of(label) == field


@pytest.mark.parametrize(
    "label", ["Type of activity", "Country of origin", "Date of submission", "Tipo de intervención"]
)
def test_labels_whose_qualifier_changes_their_meaning_are_no_label(label: str) -> None:
    assert field_of(label) is None


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "Type: offer\nSubject: EOD courses\nCountry: Chad\n",
            {"type": "offer", "title": "EOD courses", "country": "Chad"},
        ),
        ("Type : offre\nObjet : Cours NEDEX\n", {"type": "offre", "title": "Cours NEDEX"}),
        (
            "Tipo: oferta\nAsunto: Cursos EOD\nTítulo: Cursos de desminado\n",
            {"type": "oferta", "title": "Cursos de desminado"},
        ),
        ("Objet : demande d'appui\n\nMadame, Monsieur,\nNous sollicitons…\n", {}),
        ("Asunto: solicitud de apoyo\n\nEstimados señores:\nLes escribimos…\n", {}),
        ("Subject: request for support\n\nDear colleagues,\nWe need two teams…\n", {}),
    ],
)
def test_a_subject_line_is_the_title_of_a_template_never_a_template_alone(
    text: str, fields: dict[str, str]
) -> None:
    assert read_fields(text) == (fields, [])
