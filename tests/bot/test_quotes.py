"""strip_quoted: every client's quote header and signature, in en/fr/es, and what must stay."""

from __future__ import annotations

import pytest

from bot.channels.email.quotes import split_quoted, strip_quoted

EN = """\
Type: need
Title: Technical survey teams for Savannakhet
Amount: 250k USD
Description:
Six technical survey teams for twelve months.
"""
FR = """\
Type : besoin
Titre : Réadaptation physique en Casamance
Montant : 350 000 €
Description :
Équipement de l'atelier orthopédique de Ziguinchor.
"""
ES = """\
Tipo: necesidad
Título: Rehabilitación física en Nariño
Monto: USD 480.000
Descripción:
Dos unidades móviles de rehabilitación.
"""
OLD = "Type: need\nTitle: The old title\nAmount: 1 USD\nDescription:\nThe old text.\n"
QUOTED_OLD = "".join(f"> {line}\n" for line in OLD.splitlines())

HEADERS = {
    "gmail en-GB": (EN, "On Mon, 3 Mar 2025 at 10:15, Ana Pérez <ana@x.example> wrote:\n"),
    "gmail en-US": (EN, "On Mon, Mar 3, 2025 at 10:15 AM Ana Pérez <ana@x.example> wrote:\n"),
    "gmail en wrapped": (
        EN,
        "On Mon, 3 Mar 2025 at 10:15, Cooperation Portal of the CCM <\n"
        "submit@portal.test> wrote:\n",
    ),
    "gmail en wrapped before wrote": (
        EN,
        "On Mon, 3 Mar 2025 at 10:15, Cooperation Portal of the CCM <submit@portal.test>\nwrote:\n",
    ),
    "gmail fr": (FR, "Le lun. 3 mars 2025 à 10:15, Nom <a@b.example> a écrit :\n"),
    "gmail fr wrapped": (
        FR,
        "Le lun. 3 mars 2025 à 10:15, Marie Dupont <marie.dupont@diplomatie.example> a\nécrit :\n",
    ),
    "gmail es": (ES, "El lun, 3 mar 2025 a las 10:15, Ana Pérez (<ana@x.example>) escribió:\n"),
    "gmail es wrapped": (
        ES,
        "El lun, 3 mar 2025 a las 10:15, Ana Pérez (<\nana@x.example>) escribió:\n",
    ),
    "apple mail en": (EN, "On 3 Mar 2025, at 10:15, Name <a@b.example> wrote:\n\n"),
    "apple mail fr": (FR, "Le 3 mars 2025 à 10:15, Nom <a@b.example> a écrit :\n\n"),
    "apple mail es": (ES, "El 3 mar 2025, a las 10:15, Nombre <a@b.example> escribió:\n\n"),
    "iphone quoted attribution": (
        EN,
        "> On 3 Mar 2025, at 10:15, Name <a@b.example> wrote:\n> \n> \ufeffHello\n",
    ),
    "thunderbird en": (EN, "On 03/03/2025 10:15, Name wrote:\n"),
    "thunderbird fr": (FR, "Le 03/03/2025 à 10:15, Nom a écrit :\n"),
    "thunderbird es": (ES, "El 3/3/25 a las 10:15, Nombre escribió:\n"),
    "thunderbird de": (EN, "Am 03.03.2025 um 10:15 schrieb Name <a@b.example>:\n"),
    "outlook rule en": (EN, "-----Original Message-----\nFrom: Portal <submit@portal.test>\n"),
    "outlook rule fr": (FR, "-----Message d'origine-----\nDe : Portail <submit@portal.test>\n"),
    "outlook rule es": (ES, "-----Mensaje original-----\nDe: Portal <submit@portal.test>\n"),
    "zimbra fr": (
        FR,
        '----- Mail original -----\nDe: "ISU" <isu@ccm.example>\nÀ: "jc" <jc@x.example>\n'
        "Envoyé: Lundi 3 Mars 2025 10:15:00\nObjet: Appel 2027\n\n",
    ),
    "outlook block en": (
        EN,
        "From: Cooperation Portal <submit@portal.test>\nSent: Monday, March 3, 2025 10:15 AM\n"
        "To: Vong Saysana <vong@nra.example>\nSubject: Received: N-2026-0001\n\n",
    ),
    "outlook block en after a rule": (
        EN,
        "________________________________\nFrom: Cooperation Portal <submit@portal.test>\n"
        "Sent: Monday, March 3, 2025 10:15 AM\nTo: Vong <vong@nra.example>\n"
        "Cc: ISU <isu@ccm.example>\nSubject: Received: N-2026-0001\n\n",
    ),
    "outlook block fr": (
        FR,
        "De : Portail <submit@portal.test>\nEnvoyé : lundi 3 mars 2025 10:15\n"
        "À : Joseph Ndiaye <j.ndiaye@cnams.example>\nObjet : Reçu : N-2026-0001\n\n",
    ),
    "outlook block fr with no-break spaces": (
        FR,
        "De\u00a0: Portail <submit@portal.test>\nEnvoyé\u00a0: lundi 3 mars 2025 10:15\n"
        "À\u00a0: Joseph Ndiaye <j.ndiaye@cnams.example>\nObjet\u00a0: Reçu\n\n",
    ),
    "outlook block es": (
        ES,
        "De: Portal <submit@portal.test>\nEnviado el: lunes, 3 de marzo de 2025 10:15\n"
        "Para: Ana Pérez <ana.perez@cancilleria.example>\nAsunto: Recibido: N-2026-0001\n\n",
    ),
    "new outlook block": (
        EN,
        "From: Cooperation Portal <submit@portal.test>\n"
        "Date: Monday, 3 March 2025 at 10:15\nTo: Vong <vong@nra.example>\n"
        "Subject: Received: N-2026-0001\n\n",
    ),
    "bare quote": (EN, ""),
}


