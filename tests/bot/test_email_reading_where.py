"""Where the filled template is: the writer's part, below a quote, inside a forward, in en/fr/es;
never the portal's blank templates nor a portal mail that was quoted."""

from __future__ import annotations

from bot.channels.email.reading import read_email
from bot.envelope import Inbound
from bot.parsing.parser import parse_submission


def raw_mail(body: str, subject: str, **headers: str) -> bytes:
    lines = [
        "From: Writer <writer@mission.example>",
        "To: submit@portal.test",
        f"Subject: {subject}",
        "Message-ID: <a1@mission.example>",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def read(body: str, subject: str = "Fwd: portal", **headers: str) -> Inbound:
    return read_email(
        raw_mail(body, subject, **headers), "writer@mission.example", ["submit@portal.test"]
    )


def fields(inbound: Inbound) -> dict[str, str]:
    return parse_submission(inbound.text, inbound.subject).submission.fields


NEED_FR = """\
Type : besoin
Titre : Dépollution des zones à sous-munitions du Borkou
Pays : Tchad
Domaines : dépollution
Assistance : financière
Montant : 800 000 EUR
Description :
Deux équipes de dépollution pendant un an.
"""

OFFER_ES = """\
Tipo: oferta
Título: Cursos de desminado humanitario en el CID de Hoyo de Manzanares
País: Colombia, Perú
Áreas: limpieza
Asistencia: capacitación
Descripción:
Diez plazas por país en los cursos de 2027.
"""

NEED_EN = """\
Type: need
Title: Survey teams for Savannakhet
Country: Lao PDR
Areas: technical survey
Assistance: financial
Amount: USD 250k
Description:
Two survey teams for 2027.
"""

# The portal's help mail as it is quoted: blank templates, then a note for each field.
HELP_QUOTED = """\
To submit a NEED, send this template with NEED as the subject:

Type: need
Title:
Country:
Areas:
Assistance:
Amount:
Period:
Languages:
Reference:
Description:

How to fill in the fields:
- Title: one line.
- Country: for a need, your state (filled in for you).
- Areas: one or more of: clearance, technical survey, risk education.
- Assistance: one or more of: financial, equipment, training.
- Description: as many lines as you need.
"""


def quoted(text: str) -> str:
    return "".join(f"> {line}\n" if line else ">\n" for line in text.splitlines())


def test_outlook_french_forward_with_the_template_right_below_the_header_block() -> None:
    # quotequail reads the template's "Type :"/"Titre :" lines as more header lines: not here
    body = (
        "Bonjour,\n\nVoir ci-dessous le besoin préparé par ma collègue.\n\nCordialement,\n"
        "Antoine Lefèvre\n\n"
        "De : Hélène Garnier <helene.garnier@defense.example>\n"
        "Envoyé : jeudi 26 novembre 2026 18:02\n"
        "À : Antoine Lefèvre <antoine@mission.example>\n"
        "Objet : besoin Tchad - portail\n\n" + NEED_FR + "\nBien cordialement,\nHélène Garnier\n"
    )
    assert read(body, "TR: besoin Tchad - portail").text == NEED_FR


def test_outlook_spanish_forward_with_a_line_of_the_colleague_above_the_template() -> None:
    body = (
        "Buenos días,\n\nReenvío la oferta de la oficina técnica.\n\nSaludos,\nLucía\n\n"
        "De: Pablo Ruiz <pablo.ruiz@cooperacion.example>\n"
        "Enviado el: jueves, 26 de noviembre de 2026 12:40\n"
        "Para: Lucía Fernández <lucia@mission.example>\n"
        "Asunto: Oferta CID\n\n"
        "Lucía, te paso el texto para el portal.\n\n" + OFFER_ES + "\nUn saludo,\nPablo Ruiz\n"
        "Jefe de Área\n"
    )
    inbound = read(body, "RV: Oferta CID")
    assert inbound.text == "Lucía, te paso el texto para el portal.\n\n" + OFFER_ES
    assert fields(inbound)["title"].startswith("Cursos de desminado")


def test_outlook_english_original_message_block() -> None:
    body = (
        "Please publish the need below.\n\n-----Original Message-----\n"
        "From: Vong Saysana <vong@nra.example>\nSent: Friday, November 27, 2026 4:12 PM\n"
        "To: Writer <writer@mission.example>\nSubject: portal text\n\n"
        + NEED_EN
        + "\nBest regards,\nVong Saysana\nDeputy Director\n"
    )
    assert read(body, "FW: portal text").text == NEED_EN


def test_gmail_forwards_in_three_languages() -> None:
    for rule, header in (
        ("---------- Forwarded message ---------", "From: Ana <ana@defensa.example>\nDate: Fri"),
        ("---------- Message transféré ---------", "De : Ana <ana@defensa.example>\nDate : ven."),
        ("---------- Mensaje reenviado ---------", "De: Ana <ana@defensa.example>\nDate: vie"),
    ):
        body = f"FYI\n\n{rule}\n{header}, 27 Nov 2026\nSubject: need\nTo: <w@m.example>\n\n"
        assert read(body + NEED_EN).text == NEED_EN, rule


def test_apple_mail_and_thunderbird_forwards() -> None:
    apple = (
        "Voici l'offre.\n\nDébut du message réexpédié :\n\nDe: Ana <ana@defensa.example>\n"
        "Objet: oferta\nDate: 27 novembre 2026 à 17:20:00 UTC+1\nÀ: Moi <w@m.example>\n\n"
    )
    thunderbird = (
        "Ci-dessous.\n\n-------- Message transféré --------\nSujet : \toferta\n"
        "Date : \tFri, 27 Nov 2026 17:20:00 +0100\nDe : \tAna <ana@defensa.example>\n"
        "Pour : \tMoi <w@m.example>\n\n"
    )
    assert read(apple + OFFER_ES).text == OFFER_ES
    assert read(thunderbird + OFFER_ES).text == OFFER_ES


def test_a_forward_of_a_forward() -> None:
    inner = (
        "De : Ana <ana@defensa.example>\nEnvoyé : jeudi 26 novembre 2026 18:02\n"
        "À : Paul <paul@defensa.example>\nObjet : besoin\n\n" + NEED_FR
    )
    outer = (
        "Pour publication.\n\nDe : Paul <paul@defensa.example>\n"
        "Envoyé : vendredi 27 novembre 2026 09:00\nÀ : Moi <w@m.example>\nObjet : TR: besoin\n\n"
        "Voir plus bas.\n\n" + inner
    )
    assert read(outer).text == NEED_FR


def test_gmail_bottom_posting_in_three_languages() -> None:
    for attribution, template in (
        ("On Mon, 30 Nov 2026 at 11:02, Cooperation Portal <submit@portal.test> wrote:", NEED_EN),
        (
            "Le lun. 30 nov. 2026 à 10:02, Cooperation Portal <submit@portal.test> a écrit :",
            NEED_FR,
        ),
        (
            "El lun, 30 nov 2026 a las 10:02, Portal de Cooperación (<submit@portal.test>) "
            "escribió:",
            OFFER_ES,
        ),
        ("On 30 Nov 2026, at 11:02, Cooperation Portal <submit@portal.test> wrote:", NEED_EN),
        ("Le 30 nov. 2026 à 11:02, Cooperation Portal <submit@portal.test> a écrit :", NEED_FR),
        ("El 30 nov 2026, a las 11:02, Portal <submit@portal.test> escribió:", OFFER_ES),
    ):
        body = f"{attribution}\n{quoted(HELP_QUOTED)}\n{template}\nRegards,\nA. Writer\n"
        inbound = read(body, "Re: help", In_Reply_To="<help.1@portal.test>")
        assert inbound.text == template, attribution
        assert inbound.quoted == f"{attribution}\n{quoted(HELP_QUOTED)}\n"  # not the template


def test_a_filled_template_on_top_of_the_quoted_help_mail_stays_the_one_read() -> None:
    body = (
        NEED_EN + "\nOn Mon, 30 Nov 2026 at 11:02, Cooperation Portal <submit@portal.test> wrote:\n"
    )
    inbound = read(body + quoted(HELP_QUOTED), "Re: help")
    assert inbound.text == NEED_EN
    assert fields(inbound)["title"] == "Survey teams for Savannakhet"


def test_the_portals_blank_templates_are_never_the_submission() -> None:
    # quoted from an address the portal does not know as its own, the notes below the blank
    # templates have values; blank label lines outnumber them
    body = (
        "Thank you, we will send it next week.\n\n"
        "From: Cooperation Portal <help@old-portal.example>\nSent: Monday, November 30, 2026 "
        "11:02 AM\nTo: Writer <writer@mission.example>\nSubject: How to use the portal\n\n"
        + HELP_QUOTED
    )
    inbound = read(body, "RE: How to use the portal")
    assert inbound.text == "Thank you, we will send it next week.\n"
    assert fields(inbound) == {}


def test_a_filled_template_quoted_from_the_portal_is_not_taken() -> None:
    # "OK" to a draft: the draft's template is the portal's, not a new submission
    body = (
        "OK\n\nOn Mon, 30 Nov 2026 at 11:02, Cooperation Portal <submit@portal.test> wrote:\n"
        + quoted("Here is what we understood:\n\n" + NEED_EN)
    )
    assert read(body, "Re: Draft").text == "OK\n"
    forwarded = (
        "Look.\n\nFrom: Cooperation Portal <submit@portal.test>\nSent: Monday, November 30, "
        "2026 11:02 AM\nTo: Writer <writer@mission.example>\nSubject: Draft\n\n" + NEED_EN
    )
    assert read(forwarded, "FW: Draft").text == "Look.\n"


def test_in_a_reply_to_the_portal_a_quote_is_not_looked_into() -> None:
    body = (
        "UPDATE N-2026-0001\nAmount: USD 300k\n\nFrom: Cooperation Portal\nSent: Monday, "
        "November 30, 2026 11:02 AM\nTo: Writer\nSubject: Received: N-2026-0001\n\n" + NEED_EN
    )
    inbound = read(body, "RE: Received", In_Reply_To="<receipt.7@portal.test>")
    assert inbound.text == "UPDATE N-2026-0001\nAmount: USD 300k\n"
