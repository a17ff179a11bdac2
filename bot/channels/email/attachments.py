"""Read the text of a mail's .txt, .docx and .pdf attachments, bounded, never raising."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from email.message import EmailMessage, Message

log = logging.getLogger(__name__)

# Past these an attachment is not read (README, "Limits"): a filled template is a page or two.
ATTACHMENT_MAX_BYTES = 5_000_000
DOCX_MAX_UNZIPPED = 20_000_000  # all the parts of a .docx once unzipped (a zip bomb is refused)
PDF_MAX_PAGES = 20
TEXT_MAX_CHARS = 100_000  # what is kept of one attachment's text


def attachment_texts(message: EmailMessage) -> list[tuple[str, str]]:
    """(file name, text) of each readable attachment, in the order of the message; one that is
    too large, of another kind or broken is left out (logged at INFO)."""
    texts = []
    for part in message.walk():
        if part.get_content_disposition() != "attachment":
            continue
        name = _name(part)
        read = _reader(name, part.get_content_type())
        if read is None:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or len(payload) > ATTACHMENT_MAX_BYTES:
            log.info("attachment %r not read: empty or over %d bytes", name, ATTACHMENT_MAX_BYTES)
            continue
        try:
            text = read(payload, part)
        except Exception as exc:  # a broken file: the readers raise many kinds
            log.info("attachment %r not read: %s: %s", name, type(exc).__name__, exc)
            continue
        texts.append((name, text[:TEXT_MAX_CHARS].replace("\r\n", "\n").replace("\x00", "")))
    return texts


def _name(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # a malformed filename parameter
        return ""


def _reader(name: str, content_type: str) -> Callable[[bytes, Message], str] | None:
    suffix = name.lower().rpartition(".")[2] if "." in name else ""
    if suffix == "txt" or content_type == "text/plain":
        return _plain
    if suffix == "docx" or content_type.endswith("wordprocessingml.document"):
        return _docx
    if suffix == "pdf" or content_type == "application/pdf":
        return _pdf
    return None


def _plain(payload: bytes, part: Message) -> str:
    for charset in (part.get_content_charset() or "utf-8", "utf-8", "cp1252"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeError):
            continue
    return payload.decode("latin-1")


def _docx(payload: bytes, part: Message) -> str:
    """Paragraphs and tables in the order of the document; a table row of two cells is a
    `Label: value` line."""
    import docx  # python-docx, imported when a .docx comes (it loads lxml's whole OOXML model)

    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > DOCX_MAX_UNZIPPED:
        raise ValueError(f"{unzipped} bytes once unzipped")
    document = docx.Document(io.BytesIO(payload))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            lines += [_row_line([cell.text for cell in row.cells]) for row in block.rows]
        else:
            lines.append(block.text)
    return "\n".join(lines) + "\n"


def _row_line(cells: list[str]) -> str:
    distinct = list(dict.fromkeys(cell.strip() for cell in cells))  # merged cells repeat
    if len(distinct) == 2 and distinct[0]:
        label, value = distinct
        return f"{label.rstrip(':：').rstrip()}: {value}".rstrip()
    return " ".join(distinct)


def _pdf(payload: bytes, part: Message) -> str:
    from pypdf import PdfReader  # imported when a .pdf comes

    reader = PdfReader(io.BytesIO(payload))
    pages = reader.pages[:PDF_MAX_PAGES]
    return "\n".join(page.extract_text() or "" for page in pages) + "\n"