@pytest.mark.parametrize(("new", "header"), HEADERS.values(), ids=HEADERS.keys())
def test_a_reply_above_a_quoted_template_keeps_only_the_new_text(new: str, header: str) -> None:
    assert strip_quoted(f"{new}\n{header}{QUOTED_OLD}") == new


UNMARKED = {name: case for name, case in HEADERS.items() if case[1]}  # Outlook does not mark


@pytest.mark.parametrize(("new", "header"), UNMARKED.values(), ids=UNMARKED.keys())
def test_a_template_quoted_without_marks_is_cut_at_its_header(new: str, header: str) -> None:
    assert strip_quoted(f"{new}\n{header}{OLD}") == new


SIGNATURES = {
    "dash-dash-space": (EN, "-- \nVong Saysana\nNRA, Vientiane\n"),
    "sent from my iphone": (EN, "Sent from my iPhone\n"),
    "sent from my ipad": (EN, "Sent from my iPad\n"),
    "envoyé de mon iphone": (FR, "Envoyé de mon iPhone\n"),
    "enviado desde mi iphone": (ES, "Enviado desde mi iPhone\n"),
    "get outlook for ios": (EN, "Get Outlook for iOS<https://aka.ms/o0ukef>\n"),
    "get outlook for android": (EN, "Get Outlook for Android\n"),
    "best regards": (EN, "Best regards,\nVong Saysana\nTel: +856 21 244 000\n"),
    "kind regards": (EN, "Kind regards,\n\nRana Haddad\nLMAC\n"),
    "cordialement": (FR, "Cordialement,\n\nJoseph Ndiaye\n"),
    "bien cordialement": (FR, "Bien cordialement,\nJean-Claude Mbuyi\n"),
    "meilleures salutations": (FR, "Meilleures salutations,\nClaire Müller\n"),
    "saludos": (ES, "Saludos,\nAna Pérez\n"),
    "saludos cordiales": (ES, "Saludos cordiales,\n\nLuis García\n"),
    "atentamente": (ES, "Atentamente,\nAna Pérez\n"),
    "mit freundlichen grüßen": (EN, "Mit freundlichen Grüßen / Best regards\nThomas Becker\n"),
}


