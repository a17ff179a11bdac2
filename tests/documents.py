"""Attachments as people send them, built in the tests: a .docx (python-docx) and a tiny PDF."""

from __future__ import annotations

import io

import docx


def docx_bytes(paragraphs: list[str], rows: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A Word document: the paragraphs, then a two-column table of `rows` (label, value), then
    a closing."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if rows:
        table = document.add_table(rows=0, cols=2)
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    document.add_paragraph("Kind regards,")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF in Helvetica, one text line per line (Latin-1 text), as a word processor
    exports a filled template."""
    text = (
        b"BT /F1 11 Tf 14 TL 50 800 Td "
        + b" ".join(b"(" + _escaped(line) + b") Tj T*" for line in lines)
        + b" ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _escaped(line: str) -> bytes:
    raw = line.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
