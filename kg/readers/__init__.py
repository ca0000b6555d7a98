"""Readers: files → ordered paragraphs and table rows, each with its line span and place.

The content picks the reader (:mod:`kg.readers.sniff`): text dumps, Word .docx/.docm (and .doc,
.rtf through LibreOffice), Excel .xlsx/.xlsm/.xls, Excel 2003 XML, OpenDocument .ods, PDF with
a text layer, HTML (also MHTML), Markdown pipe tables, CSV/TSV exports. docs/formats.md describes each.

>>> from kg.readers import read_bytes
>>> result = read_bytes("标题\\n\\t单元格\\n".encode(), "demo.txt")
>>> result.encoding, len(result.rows), result.rows[0].cells[0].line
('utf-8-sig', 1, 2)
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.readers.base import Block, Cell, Paragraph, ReadResult, Row
from kg.readers.limits import MAX_FILE_BYTES, describe, is_parser_crash
from kg.readers.sniff import sniff
from kg.readers.text_reader import ENCODINGS, decode_bytes, parse_dump, read_text_bytes

SUFFIXES: tuple[str, ...] = (
    ".txt",
    ".docx",
    ".docm",
    ".doc",
    ".rtf",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".pdf",
    ".html",
    ".htm",
    ".shtml",
    ".mht",
    ".mhtml",
    ".et",
    ".wps",
    ".md",
    ".markdown",
    ".csv",
    ".tsv",
)
"""File names a folder scan should hand to :func:`read_path` (the content decides the reader)."""


def read_bytes(data: bytes, path: str = "<bytes>") -> ReadResult:
    """Read a document from bytes with the reader its content calls for (see :mod:`.sniff`).

    Readers of the heavier formats are imported on first use, so reading text dumps stays as
    cheap as before.
    """
    fmt = "document"
    try:
        fmt = sniff(data, path)
        return _read_as(fmt, data, path)
    except KgError:
        raise
    except BaseException as exc:
        # Every reader turns the failures it knows into a KgError; anything else a parser
        # library raises on a strange file (Rust's calamine even panics, a BaseException) is
        # still one line naming the file, never a traceback. Interrupts and exits propagate.
        if not is_parser_crash(exc):
            raise
        raise KgError(f"could not read this {fmt} file ({describe(exc)})", path=path) from exc


def _read_as(fmt: str, data: bytes, path: str) -> ReadResult:
    """Run the reader of format ``fmt``."""
    if fmt == "text":
        return read_text_bytes(data, path)
    if fmt == "docx":
        from kg.readers.docx_reader import read_docx_bytes

        return read_docx_bytes(data, path)
    if fmt in ("xlsx", "xls", "ods"):
        from kg.readers.sheet_reader import read_sheet_bytes

        return read_sheet_bytes(data, path, fmt)
    if fmt == "html":
        from kg.readers.html_reader import read_html_bytes

        return read_html_bytes(data, path)
    if fmt == "mhtml":
        from kg.readers.html_reader import read_mhtml_bytes

        return read_mhtml_bytes(data, path)
    if fmt == "spreadsheetml":
        from kg.readers.sheet_reader import read_sheet_bytes

        return read_sheet_bytes(data, path, fmt)
    if fmt == "csv":
        from kg.readers.csv_reader import read_csv_bytes

        return read_csv_bytes(data, path)
    if fmt == "md":
        from kg.readers.md_reader import read_md_bytes

        return read_md_bytes(data, path)
    if fmt == "pdf":
        from kg.readers.pdf_reader import read_pdf_bytes

        return read_pdf_bytes(data, path)
    from kg.readers.doc_reader import read_doc_bytes

    return read_doc_bytes(data, path, fmt)


def read_path(path: str | Path) -> ReadResult:
    """Read one file from disk; raise :class:`KgError` naming the file when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise KgError(
                f"file is {size:,} bytes (cap {MAX_FILE_BYTES:,}); not a published table",
                path=str(path),
            )
        data = path.read_bytes()
    except OSError as exc:
        raise KgError(f"cannot read file ({exc.strerror or exc})", path=str(path)) from exc
    return read_bytes(data, str(path))


__all__ = [
    "ENCODINGS",
    "SUFFIXES",
    "Block",
    "Cell",
    "Paragraph",
    "ReadResult",
    "Row",
    "decode_bytes",
    "parse_dump",
    "read_bytes",
    "read_path",
    "sniff",
]
