"""PDF files with a text layer, through pdfplumber.

Ruled tables are found with pdfplumber's line strategies (``find_tables``); the grid of each
table is rebuilt from its cell bounding boxes (every distinct cell edge is a grid line), so a
cell that covers several grid rows or columns gets its ``row_span``/``col_span`` and the
positions it covers from above are emitted as covered cells (the grid rule of
:mod:`kg.readers.grid`). Each character goes to the cell that holds its centre (one pass over
the page's characters, not one per cell). Characters that are in no cell are text lines of the
page, emitted as Paragraphs; tables and text lines come in reading order (top to bottom).

A table that continues on the next page stays two tables (``Row.table`` differs); extraction
joins them when the header repeats. ``place`` is ``p. N``; ``line`` is the ordinal of the block.
A PDF whose pages carry no text at all is a scanned document: one error saying to OCR it.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from bisect import bisect_left, bisect_right

from kg.errors import KgError
from kg.readers.base import Paragraph, ReadResult, Row
from kg.readers.grid import Origin, grid_cell, grid_rows, read_result
from kg.readers.limits import MAX_MEMBER_BYTES, MAX_PDF_PAGES, check_cells, describe

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
"""pdfplumber table settings: ruled tables only (text-aligned guesses split prose into cells)."""
_X_TOLERANCE = 3.0  # gap (pt) between characters that reads as a space, as pdfplumber's default
_Y_TOLERANCE = 3.0  # characters whose tops differ by less are on one line
_SCAN_MAX_CHARS = 20  # a page image with fewer characters than this is a scan (see _scan_like)
_DUPLICATE = 1.0  # equal glyphs closer than this (pt) are one glyph drawn twice
_EDGE = 1.0  # cell edges closer than this (pt) are the same grid line

if logging.getLogger("pdfminer").level == logging.NOTSET:
    # pdfminer logs a warning for every harmless quirk (a missing CropBox, an odd font); the
    # reader reports what matters to the user itself.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

SCANNED = "scanned PDF: no text layer; run OCR first (e.g. ocrmypdf --language chi_sim) and read the result"


def dedupe(chars: list[dict]) -> list[dict]:
    """Characters without the copies "fake bold" draws a fraction of a point beside the first.

    Two equal glyphs within :data:`_DUPLICATE` points of each other are one: real text never
    puts a glyph that close to its twin.
    """
    kept: list[dict] = []
    grid: dict[tuple[str, int, int], list[dict]] = {}
    for char in chars:
        x, y = char["x0"], char["top"]
        cx, cy = round(x), round(y)
        duplicate = any(
            abs(other["x0"] - x) <= _DUPLICATE and abs(other["top"] - y) <= _DUPLICATE
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            for other in grid.get((char["text"], cx + dx, cy + dy), ())
        )
        if not duplicate:
            kept.append(char)
            grid.setdefault((char["text"], cx, cy), []).append(char)
    return kept


def _text_lines(chars: list[dict]) -> list[tuple[float, float, str]]:
    """Group characters into lines (top, bottom, text), left to right, top to bottom."""
    lines: list[tuple[float, float, list[dict]]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and char["top"] - lines[-1][0] <= _Y_TOLERANCE:
            top, bottom, members = lines[-1]
            members.append(char)
            lines[-1] = (top, max(bottom, char["bottom"]), members)
        else:
            lines.append((char["top"], char["bottom"], [char]))
    result = []
    for top, bottom, members in sorted(lines, key=lambda line: line[0]):
        members.sort(key=lambda c: c["x0"])
        parts, previous = [], None
        for char in members:
            if previous is not None and char["x0"] - previous["x1"] > _X_TOLERANCE:
                parts.append(" ")
            parts.append(char["text"])
            previous = char
        text = "".join(parts).strip()
        if text:
            result.append((top, bottom, text))
    return result


_KEEP_BREAK_AFTER = set("。；;：:！!？?")
_LIST_MARKER = re.compile(r"^(\d{1,2}[、.．）)]|[（(]\d{1,2}[）)]|[一二三四五六七八九十]+、)")


def join_wrapped(lines: list[str]) -> str:
    r"""Text of a cell whose lines the PDF wrapped at the cell's width.

    A narrow cell wraps 产出指标 into 产出 / 指标: such breaks are joined without a space (CJK
    has none; nor do digits split by a wrap), between Latin words with one. A break after
    sentence-ending punctuation or before a list marker (1、 （2） 三、) stays a line break.

    >>> join_wrapped(["产出", "指标"]), join_wrapped(["≥12", "0公里"]), join_wrapped(["ISO", "9001"])
    ('产出指标', '≥120公里', 'ISO 9001')
    >>> join_wrapped(["完成培训。", "1、人员到位"])
    '完成培训。\n1、人员到位'
    """
    text = lines[0] if lines else ""
    for line in lines[1:]:
        last, first = text[-1], line[0]
        if last in _KEEP_BREAK_AFTER or _LIST_MARKER.match(line):
            text += "\n" + line
        elif (last + first).isascii() and (last + first).isalnum() and not (last + first).isdigit():
            text += " " + line
        else:
            text += line
    return text


def _edges(values: list[float]) -> list[float]:
    """Distinct grid lines among cell edges (edges within :data:`_EDGE` merge)."""
    lines: list[float] = []
    for value in sorted(values):
        if not lines or value - lines[-1] > _EDGE:
            lines.append(value)
    return lines


def _index(lines: list[float], value: float) -> int:
    """Index of the grid line nearest to ``value`` (``lines`` is sorted)."""
    after = bisect_left(lines, value)
    if after == 0:
        return 0
    if after == len(lines) or value - lines[after - 1] <= lines[after] - value:
        return after - 1
    return after


class _Table:
    """A found table as a grid: origins with spans, and a lookup from a point to its cell."""

    def __init__(self, cells: list[tuple[float, float, float, float]], check) -> None:
        self.xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
        self.ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
        check((len(self.ys) - 1) * (len(self.xs) - 1))  # before the grid is built
        self.origins: list[Origin] = []
        self.owner: dict[tuple[int, int], int] = {}
        for x0, top, x1, bottom in sorted(cells, key=lambda c: (c[1], c[0])):
            r0, r1 = _index(self.ys, top), _index(self.ys, bottom)
            c0, c1 = _index(self.xs, x0), _index(self.xs, x1)
            if r1 <= r0 or c1 <= c0 or (r0, c0) in self.owner:
                continue
            number = len(self.origins)
            self.origins.append(Origin(r0, c0, r1 - r0, c1 - c0, "", []))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    self.owner.setdefault((r, c), number)
        self.bbox = (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def take(self, char: dict) -> bool:
        """Give ``char`` to the cell holding its centre; False when no cell holds it."""
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return False
        r = min(bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        c = min(bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        number = self.owner.get((r, c))
        if number is None:
            return False
        self.origins[number].data.append(char)
        return True


def _scan_like(page, chars: list[dict]) -> bool:
    """No text, or an image over most of the page with a few stray characters (a page number
    or a watermark on a scan): either way, the page's content is not in the text layer."""
    if not chars:
        return True
    if len(chars) >= _SCAN_MAX_CHARS:
        return False
    area = float(page.width * page.height) or 1.0
    covered = sum(
        max(0.0, float(image["x1"] - image["x0"])) * max(0.0, float(image["bottom"] - image["top"]))
        for image in page.images
    )
    return covered > area / 2


