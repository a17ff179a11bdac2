"""Remove closings, signatures, "sent from my phone" lines, disclaimers and banners from a text."""

from __future__ import annotations

import re

from bot.channels.email.labels import last_label_line

_CLOSING = re.compile(
    r"^\s*(?:[^/]{1,40}/\s*)?"  # the same closing in the writer's own language first
    r"(?:(?:with\s+)?(?:best|kind|warm|warmest|many)?\s*(?:regards|wishes|thanks)"
    r"|best|cheers|cordially|thanks(?:\s+(?:a lot|again|in advance))?"
    r"|thank\s+you(?:\s+(?:very\s+much|again|in\s+advance|for\s+your(?:\s+\w+){1,2}))?"
    r"|(?:yours\s+)?(?:sincerely|faithfully|truly)|all\s+the\s+best|respectfully"
    r"|(?:bien|très|trés)?\s*cordialement|bien\s+à\s+(?:vous|toi)|amicalement|amitiés"
    r"|(?:avec\s+(?:mes|nos)\s+)?(?:(?:meilleures|sincères|cordiales|bien\s+cordiales)\s+)?"
    r"salutations(?:\s+\w+)?"
    r"|merci(?:\s+(?:beaucoup|d'avance|par\s+avance|bien))?(?:\s+et\s+bonne\s+\w+(?:\s+\w+)?)?"
    r"|bonne\s+(?:journée|soirée)|respectueusement"
    r"|(?:veuillez|je\s+vous\s+prie\s+d')\s*agréer\b.*"
    r"|(?:un\s+|muy\s+)?(?:cordial(?:es)?\s+)?saludos?(?:\s+cordiales)?"
    r"|reciba\s+un\s+(?:cordial\s+)?saludo|atentamente|(?:muchas\s+)?gracias(?:\s+de\s+antemano)?"
    r"|un\s+abrazo|afectuosamente|(?:quedo|quedamos)\s+(?:atent[oa]s?|a\s+(?:su|la)\s+disposición"
    r"|pendientes?)\b.{0,60}"
    r"|atenciosamente|cumprimentos|com\s+os\s+melhores\s+cumprimentos"
    r"|.{0,60}\b(?:saisit\s+cette\s+occasion|avails\s+itself\s+of\s+this\s+opportunity"
    r"|aprovecha\s+(?:la|esta)\s+oportunidad)\b.*)"
    r"[\s,.!…-]*$",
    re.I,
)
_SENT_FROM = re.compile(
    r"^\s*(?:(?:Sent|Envoyé|Enviado)\s+(?:from|de|depuis|desde|à\s+partir\s+de)\s+(?:my|mon|ma|mi)?"
    r"|(?:Get|Obtenir|Obtener|Télécharger|Descargar)\s+Outlook\s+(?:for|pour|para)"
    r"|Von\s+meinem)\b.{0,60}$",
    re.I,
)
_DISCLAIMER = re.compile(
    r"^\s*(?:\**\s*(?:CONFIDENTIALITY|CONFIDENTIAL|DISCLAIMER|AVIS\s+DE\s+CONFIDENTIALIT"
    r"|AVERTISSEMENT|CONFIDENTIALIT[ÉE]|AVISO\s+(?:DE\s+CONFIDENCIALIDAD|LEGAL)|CONFIDENCIALIDAD)"
    r"|(?:This|The|Ce|Cet|Le\s+présent|Este|Esta|El\s+presente|La\s+información|L'information)"
    r"\b.{0,80}\b(?:e-?mail|message|courriel|mensaje|correo|transmission)\b.{0,120}"
    r"\b(?:confidential|privileged|attachments?|intended|confidentiel(?:le)?s?|pièces?\s+jointes?"
    r"|destinée?s?|confidencial(?:es)?|anexos?|adjuntos?|destinad[oa]s?|privilegiad[ao]))",
    re.I,
)
_ENVIRONMENT = re.compile(
    r"(?:environment|environnement|medio\s*ambiente|planet[ae]|planète).{0,60}"
    r"(?:print|imprim)|(?:print|imprim).{0,60}(?:environment|environnement|medio\s*ambiente)",
    re.I,
)
_BANNER_LINE = re.compile(
    r"^\s*\[?(?:CAUTION|ATTENTION|WARNING|AVERTISSEMENT|PRECAUCI[ÓO]N|ADVERTENCIA|EXTERNAL EMAIL"
    r"|COURRIEL EXTERNE|CORREO EXTERNO)\]?\s*:.{0,80}\b(?:outside|ext[ée]rieur|externe|fuera"
    r"|external|extern[oa])\b",
    re.I,
)
_BANNER_TAG = re.compile(r"^\s*\[(?:EXTERNAL|EXTERNE|EXTERNO|EXT)\]\s*", re.I)
_SEPARATOR = re.compile(r"^\s*(?:[_=*-]\s*){5,}$")
# Patterns read the start of a line only: a closing, a banner or a disclaimer's opening is short,
# and a bounded line keeps the time linear in the text, whatever a line holds.
LINE_HEAD = 300
SIGNATURE_MAX = 10  # non-empty lines a closing may be followed by: name, title, organisation…


def without_closings(text: str) -> str:
    """The text less banners and "print" notes anywhere, and, below the last template label
    (or in the whole text when it has none), what starts at a disclaimer, a "sent from my
    phone" line, a "-- " line, or a closing followed by no more than a signature."""
    original = text.splitlines()
    lines = [
        _BANNER_TAG.sub("", line, count=1)
        for line in original
        if not _BANNER_LINE.match(line[:LINE_HEAD]) and not _ENVIRONMENT.search(line[:LINE_HEAD])
    ]
    start = last_label_line(lines) + 1
    cut = next(
        (
            i
            for i in range(start, len(lines))
            if _DISCLAIMER.match(lines[i][:LINE_HEAD])
            or _SENT_FROM.match(lines[i][:LINE_HEAD])
            or lines[i].rstrip() == "--"
            or _is_closing(lines, i)
        ),
        len(lines),
    )
    if cut == len(lines) and lines == original:
        return text  # nothing to remove: the text as it came
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()
    return "\n".join(kept) + "\n" if kept else ""


def _is_closing(lines: list[str], i: int) -> bool:
    """A closing line with something written above it and at most a signature below it (a
    disclaimer or a "sent from" line may follow the signature)."""
    if len(lines[i]) > LINE_HEAD or not _CLOSING.match(lines[i]):
        return False
    if not any(line.strip() for line in lines[:i]):
        return False
    below = 0
    for line in lines[i + 1 :]:
        if _DISCLAIMER.match(line[:LINE_HEAD]) or _SENT_FROM.match(line[:LINE_HEAD]):
            break
        below += bool(line.strip())
    return below <= SIGNATURE_MAX
