"""Which reader a file needs, decided by its content (magic bytes), not by its name.

Portals name HTML pages ``.xls`` and zip files ``.doc``; a file's extension is only a tie
breaker where the content cannot tell: a Markdown file without a table, CSV text (named .csv,
or like a spreadsheet; a ``.txt`` stays a text dump), the wording of a broken zip's error.

>>> sniff(b"%PDF-1.7 ...", "a.bin")
'pdf'
>>> sniff(b"\\xef\\xbb\\xbf  <!DOCTYPE html><html>", "export.xls")
'html'
>>> sniff("| a | b |\\n|---|---|\\n| 1 | 2 |\\n".encode(), "notes.txt")
'md'
>>> sniff("标题\\n\\t单元格\\n".encode(), "seed.txt")
'text'
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePath

from kg.errors import KgError
from kg.readers import ole
from kg.readers.limits import ZIP_ERRORS, describe

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = ole.MAGIC[:4]

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_HTML_STARTS = (
    "<!doctype html",
    "<html",
    "<head",
    "<body",
    "<table",
    "<meta",
    "<title",
    "<div",
    "<style",
    "<script",
    "<link",
)
_HTML_FRAGMENT = re.compile(
    r"<(p|center|font|br|tr|td|th|tbody|span|h[1-6]|form|section|article|header|nav|ul|ol|a)[\s>/]"
)
_HTML_TAG = re.compile(r"<(html|table|body|meta)[\s>]", re.IGNORECASE)
_MD_SEPARATOR = re.compile(
    rb"^[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t\r]*$"  # | --- | --- |
    rb"|^[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)+\|?[ \t\r]*$",  # --- | ---
    re.M,
)
_MD_SUFFIXES = (".md", ".markdown")
_CSV_SUFFIXES = (".csv", ".tsv")
_SHEET_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".et", ".ods")


def _delimited(data: bytes) -> bool:
    """True when the first line and most of the next hold a comma or a tab (a CSV export; a
    quoted cell may break a line)."""
    head = _head_text(data)
    lines = head.splitlines()
    if len(data) > 4096:
        lines = lines[:-1]  # the last line may be cut
    lines = [line for line in lines if line.strip()][:6]
    marked = [("," in line or "\t" in line) for line in lines]
    return bool(marked) and marked[0] and 3 * sum(marked) >= 2 * len(marked)


def _zip_kind(data: bytes, path: str) -> str:
    suffix = PurePath(path).suffix.lower()
    what = {".xlsx": ".xlsx", ".xlsm": ".xlsx", ".ods": ".ods"}.get(suffix, ".docx")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(200)
    except ZIP_ERRORS as exc:
        raise KgError(
            f"not a readable {what} file (corrupt zip archive: {describe(exc)})", path=path
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.strip() == _ODS_MIMETYPE:
        return "ods"
    if "OFD.xml" in names:
        raise KgError(
            "OFD document (the national e-document format) is not read: export it as PDF "
            "(or open it in an OFD reader and save as PDF) and read that",
            path=path,
        )
    kind = mimetype.decode("ascii", "replace").strip() or "no Office parts"
    raise KgError(
        f"zip archive that is not a Word .docx, Excel .xlsx or OpenDocument .ods file ({kind}); "
        "open it and save it as .docx or .xlsx",
        path=path,
    )


def _ole_kind(data: bytes, path: str) -> str:
    try:
        names = ole.stream_names(data)
    except (ValueError, IndexError, OverflowError, MemoryError) as exc:
        raise KgError(
            f"legacy Word .doc / Excel .xls file that is damaged (OLE2 compound file: {describe(exc)})",
            path=path,
        ) from exc
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise KgError(
            "password-protected Office file (encrypted package): remove the password in "
            "Word/Excel (File > Info > Protect) and save it again",
            path=path,
        )
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    raise KgError(
        f"OLE2 compound file that is neither Word nor Excel (streams: {', '.join(sorted(names)[:6])})",
        path=path,
    )


def _head_text(data: bytes) -> str:
    """The first 4 KiB as text, enough to see the first tag whatever the 8-bit encoding."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1")


def looks_like_html(data: bytes) -> bool:
    """True when the content starts (after a BOM, whitespace and comments) with an HTML tag."""
    head = _head_text(data).lstrip("\ufeff\xef\xbb\xbf \t\r\n\x00").lower()
    if head.startswith("<?xml"):
        return bool(re.search(r"<html[\s>]", head))
    if head.startswith(_HTML_STARTS) or _HTML_FRAGMENT.match(head):
        return True
    if head.startswith("<!--"):
        return bool(_HTML_TAG.search(head))
    return False


def has_pipe_table(data: bytes) -> bool:
    """True when a ``|---|`` separator line follows a line holding a ``|`` (a Markdown table)."""
    for match in _MD_SEPARATOR.finditer(data):
        before = data[: match.start()].rstrip(b"\r\n")
        previous = before[before.rfind(b"\n") + 1 :]
        if b"|" in previous:
            return True
    return False


_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


def _xml_kind(head: str) -> str | None:
    """MHTML (Word's single-file web page) or Excel 2003 XML (SpreadsheetML), from the head."""
    lowered = head.lower()
    if (
        lowered.startswith(("mime-version:", "from:", "content-type:"))
        and "multipart/related" in lowered
    ):
        return "mhtml"
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered and "<workbook" in lowered:
        return "spreadsheetml"
    return None


def sniff(data: bytes, path: str) -> str:
    """Return the format name of ``data``: the ``format`` a :class:`ReadResult` will carry.

    One of docx, xlsx, ods, xls, doc, rtf, pdf, html, mhtml, spreadsheetml, md, csv, text. Raises
    :class:`KgError` for what cannot be read at all: a broken zip or OLE2 container, a
    password-protected Office file, an OFD document, an image.
    """
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data, path)
    if data.startswith(OLE_MAGIC):
        return _ole_kind(data, path)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    for magic, kind in _IMAGES:
        if data.startswith(magic):
            raise KgError(
                f"cannot decode a {kind} image as a document: if it is a scanned table, OCR it "
                "first (e.g. ocrmypdf --language chi_sim on a PDF of it) and read the result",
                path=path,
            )
    if looks_like_html(data):
        return "html"
    xml_kind = _xml_kind(_head_text(data).lstrip("\ufeff\xef\xbb\xbf \t\r\n"))
    if xml_kind:
        return xml_kind
    suffix = PurePath(path).suffix.lower()
    if suffix in _MD_SUFFIXES or has_pipe_table(data):
        return "md"
    if suffix in _CSV_SUFFIXES or (suffix in _SHEET_SUFFIXES and _delimited(data)):
        return "csv"
    return "text"