_STREAM = re.compile(rb"(?<!end)stream\r?\n")


def check_inflation(data: bytes, path: str) -> None:
    """Refuse a PDF with a Flate stream that inflates beyond :data:`MAX_MEMBER_BYTES`.

    pdfminer inflates a stream whole, so one small stream of zeros could take gigabytes: each
    stream is inflated here first, in pieces and without keeping the output, to measure it.
    """
    position = 0
    while True:
        match = _STREAM.search(data, position)
        if match is None:
            return
        start = match.end()
        end = data.find(b"endstream", start)
        position = end if end > 0 else len(data)
        inflater = zlib.decompressobj()
        pending, total = data[start:position], 0
        try:
            while pending and total <= MAX_MEMBER_BYTES:
                total += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
        except zlib.error:
            continue  # not a Flate stream (or a damaged one: pdfminer will say)
        if total > MAX_MEMBER_BYTES:
            raise KgError(
                f"refused PDF: a stream inflates to more than {MAX_MEMBER_BYTES:,} bytes "
                "(a compression bomb?)",
                path=path,
            )


def _open(data: bytes, path: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises many types (PSEOF, PDFSyntaxError, ...)
        cause = exc.__cause__ or exc.__context__ or exc
        if isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(
            cause, PDFPasswordIncorrect | PDFEncryptionError
        ):
            raise KgError(
                "password-protected PDF: open it with the password and save an unprotected copy",
                path=path,
            ) from exc
        raise KgError(f"not a readable PDF ({describe(exc)})", path=path) from exc
    if len(pages) > MAX_PDF_PAGES:
        pdf.close()
        raise KgError(f"PDF has {len(pages)} pages (cap {MAX_PDF_PAGES:,})", path=path)
    return pdf


def read_pdf_bytes(data: bytes, path: str) -> ReadResult:
    """Read a PDF given as bytes; raise :class:`KgError` if it is damaged, protected or scanned."""
    check_inflation(data, path)
    pdf = _open(data, path)
    blocks: list[Row | Paragraph] = []
    warnings: list[tuple[int, str]] = []
    ordinal = tables = cells_seen = 0
    pages_with_text = 0
    try:
        for page in pdf.pages:
            number = page.page_number
            place = f"p. {number}"
            try:
                chars = dedupe([c for c in page.chars if c["text"].strip()])
                found = page.find_tables(TABLE_SETTINGS) if chars else []
                scan_like = _scan_like(page, chars)
            except Exception as exc:  # damaged content stream on this page
                raise KgError(
                    f"not a readable PDF (page {number}: {describe(exc)})", path=path
                ) from exc
            finally:
                page.close()
            if scan_like:
                warnings.append((ordinal + 1, f"page {number} has no text layer (scanned?)"))
                if not chars:
                    continue
            else:
                pages_with_text += 1

            def check(count: int, number: int = number) -> None:
                nonlocal cells_seen
                cells_seen += count
                check_cells(cells_seen, path, f"page {number}")

            grids = [_Table(list(table.cells), check) for table in found if table.cells]
            loose = [c for c in chars if not any(grid.take(c) for grid in grids)]
            items: list[tuple[float, int, object]] = [
                (top, 1, (top, bottom, text)) for top, bottom, text in _text_lines(loose)
            ]
            items += [(grid.bbox[1], 0, grid) for grid in grids]
            for _top, kind, item in sorted(items, key=lambda entry: (entry[0], entry[1])):
                if kind == 1:
                    ordinal += 1
                    blocks.append(Paragraph(item[2], ordinal, ordinal, place))
                    continue
                tables += 1
                for origin in item.origins:
                    origin.text = join_wrapped([text for _t, _b, text in _text_lines(origin.data)])
                for grid_row in grid_rows(len(item.ys) - 1, item.origins):
                    if not grid_row:
                        continue
                    ordinal += 1
                    row = [grid_cell(g, ordinal, place) for g in grid_row]
                    blocks.append(Row(row, ordinal, ordinal, table=tables, place=place))
    finally:
        pdf.close()
    if pdf.pages and not pages_with_text:
        raise KgError(SCANNED, path=path)
    if not pdf.pages:
        raise KgError("PDF without pages: nothing to read", path=path)
    return read_result(data, path, "pdf", "pdf", blocks, warnings)
