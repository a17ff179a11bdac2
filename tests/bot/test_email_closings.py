"""Closings, signatures, "sent from my phone", disclaimers and banners stay out of descriptions."""

from __future__ import annotations

import pytest

from bot.channels.email.closings import without_closings

TEMPLATE = """\
Type: need
Title: Clearance in Borkou
Description:
Two teams for a year.
Thanks to the 2026 survey, the areas are known.
"""


@pytest.mark.parametrize(
    "signature",
    [
        "Best,\nTom Whitfield\nRegional Technical Advisor\nThe HALO Trust",
        "Cheers,\nTom",
        "Kind regards\n\nLina Haddad | Country Director",
        "Cordialement,\nHélène Garnier\nCheffe de bureau\nDirection de la coopération",
        "Bien à vous,\nPieter",
        "Meilleures salutations\nSophie",
        "Saludos,\nCamila Rojas\nAsesora de Programas",
        "Un cordial saludo,\nLucía",
        "Atentamente,\n\nEl Director",
        "Thank you for your kind consideration.\n\nM. Ahmadzai\nKabul",
        "Cordially,\nAndrea Rojas",
        "Avec mes meilleures salutations\n\nNicolas Favre\nSection politique de sécurité",
        "Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.\n\nLaura",
        "Merci et bonne journée\nLt-col. G. Khoury",
        "Met vriendelijke groet / Cordialement,\nBart\nAPOPO",
        "La Mission saisit cette occasion pour renouveler l'assurance de sa haute considération.",
        "The Permanent Mission avails itself of this opportunity to renew the assurances of its"
        " highest consideration.",
        "La Misión Permanente aprovecha la oportunidad para reiterar las seguridades de su más alta"
        " consideración.",
        "Quedo atenta a cualquier inquietud.",
        "Quedamos atentos.\n\nValentina Ortiz\nCoordinadora de Proyectos",
        "Sent from my iPhone",
        "Envoyé de mon iPad",
        "Enviado desde mi Samsung Galaxy",
        "Get Outlook for Android",
        "Obtener Outlook para iOS",
    ],
)
def test_a_closing_and_what_follows_are_removed(signature: str) -> None:
    assert without_closings(f"{TEMPLATE}\n{signature}\n") == TEMPLATE


@pytest.mark.parametrize(
    "disclaimer",
    [
        "This e-mail and any attachments are confidential and intended solely for the addressee.",
        "CONFIDENTIALITY NOTICE: This e-mail, including any attachments, is intended only for",
        "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention"
        " exclusive de ses destinataires.",
        "Este mensaje y sus anexos son confidenciales y están dirigidos exclusivamente a sus"
        " destinatarios.",
        "AVISO DE CONFIDENCIALIDAD: la información contenida en este correo es reservada.",
    ],
)
def test_a_disclaimer_is_removed_with_the_signature_before_it(disclaimer: str) -> None:
    text = f"{TEMPLATE}\nRegards,\nLina\n\n{disclaimer}\nIf you received it in error, delete it.\n"
    assert without_closings(text) == TEMPLATE
    assert without_closings(f"{TEMPLATE}\n{disclaimer}\n") == TEMPLATE


def test_banners_and_print_notes_go_wherever_they_are() -> None:
    text = (
        "[EXTERNAL] Type: need\n"
        "CAUTION: This email originated from outside of the organization.\n"
        "Title: Clearance in Borkou\n"
        "Description:\nTwo teams for a year.\nThanks to the 2026 survey, the areas are known.\n"
        "Please consider the environment before printing this e-mail.\n"
        "Pensez à l'environnement avant d'imprimer ce message.\n"
        "Antes de imprimir este mensaje, piense en el medio ambiente.\n"
    )
    assert without_closings(text) == TEMPLATE


def test_the_description_keeps_its_own_lines() -> None:
    text = TEMPLATE + "Thank you.\n" + "\n".join(f"Line {n} of the plan." for n in range(12))
    assert without_closings(text) == text  # "Thank you." with the plan's lines below it
    assert without_closings(TEMPLATE) == TEMPLATE


def test_prose_keeps_a_thanks_it_starts_with_and_loses_its_closing() -> None:
    prose = "Thank you!\n\nWe need two survey teams for Savannakhet next year.\n"
    assert without_closings(prose + "\nBest regards,\nVong\n") == prose
