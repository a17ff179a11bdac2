"""Cut quoted replies and signatures off a plain-text body, keeping what the sender wrote on top."""

from __future__ import annotations

import re

from mailparser_reply import EmailMessage, EmailReplyParser

from bot.parsing.label_line import LABEL_MAX, strip_around
from bot.parsing.normalise import fold
from bot.parsing.parser import LABELS

# mail-parser-reply knows most attribution lines ("On … wrote:"), Outlook header blocks and
# closings ("Best regards"). We use its patterns, not its splitter (which strips every line and
# loses positions), and add what it misses: the Spanish attribution (and any wrapped over lines),
# the French and Spanish "Original Message" rules, the forwarding rules of Gmail, Thunderbird and
# Apple Mail, Outlook's "Enviado el:", Zimbra's blocks,
# bare "> " quotes, "Envoyé de mon iPhone" and closings such as "Bien cordialement". We refuse
# its Outlook-block matches that are not From + Sent/Date (with a time) + Subject, so that a
# template's own lines ("Subject: …", "Date: …") are never a quote header, and any signature
# that a template label still follows.
_LIBRARY = EmailMessage(
    text="",
    languages=EmailReplyParser(languages=["en", "fr", "es", "de"]).languages,
    keep_hyphen_lists=True,  # "- clearance" in a list is not a signature
)
_LIBRARY_LINES, _LIBRARY_WIDTH = 1000, 200  # what the library reads: its patterns are slow
_P = r"^[>*\s]*"  # quote marks, bold markers and indentation before a header line
_FROM = re.compile(_P + r"(?:From|De|Von)\s*:\s*\S", re.I)
_SENT = re.compile(
    _P + r"(?:Sent|Date|Envoyé|Enviado(?:\s+el)?|Fecha|Gesendet|Datum)\s*:.*\d[:h.]\d\d", re.I
)
_SUBJECT = re.compile(_P + r"(?:Subject|Objet|Asunto|Betreff)\s*:", re.I)
_BLOCK_LABEL = re.compile(
    _P + r"(?:From|Sent|To|Cc|Subject|Date|Organi[sz]ation|De|Envoyé|À|Objet|Enviado(?:\s+el)?"
    r"|Para|Asunto|Fecha|Organización|Von|Gesendet|An|Betreff|Datum)\s*:",
    re.I,
)
_WROTE = re.compile(r"^[>\s]*(?:On|Le|El)\s\D*\d.*\s(?:wrote|a\s+écrit|escribió)\s*:\s*$", re.I)
_RULE = re.compile(
    r"^\s*(?:-{3,}\s*(?:Original Message|Message d'origine|Mail original|Mensaje original"
    r"|Ursprüngliche Nachricht|Forwarded Message|Message transféré|Mensaje reenviado"
    r"|Weitergeleitete Nachricht)\s*-{3,}"
    r"|(?:Begin forwarded message|Début du message (?:réexpédié|transféré)"
    r"|Inicio del mensaje reenviado)\s*:)\s*$",
    re.I,
)
_SIGNED = re.compile(
    r"^\s*(?:(?:Sent from my|Envoyé de mon|Envoyé depuis mon|Enviado desde mi|Von meinem"
    r"|(?:Get|Obtenir|Obtener|Télécharger) Outlook (?:for|pour|para))\b.{0,40}"
    r"|(?:Bien|Très) cordialement|(?:Meilleures|Sincères) salutations|Saludos cordiales"
    r"|(?:Un )?cordial saludo|Cordiales saludos|Atentamente|(?:Yours )?sincerely"
    r"|(?:Warm|Best|Kind) regards)[\s,.!]*$",
    re.I,
)
_SEPARATOR = re.compile(r"^\s*[_-]{5,}\s*$")
_COLON = re.compile("[:：]")
_TEMPLATE_LABELS = frozenset(fold(alias) for aliases in LABELS.values() for alias in aliases)


def split_quoted(text: str) -> tuple[str, str]:
    """(what the sender wrote above the first quote, less the signature; the quoted part).

    The quote starts at a header line or a "> " line; the quoted part keeps its "> " markers,
    and is "" when there is none. A body without quote or signature comes back unchanged."""
    lines = text.splitlines()
    quote = min(_quote_start(lines), _library_quote_start(lines))
    quoted = "\n".join(lines[quote:]) + "\n" if quote < len(lines) else ""
    cut = min(quote, _signature_start(lines[:quote]))
    if cut >= len(lines):
        return text, quoted
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()
    return ("\n".join(kept) + "\n" if kept else ""), quoted


def strip_quoted(text: str) -> str:
    """What the sender wrote above the first quote, less the signature (see split_quoted)."""
    return split_quoted(text)[0]


def quoted_part(text: str) -> str:
    """The quoted part of a body (see split_quoted)."""
    return split_quoted(text)[1]


def _quote_start(lines: list[str]) -> int:
    """The first line of a quote: "> …", an attribution, an Outlook rule or header block."""
    for i, line in enumerate(lines):
        if line.lstrip().startswith(">") or _RULE.match(line) or _outlook_block(lines, i):
            return i
        wrapped = (" ".join(lines[i : i + n]) for n in (1, 2, 3))  # clients wrap long ones
        opening = line.lstrip()[:3].lower() in ("on ", "le ", "el ") and len(line) < _LIBRARY_WIDTH
        if opening and any(map(_WROTE.match, wrapped)):
            return i
    return len(lines)


def _outlook_block(lines: list[str], i: int) -> bool:
    """From: at line i, then Sent:/Date: with a time and Subject: within the next lines."""
    if not _FROM.match(lines[i]):
        return False
    following = lines[i + 1 : i + 10]
    return any(map(_SENT.match, following)) and any(map(_SUBJECT.match, following))


def _library_quote_start(lines: list[str]) -> int:
    flat = _flat(lines)
    for match in _LIBRARY.HEADER_REGEX.finditer(flat):
        i = _line_of(flat, match)
        if not _BLOCK_LABEL.match(lines[i]) or _outlook_block(lines, i):
            return i
    return len(lines)


def _signature_start(lines: list[str]) -> int:
    """The first signature line ("-- ", "Sent from my iPhone", a closing) below the last template
    label."""
    last_label = max((i for i, line in enumerate(lines) if _is_label(line)), default=-1)
    below = range(last_label + 1, len(lines))
    written = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    own = next(
        (
            i
            for i in below
            if lines[i].rstrip() == "--" or (i > written and _SIGNED.match(lines[i]))
        ),
        None,
    )  # a closing word on the first line is a greeting ("Cordial saludo," opens many letters)
    flat = _flat(lines)
    start = len(_flat(lines[: last_label + 1])) + 1 if last_label >= 0 else 0
    match = _LIBRARY.SIGNATURE_REGEX.search(flat, start)
    library = _line_of(flat, match) if match else None
    return min((i for i in (own, library) if i is not None), default=len(lines))


def _is_label(line: str) -> bool:
    colon = _COLON.search(line)
    if colon is None:
        return False
    label = strip_around(line[: colon.start()], "*_•+-", "*_")
    return len(label) <= LABEL_MAX and fold(label) in _TEMPLATE_LABELS


def _flat(lines: list[str]) -> str:
    """The lines as the library reads them: stripped and bounded, since its patterns take time in
    the square of a line's length (a header line is short; our own checks read every line)."""
    return "\n".join(line.strip()[:_LIBRARY_WIDTH] for line in lines[:_LIBRARY_LINES])


def _line_of(flat: str, match: re.Match[str]) -> int:
    """The line where a match's first visible character is."""
    return flat.count("\n", 0, match.end() - len(match.group().lstrip()))
