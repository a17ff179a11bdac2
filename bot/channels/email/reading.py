"""Read a raw email into an Inbound: headers, the best text part, loop markers."""

from __future__ import annotations

import email
import logging
import re
from collections.abc import Callable
from email.message import EmailMessage, Message
from email.utils import getaddresses

from bot.addresses import Addresses
from bot.channels.email.attachments import attachment_texts
from bot.channels.email.closings import without_closings
from bot.channels.email.flowed import unflowed
from bot.channels.email.headers import POLICY
from bot.channels.email.html import html_to_text
from bot.channels.email.labels import is_filled
from bot.channels.email.quotes import split_quoted
from bot.channels.email.template import template_part
from bot.envelope import Inbound
from bot.errors import UnreadableMessage
from bot.parsing.parser import clean_text

log = logging.getLogger(__name__)

_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "Mailing-List")
_OUT_OF_OFFICE = re.compile(
    r"^\s*(auto(matic)?[ -]?reply|out of (the )?office|absence|absent|r[ée]ponse automatique"
    r"|respuesta autom[aá]tica|fuera de la oficina|ausencia)\b",
    re.IGNORECASE,
)
# A message past these limits is refused before it is fully parsed (real mail: a dozen parts,
# 3 levels, a few KB of header); the README's "Limits" lists them.
MAX_MIME_PARTS = 200
MAX_MIME_DEPTH = 25
MAX_HEADER_CHARS = 65_536  # one header field, unfolded
MAX_HEADER_BYTES = 524_288  # the whole header section of the message
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def parse_bytes(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=POLICY)
    assert isinstance(message, EmailMessage)
    return message


def read_email(
    raw: bytes, envelope_sender: str, recipients: list[str], portal: Addresses | None = None
) -> Inbound:
    """`portal`: the portal's own addresses (by default, the domain of the first recipient is
    the portal's, as for a portal that owns its domain)."""
    check_shape(raw)
    message = parse_bytes(raw)
    body, attachments = body_text(message)
    own, quoted = split_quoted(body)
    references = tuple(
        _message_ids(header(message, "References")) + _message_ids(header(message, "In-Reply-To"))
    )
    if portal is None:
        portal = Addresses((recipients[0] if recipients else "").rpartition("@")[2].lower())
    replies_to_portal = any(portal.wrote(ref) for ref in references)
    found = template_part(own, quoted, portal.is_ours, look_in_quotes=not replies_to_portal)
    if found is not None:
        text, quoted = found
    else:
        text = forwarded_as_attachment(message, portal.is_ours) or attached_template(message) or own
    return Inbound(
        channel="email",
        sender=from_address(message) or envelope_sender,
        subject=header(message, "Subject"),
        text=without_closings(text),
        quoted=quoted,
        message_id=header(message, "Message-ID") or None,
        references=references,
        recipients=tuple(recipients),
        attachments=tuple(attachments),
        automatic=automatic_reason(message, envelope_sender),
    )


def forwarded_as_attachment(message: EmailMessage, ours: Callable[[str], bool]) -> str | None:
    """The filled template of a message forwarded as an attachment (message/rfc822), when the
    portal (an address `ours` says is the portal's) did not write it."""
    for part in message.walk():
        inner = part.get_payload() if part.get_content_type() == "message/rfc822" else None
        if not isinstance(inner, list) or not inner or not isinstance(inner[0], EmailMessage):
            continue
        if ours(from_address(inner[0]) or ""):
            continue
        found = template_part(*split_quoted(body_text(inner[0])[0]), ours, look_in_quotes=True)
        if found is not None:
            return found.text
    return None


def attached_template(message: EmailMessage) -> str | None:
    """The text of the first attachment (.txt, .docx, .pdf) that holds a filled template."""
    return next((text for _, text in attachment_texts(message) if is_filled(text)), None)


