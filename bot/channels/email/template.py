"""Find where a mail holds the filled template: the writer's part, below a quote, forwarded."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import getaddresses
from typing import NamedTuple

import quotequail

from bot.channels.email.labels import is_filled, is_someone_elses_filled
from bot.channels.email.quotes import split_quoted

FORWARD_LEVELS = 3  # a forward of a forward of a forward
_ATTRIBUTION_MAX = 3  # lines of an "On … wrote:" line, as clients wrap it
_HEADER_MAX = 12  # lines of a quoted message's header block (From, Sent, To, Cc, Subject…)
_QUOTEQUAIL_LINES = 30  # what quotequail reads of a quote: its time grows with the square
_LINE_HEAD = 300  # characters of a line the patterns below read: linear time on any line
_HEADER_LINE = re.compile(r"^\s*\*?\s*[^\W\d_](?:[^\W\d]|['’. -]){0,24}?\s*\*?\s*:\s*\S")
_SENDER_LINE = re.compile(
    r"^\s*\*?\s*(?:From|De|Von|Expéditeur|Remitente|Envoyé\s+par)\s*\*?\s*:(.*)$", re.I
)
_RULE = re.compile(r"^\s*-{2,}.*-{2,}\s*$")
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


class Found(NamedTuple):
    """The text that holds the template, and what stays quoted around it."""

    text: str
    quoted: str


def template_part(
    own: str, quoted: str, ours: Callable[[str], bool], *, look_in_quotes: bool
) -> Found | None:
    """The part of a body (split by quotes.split_quoted into `own` and `quoted`) that holds a
    filled template, or None.

    The writer's own part (above any quote) first; else the writer's text below a quote
    (bottom-posting), which then is no longer part of what is quoted; else, when
    `look_in_quotes`, the own part of the quoted or forwarded message, unless it comes from the
    portal (an address `ours` says is the portal's: bot.addresses) or is a blank template with
    notes (the portal's help mail)."""
    if is_filled(own):
        return Found(own, quoted)
    below = _below_quote(quoted)
    if below is not None and is_filled(below.text):
        return below
    text = _inside(quoted, ours, FORWARD_LEVELS) if look_in_quotes else None
    return Found(text, quoted) if text is not None else None


def _inside(quoted: str, ours: Callable[[str], bool], levels: int) -> str | None:
    """The filled template of a quoted or forwarded message that the portal did not write."""
    if not quoted.strip() or levels == 0:
        return None
    sender, body = quoted_message(quoted)
    if ours(sender):
        return None
    own, inner = split_quoted(body)
    below = _below_quote(inner)
    for text in (own, below.text if below else None):
        if text is not None and is_filled(text):
            return text if is_someone_elses_filled(text) else None
    return _inside(inner, ours, levels - 1)


def _below_quote(quoted: str) -> Found | None:
    """What the writer put below a "> " quote that opens the quoted part (after at most a few
    attribution lines: "On … wrote:", wrapped or not), less what follows it that is quoted
    again; None when the quoted part is not such a quote."""
    lines = quoted.splitlines()
    first = next((i for i, line in enumerate(lines[: _ATTRIBUTION_MAX + 1]) if _marked(line)), None)
    if first is None or any(_is_header(line) for line in lines[:first]):
        return None
    end = first
    while end < len(lines) and (_marked(lines[end]) or not lines[end].strip()):
        end += 1
    if end == len(lines):
        return None
    below, further = split_quoted("\n".join(lines[end:]) + "\n")
    return Found(below, "\n".join(lines[:end]) + "\n" + further)


def _marked(line: str) -> bool:
    return line.lstrip().startswith(">")


def quoted_message(quoted: str) -> tuple[str, str]:
    """(the sender's address, lower-cased or "", the body) of a quoted or forwarded message: its
    rule or attribution line and its header block removed, one level of "> " taken off.

    Read here rather than by quotequail, which takes the template's own `Label: value` lines
    that follow a header block for more header lines."""
    lines = quoted.splitlines()
    i = _skip_blank(lines, 0)
    header: list[str] = []
    intro_end = next(
        (j for j in range(i, min(i + 3, len(lines))) if lines[j].rstrip().endswith(":")), None
    )
    if i < len(lines) and (_is_rule(lines[i]) or not _is_header(lines[i])):
        end = i + 1 if _is_rule(lines[i]) or intro_end is None else intro_end + 1
        header += lines[i:end]
        i = _skip_blank(lines, end)
    while i < len(lines) and len(header) < _HEADER_MAX and _is_header(_unquoted(lines[i])):
        header.append(lines[i])
        i += 1
    body = lines[_skip_blank(lines, i) :]
    if sum(line.lstrip().startswith(">") for line in body) * 2 > sum(map(bool, body)):
        body = [_unquoted(line) for line in body]
    return _sender(header, quoted), "\n".join(body) + "\n"


def _is_rule(line: str) -> bool:
    return len(line) <= _LINE_HEAD and _RULE.match(line) is not None


def _is_header(line: str) -> bool:
    return _HEADER_LINE.match(line[:_LINE_HEAD]) is not None


def _skip_blank(lines: list[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _unquoted(line: str) -> str:
    stripped = line.lstrip()
    if not stripped.startswith(">"):
        return line
    return stripped[2:] if stripped.startswith("> ") else stripped[1:]


def _sender(header: list[str], quoted: str) -> str:
    """The sender's address as quotequail reads the quote's header or attribution (in many
    languages; it reads at most the first lines, as its time grows with the square of the
    lines that look like headers), else the From line of `header`, else its first address."""
    first = (line[:_LINE_HEAD] for line in quoted.splitlines()[:_QUOTEQUAIL_LINES])
    unwrapped = quotequail.unwrap("\n".join(first)) or {}
    candidates = [str(unwrapped.get("from") or "")]
    bounded = [_unquoted(line)[:_LINE_HEAD] for line in header]
    candidates += [m.group(1) for m in map(_SENDER_LINE.match, bounded) if m]
    candidates.append(" ".join(bounded))
    for candidate in candidates:
        found = [address for _, address in getaddresses([candidate]) if "@" in address]
        found = found or _ADDRESS.findall(candidate)
        if found:
            return found[0].lower()
    return ""
