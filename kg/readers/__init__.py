"""Readers: files → ordered paragraphs and table rows, each with its line span.

>>> from kg.readers import read_bytes
>>> result = read_bytes("标题\\n\\t单元格\\n".encode(), "demo.txt")
>>> result.encoding, len(result.rows), result.rows[0].cells[0].line
('utf-8-sig', 1, 2)
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import KgError
from kg.readers.base import Block, Cell, Paragraph, ReadResult, Row
from kg.readers.docx_reader import read_docx_bytes
from kg.readers.text_reader import ENCODINGS, decode_bytes, parse_dump, read_text_bytes

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_bytes(data: bytes, path: str = "<bytes>") -> ReadResult:
    """Read a document from bytes: a .docx (by its zip signature) or a text dump."""
    if data.startswith(_ZIP_MAGIC):
        return read_docx_bytes(data, path)
    if data.startswith(_OLE_MAGIC):
        raise KgError("legacy Word .doc is not supported: save it as .docx", path=path)
    return read_text_bytes(data, path)


def read_path(path: str | Path) -> ReadResult:
    """Read one file from disk; raise :class:`KgError` naming the file when it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KgError(f"cannot read file ({exc.strerror or exc})", path=str(path)) from exc
    return read_bytes(data, str(path))


__all__ = [
    "ENCODINGS",
    "Block",
    "Cell",
    "Paragraph",
    "ReadResult",
    "Row",
    "decode_bytes",
    "parse_dump",
    "read_bytes",
    "read_path",
]
