"""HTML-only mail read as text: line structure, label/value tables, bold, entities, quotes."""

from __future__ import annotations

from bot.channels.email.html import html_to_text
from bot.channels.email.reading import read_email
from bot.parsing.parser import parse_submission

# Outlook on the web, HTML only: the template pasted as a two-column table, labels in bold.
OWA_TABLE = """\
<html><head><style>p {margin:0}</style></head><body>
<div style="font-family:Calibri">
<p>Dear Portal team,</p><p>&nbsp;</p>
<p>Please find our offer below.</p>
<table border="1" style="border-collapse:collapse">
<tr><td><p><b>Type</b></p></td><td><p>Offer</p></td></tr>
<tr><td><p><b>Title:</b></p></td><td><p>Quality management advisers for Colombia</p></td></tr>
<tr><td><p><b>Country</b></p></td><td><p>Colombia</p></td></tr>
<tr><td><p><b>Areas</b></p></td><td><p>quality management</p></td></tr>
<tr><td><p><b>Assistance</b></p></td><td><p>technical expertise &amp; training</p></td></tr>
<tr><td><p><b>Description</b></p></td><td><p>Two advisers, part time.</p>
<p>A five-day course for analysts.</p></td></tr>
</table>
<p>Kind regards,<br>Carolina Ben&iacute;tez<br>Programme Officer</p>
</div></body></html>
"""


def test_a_table_of_labels_and_values_becomes_label_value_lines() -> None:
    assert html_to_text(OWA_TABLE) == (
        "Dear Portal team,\n\n"
        "Please find our offer below.\n\n"
        "Type: Offer\n"
        "Title: Quality management advisers for Colombia\n"
        "Country: Colombia\n"
        "Areas: quality management\n"
        "Assistance: technical expertise & training\n"
        "Description: Two advisers, part time.\n"
        "A five-day course for analysts.\n\n"
        "Kind regards,\nCarolina Benítez\nProgramme Officer\n"
    )


def test_paragraphs_line_breaks_lists_and_bold_keep_their_lines() -> None:
    markup = (
        "<p><strong>Titre&nbsp;:</strong> Enqu&ecirc;te technique</p>"
        "<div>Domaines :<br>- d&eacute;pollution<br>- enqu&ecirc;te</div>"
        "<ul><li>premier</li><li>second</li></ul>"
    )
    lines = [line.strip() for line in html_to_text(markup).splitlines() if line.strip()]
    assert lines == [
        "Titre : Enquête technique",
        "Domaines :",
        "- dépollution",
        "- enquête",
        "* premier",
        "* second",
    ]


def test_a_table_of_more_than_two_columns_is_not_made_into_labels() -> None:
    markup = "<table><tr><td>Year</td><td>Teams</td><td>Cost</td></tr>" + (
        "<tr><td>2027</td><td>4</td><td>1m</td></tr></table>"
    )
    assert ":" not in html_to_text(markup)


def test_a_blockquote_is_quoted_with_marks_and_the_text_below_it_is_the_template() -> None:
    markup = (
        "<div>On Mon, 30 Nov 2026 at 11:02, Cooperation Portal &lt;submit@portal.test&gt; "
        "wrote:</div><blockquote><div>Type: need</div><div>Title: &lt;one line&gt;</div>"
        "<blockquote><div>older</div></blockquote></blockquote>"
        "<div>Type: need</div><div>Title: Survey in Salavan</div><div>Country: Lao PDR</div>"
        "<div>Areas: technical survey</div><div>Description:</div><div>Two teams.</div>"
    )
    assert html_to_text(markup).splitlines()[1:4] == [
        "> Type: need",
        "> Title: <one line>",
        "> > older",
    ]
    raw = (
        "From: Vong <vong@nra.example>\r\nTo: submit@portal.test\r\nSubject: Re: help\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + markup
    ).encode()
    inbound = read_email(raw, "vong@nra.example", ["submit@portal.test"])
    fields = parse_submission(inbound.text, inbound.subject).submission.fields
    assert (fields["title"], fields["description"]) == ("Survey in Salavan", "Two teams.")


def test_html_only_mail_with_a_table_is_read_as_a_template() -> None:
    raw = (
        "From: Carolina <carolina@unmas.example>\r\nTo: submit@portal.test\r\nSubject: Offer\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + OWA_TABLE
    ).encode()
    inbound = read_email(raw, "carolina@unmas.example", ["submit@portal.test"])
    result = parse_submission(inbound.text, inbound.subject)
    assert result.submission.title == "Quality management advisers for Colombia"
    assert result.submission.description == (
        "Two advisers, part time.\nA five-day course for analysts."
    )
    assert result.ok


def test_empty_or_unreadable_html_is_no_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("   ") == ""
    assert html_to_text("<?xml version='1.0'?>") == ""


def test_an_outlook_web_html_forward_with_the_template_as_a_table() -> None:
    forwarded = OWA_TABLE.replace("<html><head><style>p {margin:0}</style></head><body>", "")
    markup = (
        "<html><body><div><p>Pour publication, merci.</p><p>Pieter</p></div>"
        '<div style="border-top:solid #E1E1E1 1.0pt"><p><b>De&nbsp;:</b> Anne Dubois '
        "&lt;anne.dubois@diplomatie.example&gt;<br><b>Envoyé&nbsp;:</b> jeudi 26 novembre 2026 "
        "18:02<br><b>À&nbsp;:</b> Pieter &lt;pieter@diplomatie.example&gt;<br>"
        "<b>Objet&nbsp;:</b> offre</p></div>" + forwarded
    )
    raw = (
        "From: Pieter <pieter@diplomatie.example>\r\nTo: submit@portal.test\r\n"
        "Subject: TR: offre\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8"
        "\r\n\r\n" + markup
    ).encode()
    inbound = read_email(raw, "pieter@diplomatie.example", ["submit@portal.test"])
    result = parse_submission(inbound.text, inbound.subject)
    assert inbound.text.startswith("Dear Portal team,\n")
    assert result.submission.title == "Quality management advisers for Colombia"
    assert result.ok
