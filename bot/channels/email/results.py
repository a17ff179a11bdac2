"""Authentication-Results headers (RFC 8601): read linearly, and only our front server's counts;
Exchange Online's word on how a message reached the tenant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

_RESINFO = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:/\s*\d+\s*)?=\s*([A-Za-z0-9_.-]+)(.*)$", re.S)
# A property starts where a word starts, and its names never give back what they took: each
# character is read a bounded number of times, whatever the header holds.
_PROPERTY = re.compile(
    r"(?<![A-Za-z0-9_.-])([A-Za-z0-9_-]++)\s*\.\s*([A-Za-z0-9_.-]++)\s*=\s*"
    r"(\"(?:[^\"\\]|\\.)*\"|[^\s;]+)"
)


@dataclass(frozen=True)
class Result:
    """One `method=result` of an Authentication-Results header, with its properties."""

    method: str
    result: str
    properties: dict[str, str]


def without_comments(value: str) -> str:
    """A header value with its (nested) comments blanked out, quoted strings kept."""
    out: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
            continue
        if quoted:
            quoted = char != '"'
            out.append(char)
        elif char == '"' and depth == 0:
            quoted = True
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(" ")
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _split(value: str) -> list[str]:
    """Split on semicolons that are not inside a quoted string."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_authentication_results(value: str) -> tuple[str, list[Result]]:
    """(authserv-id, results) of one header value; ("", []) when it cannot be read.

    Microsoft 365 writes no authserv-id (`Authentication-Results: spf=pass … smtp.mailfrom=…;
    dkim=pass …`): a first word holding "=" is a result, and the authserv-id is "" (an
    authserv-id is a token or a quoted string, where "=" cannot stand unquoted)."""
    parts = _split(" ".join(without_comments(value).split()))
    head = parts[0].split()
    if not head:
        return "", []
    unnamed = "=" in head[0] and not head[0].startswith('"')
    results: list[Result] = []
    for part in parts if unnamed else parts[1:]:
        found = _RESINFO.match(part)
        if found is None:  # "none", or something we do not read
            continue
        properties = {
            f"{ptype.lower()}.{name.lower()}": _unquote(pvalue)
            for ptype, name, pvalue in _PROPERTY.findall(found.group(3))
        }
        results.append(Result(found.group(1).lower(), found.group(2).lower(), properties))
    return ("" if unnamed else _unquote(head[0]).lower()), results


def trusted_results(message: Message, authserv_id: str) -> list[Result] | None:
    """The results of the topmost Authentication-Results header from our own front server.

    Only that one counts: the front server adds its header on top of whatever the message
    carried, so any lower header, even one claiming the same authserv-id, came from outside.
    None when there is no such header.
    """
    wanted = authserv_id.strip().lower()
    for name, value in message.raw_items():
        if name.lower() != "authentication-results":
            continue
        server, results = parse_authentication_results(str(value))
        if server == wanted:
            return results
    return None


def topmost_unnamed_results(message: Message) -> list[Result] | None:
    """The results of the topmost Authentication-Results header when it names no authserv-id,
    as Microsoft 365 writes its own; None when the topmost names one, or there is none.

    Without a name to tell it from others, only the topmost can be the provider's: it adds its
    header on top of whatever the message carried."""
    for name, value in message.raw_items():
        if name.lower() == "authentication-results":
            server, results = parse_authentication_results(str(value))
            return results if server == "" else None
    return None


AUTH_AS = "X-MS-Exchange-Organization-AuthAs"


def exchange_auth_as(message: Message) -> str:
    """How Exchange Online says the message reached the tenant, lower case: `anonymous` (from
    outside, through its edge, which adds its Authentication-Results), `internal` (sent by a
    mailbox of the tenant), `partner`, `external`…; "" without exactly one such header.

    Exchange removes X-MS-Exchange-Organization-* headers from mail that comes in from outside
    and writes its own, so one that is there is Exchange's; two mean it was not."""
    values = message.get_all(AUTH_AS) or []
    return str(values[0]).strip().lower() if len(values) == 1 else ""
