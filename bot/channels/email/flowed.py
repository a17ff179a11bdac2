"""Unwrap format=flowed text (RFC 3676): soft line breaks joined, quote depth kept."""

from __future__ import annotations

_SIGNATURE = "-- "


def unflowed(text: str, *, delsp: bool = False) -> str:
    """The text with each flowed paragraph on one line.

    A line ending in a space continues on the next line of the same quote depth; with DelSp=yes
    that space was added by the sender's client and goes. The stuffed space of a line starting
    with a space, "From " or ">" goes too; "-- " (a signature's separator) is never flowed."""
    lines: list[str] = []
    paragraph: list[str] = []
    depth_of_paragraph = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if paragraph and depth != depth_of_paragraph:  # a quote changes depth: the line ends
            lines.append(_quoted(depth_of_paragraph, "".join(paragraph)))
            paragraph = []
        flowed = content.endswith(" ") and content != _SIGNATURE
        if flowed and delsp:
            content = content[:-1]
        paragraph.append(content)
        depth_of_paragraph = depth
        if not flowed:
            lines.append(_quoted(depth, "".join(paragraph)))
            paragraph = []
    if paragraph:
        lines.append(_quoted(depth_of_paragraph, "".join(paragraph)))
    return "\n".join(lines)


def _quoted(depth: int, content: str) -> str:
    return f"{'>' * depth} {content}" if depth else content