@pytest.mark.parametrize(("new", "signature"), SIGNATURES.values(), ids=SIGNATURES.keys())
def test_a_signature_is_cut(new: str, signature: str) -> None:
    assert strip_quoted(f"{new}\n{signature}") == new


@pytest.mark.parametrize(("new", "signature"), SIGNATURES.values(), ids=SIGNATURES.keys())
def test_a_signature_above_a_quote_is_cut(new: str, signature: str) -> None:
    quote = "On Mon, 3 Mar 2025 at 10:15, Portal <submit@portal.test> wrote:\n" + QUOTED_OLD
    assert strip_quoted(f"{new}\n{signature}\n{quote}") == new


UNCHANGED = {
    "english template": EN,
    "french template": FR,
    "spanish template": ES,
    "no final newline": EN.rstrip("\n"),
    "no-break spaces before colons": FR.replace(" :", "\u00a0:"),
    "a bulleted list": "Type: offer\nAreas:\n- technical survey\n- clearance\nDescription:\nx\n",
    "header-like words in the description": (
        EN + "Subject: land release in two districts.\nDate: 2027-01-15 08:30 at the NRA.\n"
        "To: the provincial teams.\nCc: the UNDP office.\n"
    ),
    "a memo heading without a sent time": (
        "From: Lao NRA\nDate: 3 March 2025\nSubject: Survey teams\n\n" + EN
    ),
    "a greeting with a closing word before the template": (
        "Dear colleagues,\n\nThank you, please find our need below.\n\n" + EN
    ),
    "thanks before the template": "Hello,\nThanks,\n\n" + EN,
    "an on-behalf-of line": "On behalf of: Ministry of Foreign Affairs, 3 March 2025\n" + EN,
    "a sentence about a letter": FR + "Le 3 mars 2025, le CNAMS a écrit au ministère :\n- x\n",
    "a rule inside the description": EN + "----------\nA second part.\n",
    "an indented description": EN + "    - 6 teams\n    - 12 months\n",
    "a greater-than sign inside a line": EN.replace("250k USD", "> 200k USD"),
    "a plain sentence": "Please send me the templates.\n",
    "nothing": "",
}


@pytest.mark.parametrize("text", UNCHANGED.values(), ids=UNCHANGED.keys())
def test_a_body_without_quote_or_signature_comes_back_unchanged(text: str) -> None:
    assert strip_quoted(text) == text


def test_the_new_text_keeps_its_own_lines_as_written() -> None:
    new = "  Type: need\nDescription:\n    indented line  \n"
    quote = "On Mon, 3 Mar 2025 at 10:15, Portal <submit@portal.test> wrote:\n" + QUOTED_OLD
    assert strip_quoted(f"{new}\n{quote}") == new


def test_a_message_that_is_all_quote_leaves_nothing() -> None:
    quote = "On Mon, 3 Mar 2025 at 10:15, Portal <submit@portal.test> wrote:\n" + QUOTED_OLD
    assert strip_quoted(quote) == ""


@pytest.mark.parametrize(
    "opening",
    [
        "Cordial saludo,",
        "Un cordial saludo.",
        "Best regards,",
        "Bien cordialement,",
        "Atentamente:",
    ],
)
def test_a_closing_word_that_opens_the_letter_is_a_greeting(opening: str) -> None:
    text = (
        f"{opening}\n\nLa Gobernación requiere apoyo para educación en el riesgo en 2027.\n\nAna\n"
    )
    own, quoted = split_quoted(text)
    assert own.startswith(f"{opening}\n\nLa Gobernación requiere apoyo")
    assert quoted == ""