def check_shape(raw: bytes) -> None:
    """Raise UnreadableMessage for a message past the limits, whose full parse could take
    minutes or recurse too deep; the outline parse used here decodes no header, so it stays
    quick (and the header section is measured before any parse)."""
    end = _HEADER_END.search(raw, 0, MAX_HEADER_BYTES + 4)
    if end is None and len(raw) > MAX_HEADER_BYTES or end and end.start() > MAX_HEADER_BYTES:
        raise UnreadableMessage(
            f"its header is larger than {MAX_HEADER_BYTES // 1024} KB", "header", MAX_HEADER_BYTES
        )
    try:
        outline = email.message_from_bytes(raw)  # compat32: header values are left as they are
    except RecursionError as exc:
        raise _too_deep() from exc
    parts = 0
    stack: list[tuple[Message, int]] = [(outline, 1)]
    while stack:
        part, depth = stack.pop()
        parts += 1
        if parts > MAX_MIME_PARTS:
            raise UnreadableMessage(
                f"it has more than {MAX_MIME_PARTS} parts (attachments and alternatives)",
                "parts",
                MAX_MIME_PARTS,
            )
        if depth > MAX_MIME_DEPTH:
            raise _too_deep()
        if any(len(value) > MAX_HEADER_CHARS for _, value in part.raw_items()):
            raise UnreadableMessage(
                f"one of its header lines is longer than {MAX_HEADER_CHARS // 1024} KB",
                "header_line",
                MAX_HEADER_CHARS,
            )
        if part.is_multipart():
            subparts = part.get_payload()
            stack.extend((sub, depth + 1) for sub in subparts if isinstance(sub, Message))


def _too_deep() -> UnreadableMessage:
    return UnreadableMessage(
        f"its parts are nested more than {MAX_MIME_DEPTH} levels deep", "depth", MAX_MIME_DEPTH
    )


def header(message: Message, name: str) -> str:
    """A header as text on one line, without control characters (NUL included), never raising
    on malformed encodings."""
    try:
        value = message.get(name)
    except Exception:  # malformed header: the email package raises many kinds
        log.info("unreadable %s header", name)
        return ""
    return clean_text(" ".join(str(value).split())) if value is not None else ""


def from_address(message: Message) -> str | None:
    """The single address in From, lower-cased; None if there is not exactly one.

    A display name "Last, First" that Outlook and Exchange write without quotes ("Vogel, Katrin
    <katrin.vogel@diplo.de>") splits into a bare "Vogel" and the address: a piece without "@"
    is a name, not a second address."""
    values = message.get_all("From") or []
    found = getaddresses([clean_text(str(v)) for v in values])
    addresses = [addr for _, addr in found if "@" in addr]
    return addresses[0].strip().lower() if len(addresses) == 1 else None


def automatic_reason(message: Message, envelope_sender: str) -> str | None:
    """Why this mail must never be answered (auto-reply, bounce, list), or None."""
    if not envelope_sender or envelope_sender == "<>":
        return "bounce (null sender)"
    auto = header(message, "Auto-Submitted").lower()
    if auto and auto != "no":
        return f"auto-submitted: {auto}"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    precedence = header(message, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if message.get(name) is not None:
            return f"auto-reply ({name})"
    suppress = {v.strip() for v in header(message, "X-Auto-Response-Suppress").lower().split(",")}
    if suppress & {"all", "oof", "autoreply"}:  # what Exchange puts on its own auto-replies
        return "auto-reply (X-Auto-Response-Suppress)"
    if any(message.get(name) is not None for name in _LIST_HEADERS):
        return "mailing list"
    if _OUT_OF_OFFICE.match(header(message, "Subject")):
        return "out-of-office subject"
    return None


def body_text(message: EmailMessage) -> tuple[str, list[str]]:
    """The message's text (plain preferred, format=flowed unwrapped; else HTML turned into
    text) and attachment names."""
    attachments = [
        clean_text(part.get_filename() or part.get_content_type())
        for part in message.walk()
        if part.get_content_disposition() == "attachment"
    ]
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", attachments
    text = _decoded(part).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    elif str(part.get_param("format", "")).lower() == "flowed":
        text = unflowed(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text, attachments


__all__ = ["html_to_text", "read_email"]


def _decoded(part: Message) -> str:
    """Text of a part even when its charset is wrong or unknown: the declared charset, then
    UTF-8, then Windows-1252 (what mislabelled mail nearly always is), then Latin-1."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(payload or "")
    declared = part.get_content_charset() or "us-ascii"
    for charset in (declared, "utf-8", "cp1252"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeError):
            continue
    return payload.decode("latin-1")


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value)
