"""Read a delivery report (RFC 3464 DSN, or a provider's own bounce) into a neutral Bounce."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser

from flufl.bounce import all_failures

from bot.channels.email.reading import automatic_reason, header
from bot.envelope import Bounce, Failure

log = logging.getLogger(__name__)

_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon")
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_MESSAGE_ID_LINE = re.compile(r"^message-id:[ \t]*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
_AUTO_REPLY = ("auto-submitted: auto-replied", "auto-reply", "out-of-office")
# Enhanced status codes that say the mailbox is there but cannot take mail for now.
_TEMPORARY_SUBJECTS = {"2.2"}  # x.2.2: mailbox full


def read_bounce(raw: bytes, envelope_sender: str) -> Bounce | None:
    """The report, when this mail is one (a null envelope sender, a multipart/report, or a
    mailer daemon's From that is no auto-reply); None for anything else (an auto-reply too)."""
    # The header says whether it is one (most mail is not): the body is parsed for a report only.
    headers = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    if not _is_report(headers, envelope_sender):
        return None
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    failures = _dsn_failures(message) or _provider_failures(message)
    return Bounce(message_ids=_returned_message_ids(message), failures=tuple(failures))


def _is_report(message: Message, envelope_sender: str) -> bool:
    null_sender = not envelope_sender or envelope_sender == "<>"
    if null_sender or message.get_content_type() == "multipart/report":
        return True
    reason = automatic_reason(message, envelope_sender) or ""
    if reason.startswith(_AUTO_REPLY):
        return False
    sender = header(message, "From").lower()
    return any(f"{daemon}@" in sender for daemon in _DAEMONS)


def _dsn_failures(message: Message) -> list[Failure]:
    """Per-recipient fields of the message/delivery-status parts, read as RFC 3464 says."""
    failures = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for fields in _recipient_blocks(part):
            action = fields.get("action", "").strip().lower()
            if action not in ("failed", "delayed"):
                continue  # delivered, relayed, expanded: nothing failed
            final = _address(fields.get("final-recipient", ""))
            original = _address(fields.get("original-recipient", ""))
            status = _status(fields.get("status", "")) or _status(fields.get("diagnostic-code"))
            reason = " ".join(fields.get("diagnostic-code", "").split())
            reason = reason.split(";", 1)[1].strip() if ";" in reason[:20] else reason
            failures.append(
                Failure(final or original, _kind(action, status), status, reason[:500], original)
            )
    return failures


def _recipient_blocks(part: Message) -> list[dict[str, str]]:
    """The per-recipient field groups of a delivery-status part (the first group is the
    message's own). The email package parses the groups as messages, or leaves the text."""
    payload = part.get_payload()
    if isinstance(payload, list):
        groups = [
            {k.lower(): str(v) for k, v in sub.items()}
            for sub in payload
            if isinstance(sub, Message)
        ]
    else:
        text = str(payload).replace("\r\n", "\n")
        groups = [
            dict((k.lower(), str(v)) for k, v in HeaderParser().parsestr(block).items())
            for block in re.split(r"\n[ \t]*\n", text)
            if block.strip()
        ]
    return [group for group in groups if "action" in group]


def _provider_failures(message: Message) -> list[Failure]:
    """Bounces that are no DSN (Exim's, Postfix's without one, old Exchange): flufl.bounce
    finds the addresses; the status code is read near each in the text, if it is there."""
    temporary, permanent = all_failures(message)
    text = _text(message)
    failures = []
    for raw_address, found_kind in [(a, "permanent") for a in sorted(permanent)] + [
        (a, "temporary") for a in sorted(temporary)
    ]:
        address = _address(raw_address.decode("utf-8", "replace"))
        status, reason = _near(text, address)
        kind = _kind("failed", status) if status else found_kind
        failures.append(Failure(address, kind, status, reason))
    return failures


def _near(text: str, address: str) -> tuple[str, str]:
    """The status code and diagnostic line said after the address, if any."""
    at = text.lower().find(address) if address else -1
    if at < 0:
        return "", ""
    window = text[at : at + 600]
    found = _STATUS.search(window)
    if found is None:
        return "", ""
    line_start = window.rfind("\n", 0, found.start()) + 1
    line_end = window.find("\n", found.end())
    return found.group(0), " ".join(window[line_start : line_end if line_end > 0 else None].split())


def _kind(action: str, status: str) -> str:
    """permanent / temporary / delayed / policy, from the DSN action and the status code."""
    if action == "delayed":
        return "delayed"
    found = _STATUS.match(status)
    if found is None:
        return "permanent"  # failed, with no code: a DSN's Action says it is final
    klass, subject = found[1], f"{found[2]}.{found[3]}"
    if klass == "5" and found[2] == "7":
        return "policy"  # DMARC, spam, reputation: about our mail, not the address
    if klass == "4" or subject in _TEMPORARY_SUBJECTS:
        return "temporary"
    return "permanent"


def _status(value: str | None) -> str:
    found = _STATUS.search(value or "")
    return found.group(0) if found else ""


def _address(value: str) -> str:
    """`rfc822; Name@Example.org` or `<name@example.org>` -> name@example.org."""
    value = value.split(";", 1)[1] if ";" in value else value
    return value.strip().strip("<>").strip().lower()


def _returned_message_ids(message: Message) -> tuple[str, ...]:
    """The Message-IDs of the original we sent, from the returned message or its headers
    (message/rfc822, text/rfc822-headers), else from a copy quoted in the text."""
    found: list[str] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            first = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(first, Message) and first.get("Message-ID"):
                found.append(str(first["Message-ID"]).strip())
        elif kind in ("text/rfc822-headers", "message/rfc822-headers"):
            found.extend(_MESSAGE_ID_LINE.findall(_decoded(part)))
    if not found:
        found = _MESSAGE_ID_LINE.findall(_text(message))
    return tuple(dict.fromkeys(found))


def _text(message: Message) -> str:
    """Every text part of a report, one after the other (the quoted original included)."""
    return "\n".join(
        _decoded(part) for part in message.walk() if part.get_content_maintype() == "text"
    )


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    return payload.decode(part.get_content_charset() or "utf-8", "replace")
