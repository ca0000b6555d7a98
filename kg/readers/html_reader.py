"""HTML pages (``.html``/``.htm``, and the ``.xls`` files portals serve that are really HTML).

The declared charset is honoured (``<meta charset>`` or ``http-equiv``; GB2312 and GBK are read
as their superset GB18030); without one, the text reader's UTF-8 → GB18030 decoding applies. The
parser never touches the network, expands no entities and keeps lxml's size limits.

Portal pages nest the data table inside layout tables, so rows are emitted only for tables that
contain no table themselves ("data tables", counted by ``Row.table``). Text of layout cells and
everything outside tables becomes Paragraphs, split at block elements and ``<br>``, each with
its source line (lxml's ``sourceline``). Inside a cell, ``<br>`` and block elements (``<p>``,
``<div>``, ``<li>``) become newlines. Scripts, styles and comments are dropped. rowspan and
colspan follow the grid rule of :mod:`kg.readers.grid`. A page without a table is not an
error: it yields paragraphs only.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from collections.abc import Callable

import lxml.html
from lxml import etree

from kg.errors import KgError
from kg.readers.base import Paragraph, ReadResult, Row
from kg.readers.grid import Origin, grid_cell, grid_rows, read_result
from kg.readers.limits import MAX_CELLS, check_cells, describe
from kg.readers.text_reader import decode_bytes

_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_GBK_FAMILY = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "svg",
    "math",
    "select",
    "head",
}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "menu", "nav",
    "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "title", "tr", "ul",
}  # fmt: skip
_SPACE = re.compile(r"[ \t\r\n\f\u200b]+")
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's own caps


def decode_html(data: bytes, path: str) -> tuple[str, str, list[tuple[int, str]]]:
    """Decode a page with its declared charset; fall back to the text reader's decoding."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, path)
    match = _CHARSET.search(data[:16384])
    declared = match.group(1).decode("ascii").lower() if match else ""
    if declared in _GBK_FAMILY:
        declared = "gb18030"
    try:
        codec = codecs.lookup(declared).name if declared else ""
    except LookupError:
        codec = ""
    if codec:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass  # a wrong declaration is common: try what the bytes are
        else:
            return text.replace("\r\n", "\n").replace("\r", "\n"), codec, []
    try:
        return decode_bytes(data, path)
    except KgError:
        if not codec:
            raise
    text = data.decode(codec, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    return text, codec, [(1, f"bytes that are not {codec} were replaced by U+FFFD")]


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\xa0", " "))


def _cell_text(element) -> str:
    """Text of a cell: ``<br>`` and block elements are line breaks, other space collapses."""
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        if node.text and tag not in ("br",):
            parts.append(_collapse(node.text))
        for child in node:
            walk(child)
            if child.tail:
                parts.append(_collapse(child.tail))
        if tag in _BLOCK:
            parts.append("\n")

    parts.append(_collapse(element.text or ""))
    for child in element:
        walk(child)
        if child.tail:
            parts.append(_collapse(child.tail))
    lines = (line.strip(" ") for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _last_line(element) -> int:
    last = element.sourceline or 0
    for node in element.iter():
        if node.sourceline and node.sourceline > last:
            last = node.sourceline
    return last


def _source_lines(line: int) -> Callable[[Origin], tuple[int, int]]:
    """The first and last source line of an origin cell's element (``line`` when unknown)."""
    return lambda origin: (origin.data.sourceline or line, _last_line(origin.data))


def _span(cell, name: str, cap: int) -> int:
    try:
        value = int(re.match(r"\s*(\d+)", cell.get(name, "1") or "1").group(1))
    except (AttributeError, ValueError):
        return 1
    return min(max(value, 1), cap)


class _Reader:
    """Walks the page once, emitting paragraphs and data-table rows in document order."""

    def __init__(self, path: str):
        self.path = path
        self.blocks: list[Row | Paragraph] = []
        self.parts: list[str] = []
        self.first = self.last = 0
        self.tables = 0
        self.cells = 0

    def text(self, text: str | None, line: int) -> None:
        if text and text.strip(" \t\r\n\xa0\u3000"):
            if not self.parts:
                self.first = line
            self.parts.append(_collapse(text))
            self.last = max(line, self.first)
        elif text and self.parts:
            self.parts.append(" ")

    def flush(self) -> None:
        raw = "".join(self.parts).strip(" ")
        if raw:
            self.blocks.append(Paragraph(raw=raw, line=self.first, end_line=self.last))
        self.parts = []

    def walk(self, element, line: int) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        line = element.sourceline or line
        if tag == "table" and element.find(".//table") is None:
            self.flush()
            self.table(element)
        elif tag in _SKIP and tag != "head":
            pass
        elif tag == "head":
            title = element.find(".//title")
            if title is not None:
                self.text(title.text_content(), title.sourceline or line)
                self.flush()
        elif tag == "br" or tag in _BLOCK:
            self.flush()
            self.text(element.text, line)
            for child in element:
                self.walk(child, line)
            self.flush()
        else:
            self.text(element.text, line)
            for child in element:
                self.walk(child, line)
        if element.tail:
            self.text(element.tail, line)

    def table(self, table) -> None:
        for caption in table.iter("caption"):
            self.text(_cell_text(caption), caption.sourceline or table.sourceline or 0)
            self.flush()
        rows: list[tuple[int, list]] = []  # (source line, cells) per table row
        self._table_rows(table, rows)
        self.flush()  # text standing in the table outside any cell, before the rows
        trs = [line for line, _cells in rows]
        self.tables += 1
        busy_until: dict[int, int] = {}  # column → first row no longer covered by a rowspan
        origins: list[Origin] = []
        for r, (_line, row_cells) in enumerate(rows):
            col = 0
            for cell in row_cells:
                while busy_until.get(col, 0) > r:
                    col += 1
                rs = _span(cell, "rowspan", _MAX_ROWSPAN)
                cs = _span(cell, "colspan", _MAX_COLSPAN)
                if cell.get("rowspan", "").strip() == "0":
                    rs = len(trs) - r
                rs = min(rs, len(trs) - r)
                self.cells += rs * cs
                if self.cells > MAX_CELLS:
                    check_cells(self.cells, self.path, f"table {self.tables}")
                if rs > 1:
                    busy_until.update((col + j, r + rs) for j in range(cs))
                origins.append(Origin(r, col, rs, cs, _cell_text(cell), cell))
                col += cs
        for r, (line, grid) in enumerate(zip(trs, grid_rows(len(trs), origins), strict=True)):
            place = f"table {self.tables}, row {r + 1}"
            cells = []
            for g in grid:
                cell_place = f"{place}, column {g.col + 1}"
                cells.append(grid_cell(g, line, cell_place, _source_lines(line)))
            if cells:
                end = max(line, *(cell.end_line for cell in cells))
                self.blocks.append(Row(cells, line, end, table=self.tables, place=place))

    def _table_rows(self, container, rows: list[tuple[int, list]]) -> None:
        """Rows of a data table in order: its ``tr`` (also in thead/tbody/tfoot or a form), and
        a run of cells standing directly in the table (a broken page) as one row. Text outside
        any cell is kept as paragraph text."""
        line = container.sourceline or 0
        if container.tag != "tr":
            self.text(container.text, line)
        loose: list = []
        for child in container:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("td", "th"):
                loose.append(child)
            else:
                if loose:
                    rows.append((loose[0].sourceline or line, loose))
                    loose = []
                if tag == "tr":
                    cells = [c for c in child if isinstance(c.tag, str) and c.tag in ("td", "th")]
                    rows.append((child.sourceline or line, cells))
                    self.text(child.text, child.sourceline or line)
                    for cell in cells:
                        self.text(cell.tail, cell.sourceline or line)
                elif tag and tag not in _SKIP and tag != "caption":
                    self._table_rows(child, rows)
            self.text(child.tail, child.sourceline or line)
        if loose:
            rows.append((loose[0].sourceline or line, loose))


def parse_html(text: str, path: str) -> list[Row | Paragraph]:
    """Paragraphs and data-table rows of a decoded page (lines count in ``text``)."""
    text = text.lstrip("\ufeff")
    declaration = _XML_DECL.match(text)
    if declaration:  # lxml refuses str input with an encoding declaration; keep line numbers
        text = "\n" * declaration.group(0).count("\n") + text[declaration.end() :]
    if not text.strip():
        raise KgError("empty HTML page: nothing to read", path=path)
    parser = lxml.html.HTMLParser(
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
        fatal = [e.message for e in parser.error_log if e.level_name == "FATAL"]
        if fatal:  # libxml2 stopped (e.g. elements nested deeper than 256): the rest is lost
            raise KgError(
                f"HTML page that the parser had to stop reading ({' '.join(fatal[0].split())})",
                path=path,
            )
        reader = _Reader(path)
        reader.walk(root, 1)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise KgError(f"not a readable HTML page ({describe(exc)})", path=path) from exc
    except RecursionError as exc:
        raise KgError("HTML page nested too deeply to read", path=path) from exc
    reader.flush()
    return reader.blocks


def read_html_bytes(data: bytes, path: str) -> ReadResult:
    """Read an HTML page given as bytes (``path`` only names it in messages)."""
    text, encoding, warnings = decode_html(data, path)
    blocks = parse_html(text, path)
    return read_result(data, path, "html", encoding, blocks, warnings)


def read_mhtml_bytes(data: bytes, path: str) -> ReadResult:
    """Read an MHTML file (Word's "single file web page", often named .doc or .mht).

    The first ``text/html`` part is decoded (quoted-printable or base64, its declared charset)
    and read as an HTML page; lines count in that part.
    """
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or ""
        if charset.lower() in _GBK_FAMILY:
            charset = "gb18030"
        try:
            text, encoding, warnings = payload.decode(charset), charset, []
        except (LookupError, UnicodeDecodeError):
            text, encoding, warnings = decode_html(payload, path)
        blocks = parse_html(text.replace("\r\n", "\n").replace("\r", "\n"), path)
        return read_result(data, path, "mhtml", encoding, blocks, warnings)
    raise KgError("MHTML file without an HTML part: nothing to read", path=path)
