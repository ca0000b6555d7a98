"""Extraction: reader rows → the typed, traceable model of :mod:`kg.model`.

>>> from kg.extraction import extract_text
>>> doc = extract_text("云溪县财政局2024年部门预算信息公开\\n")
>>> doc.issuer, doc.year
('云溪县财政局', 2024)
"""

from __future__ import annotations

from pathlib import Path

from kg.extraction.document import build_document
from kg.extraction.export import (
    CSV_COLUMNS,
    iter_indicator_rows,
    write_csv,
)
from kg.model import Document
from kg.readers import ReadResult, read_bytes, read_path


def extract_result(result: ReadResult) -> Document:
    """Extract the model from what a reader found."""
    return build_document(result)


def extract_file(path: str | Path) -> Document:
    """Read and extract one file (text dump or .docx); raises KgError when it cannot be read."""
    return build_document(read_path(path))


def extract_text(text: str, path: str = "<text>") -> Document:
    """Extract a text dump given as a string (tests and other callers)."""
    return build_document(read_bytes(text.encode("utf-8"), path))


__all__ = [
    "CSV_COLUMNS",
    "extract_file",
    "extract_result",
    "extract_text",
    "iter_indicator_rows",
    "write_csv",
]
