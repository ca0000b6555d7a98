"""Spreadsheets: .xlsx/.xlsm (openpyxl, calamine as fallback), .xls (xlrd), .ods, Excel 2003 XML.

Every sheet is read in workbook order: a Paragraph with the sheet name, then its rows. Within a
sheet, a run of non-empty rows is one table (``Row.table`` counts them across the document); an
empty row ends it. Columns are numbered from the sheet's leftmost used column, so a table that
starts in column B still has ``col`` 0 there, while ``place`` keeps the real reference
(``目标表!B7``). Every position of the used width is emitted (empty cells as ``""``), merged
ranges follow the grid rule of :mod:`kg.readers.grid`, and trailing empty rows and columns are
trimmed.

Values are shown as printed: numbers without a spurious ``.0``, percentages, fixed decimals and
literal text (``0.00"万元"``) where the cell's number format says so (.xlsx, .xls; an .ods
cell's displayed text is used as is), dates as ISO dates, formulas as their cached value. The
backends are chosen for that: calamine is ~30× faster than openpyxl but reports no number
formats, so it only reads an .xlsx that openpyxl refuses (with a warning saying the formats were not
applied).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.errors import KgError
from kg.readers.base import Paragraph, ReadResult, Row
from kg.readers.grid import Origin, column_letters, grid_cell, grid_rows, read_result
from kg.readers.limits import (
    MAX_CELLS,
    check_cells,
    describe,
    is_parser_crash,
    open_zip,
    parse_xml,
    read_member,
)


@dataclass
class Sheet:
    """One sheet as a sparse grid: absolute (row, col) → printed text, and merged ranges."""

    name: str
    values: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1


# ---------------------------------------------------------------- values as printed


def format_general(value: float) -> str:
    """A number as Excel's General format prints it: no ``.0``, at most 15 significant digits.

    >>> format_general(10.0), format_general(0.1 + 0.2), format_general(-3.5)
    ('10', '0.3', '-3.5')
    """
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text or "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


_FORMAT_TOKEN = re.compile(r'"([^"]*)"|\\(.)|\[[^\]]*\]|[_*].|([0#?.,]+)|(.)')


def format_number(value: float, number_format: str | None) -> str:
    """``value`` as the cell's number format prints it (percent, decimals, literal text).

    Grouping commas are not added (they carry no meaning and hinder number parsing).

    >>> format_number(0.95, "0%"), format_number(0.125, "0.0%"), format_number(3, "0.00")
    ('95%', '12.5%', '3.00')
    >>> format_number(12.5, '0.00"万元"'), format_number(1234.0, "#,##0"), format_number(7.0, "General")
    ('12.50万元', '1234', '7')
    >>> format_number(-1234.5, "#,##0.00_);[Red](#,##0.00)"), format_number(1500.0, "0.00E+00")
    ('-1234.50', '1500')
    """
    section = (number_format or "General").split(";")[0]
    if section in ("General", "@", "") or re.search(r"[eE][+-]|\?/", section):
        # scientific and fraction formats: the plain number says the same
        return format_general(value)
    before: list[str] = []
    after: list[str] = []
    digits = ""
    for quoted, escaped, placeholder, other in _FORMAT_TOKEN.findall(section):
        if placeholder and any(ch in "0#?" for ch in placeholder):
            digits += placeholder
            after.clear()  # literals between placeholders are not kept
            continue
        literal = quoted or escaped or placeholder or other
        (after if digits else before).append(literal)
    if not digits:
        return format_general(value)
    percent = "%" in before or "%" in after
    decimals = sum(ch in "0#?" for ch in digits.partition(".")[2])
    number = value * 100 if percent else value
    text = f"{number:.{decimals}f}"
    if text.startswith("-") and not float(text):
        text = text[1:]
    return "".join(before) + text + "".join(after)


def format_value(value: object, number_format: str | None = None) -> str:
    """Any cell value as printed; dates as ISO dates, booleans as Excel writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return (
            format_number(float(value), number_format) if number_format else format_general(value)
        )
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _count(value: str | None, default: int = 1, low: int = 1) -> int:
    """A repeat/span/index attribute as an int of at least ``low`` (garbage → ``default``).

    >>> _count("3"), _count(None), _count("x"), _count("-2"), _count("0", 1, low=0)
    (3, 1, 1, 1, 0)
    """
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number >= low else default


# ---------------------------------------------------------------- backends


def _xlsx_sheets(data: bytes, path: str, notes: list[tuple[int, str]]) -> list[Sheet]:
    """Read with openpyxl (number formats); if openpyxl chokes, with calamine (values only)."""
    import openpyxl

    open_zip(data, path, ".xlsx").close()  # caps and DTD check before openpyxl inflates anything
    try:
        with warnings.catch_warnings():  # "extension is not supported" notes are not the user's
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
        sheets = [_openpyxl_sheet(worksheet, path) for worksheet in workbook.worksheets]
    except KgError:
        raise
    except Exception as exc:  # openpyxl raises many types on parts written by other tools
        try:
            sheets = _calamine_sheets(data, path)
        except KgError:
            raise KgError(f"not a readable .xlsx file ({describe(exc)})", path=path) from exc
        notes.append(
            (1, f"openpyxl could not read it ({describe(exc)}); read without number formats")
        )
    return sheets


def _openpyxl_sheet(worksheet, path: str) -> Sheet:
    sheet = Sheet(worksheet.title)
    # ``_cells`` holds only the cells present in the file; iter_rows() would walk the whole
    # declared range, which a hostile file sets to a million rows.
    cells = worksheet._cells
    check_cells(len(cells), path, f"sheet {sheet.name}")
    for (row, col), cell in cells.items():
        if cell.value is not None:
            number_format = cell.number_format if cell.data_type == "n" else None
            sheet.values[row - 1, col - 1] = format_value(cell.value, number_format)
    for merged in worksheet.merged_cells.ranges:
        sheet.merges.append(
            (merged.min_row - 1, merged.min_col - 1, merged.max_row - 1, merged.max_col - 1)
        )
    return sheet


def _xls_sheets(data: bytes, path: str, notes: list[tuple[int, str]]) -> list[Sheet]:
    """Read a BIFF .xls with xlrd, which applies number formats and gives merged ranges."""
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,
            ragged_rows=True,
            logfile=io.StringIO(),  # xlrd prints its complaints to stdout otherwise
        )
        return [_xlrd_sheet(book, sheet, path) for sheet in book.sheets()]
    except KgError:
        raise
    except Exception as exc:  # xlrd raises XLRDError, struct and index errors on odd files
        if "encrypted" in str(exc).lower():
            raise KgError(
                "password-protected .xls workbook: remove the password in Excel", path=path
            ) from exc
        raise KgError(f"not a readable .xls file ({describe(exc)})", path=path) from exc


def _xlrd_sheet(book, worksheet, path: str) -> Sheet:
    import xlrd

    sheet = Sheet(worksheet.name)
    check_cells(worksheet.nrows * max(worksheet.ncols, 1), path, f"sheet {sheet.name}")
    for row in range(worksheet.nrows):
        for col, cell in enumerate(worksheet.row(row)):
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    value = xlrd.xldate_as_datetime(cell.value, book.datemode)
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    value = cell.value
                text = format_value(value)
            elif cell.ctype == xlrd.XL_CELL_NUMBER:
                xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
                fmt = book.format_map.get(xf.format_key) if xf is not None else None
                text = format_value(cell.value, fmt.format_str if fmt is not None else None)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                text = format_value(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(cell.value, "#ERR")
            else:
                text = format_value(cell.value)
            if text:
                sheet.values[row, col] = text
    sheet.merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in worksheet.merged_cells]
    return sheet


def _calamine_sheets(data: bytes, path: str) -> list[Sheet]:
    """Values and merged ranges of an .xlsx through calamine (no number formats: 0.95 stays 0.95)."""
    import python_calamine

    sheets = []
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in workbook.sheet_names:
            worksheet = workbook.get_sheet_by_name(name)
            end = worksheet.end
            if end is not None:
                check_cells((end[0] + 1) * (end[1] + 1), path, f"sheet {name}")
            sheet = Sheet(name)
            for row, values in enumerate(worksheet.to_python(skip_empty_area=False)):
                for col, value in enumerate(values):
                    if value != "" and value is not None:
                        sheet.values[row, col] = format_value(value)
            ranges = worksheet.merged_cell_ranges or []
            sheet.merges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
            sheets.append(sheet)
    except KgError:
        raise
    except BaseException as exc:
        if not is_parser_crash(exc):  # calamine is Rust: it panics on some damaged files
            raise
        raise KgError(f"not a readable .xlsx file ({describe(exc)})", path=path) from exc
    return sheets


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_ODS[prefix]}}}{name}"


_T_CELL, _T_COVERED, _T_ROW = (
    _q("table", "table-cell"),
    _q("table", "covered-table-cell"),
    _q("table", "table-row"),
)
_TEXT_P, _TEXT_H = _q("text", "p"), _q("text", "h")


def _ods_inline(element, parts: list[str]) -> None:
    """Text of an ODF paragraph: spans, links, ``text:s`` spaces, tabs and line breaks."""
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if tag == _q("text", "s"):
            parts.append(" " * min(_count(child.get(_q("text", "c"))), 1000))
        elif tag == _q("text", "tab"):
            parts.append("\t")
        elif tag == _q("text", "line-break"):
            parts.append("\n")
        elif tag != _q("office", "annotation"):
            _ods_inline(child, parts)
        if child.tail:
            parts.append(child.tail)


def _ods_cell_text(cell) -> str:
    if cell.get(_q("office", "value-type")) == "date":
        value = cell.get(_q("office", "date-value"), "")
        return value[:-9] if value.endswith("T00:00:00") else value.replace("T", " ")
    paragraphs = []
    for child in cell:
        if child.tag in (_TEXT_P, _TEXT_H):
            parts: list[str] = []
            _ods_inline(child, parts)
            paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _ods_rows(table) -> Iterator:
    """The ``table:table-row`` elements of a table, also inside row groups and header rows."""
    for child in table:
        if child.tag == _T_ROW:
            yield child
        elif child.tag in (
            _q("table", "table-row-group"),
            _q("table", "table-header-rows"),
            _q("table", "table-rows"),
        ):
            yield from _ods_rows(child)


def _ods_sheets(data: bytes, path: str, notes: list[tuple[int, str]]) -> list[Sheet]:
    """Read an OpenDocument spreadsheet from its content.xml (displayed text, spans, repeats)."""
    archive = open_zip(data, path, ".ods")
    if "META-INF/manifest.xml" in archive.namelist():
        manifest = read_member(archive, "META-INF/manifest.xml", path, ".ods")
        if b"encryption-data" in manifest:
            raise KgError(
                "password-protected .ods file: open it with the password and save it without one",
                path=path,
            )
    content = read_member(archive, "content.xml", path, ".ods")
    root = parse_xml(content, path, ".ods", "content.xml")
    repeat_rows, repeat_cols = (
        _q("table", "number-rows-repeated"),
        _q("table", "number-columns-repeated"),
    )
    span_rows, span_cols = _q("table", "number-rows-spanned"), _q("table", "number-columns-spanned")
    sheets = []
    for table in root.iter(_q("table", "table")):
        sheet = Sheet(table.get(_q("table", "name"), ""))
        row = 0
        for row_element in _ods_rows(table):
            row_repeat = _count(row_element.get(repeat_rows))
            cells: list[tuple[int, str, int, int]] = []  # col, text, row span, col span
            col = 0
            for cell in row_element:
                if cell.tag not in (_T_CELL, _T_COVERED):
                    continue
                col_repeat = _count(cell.get(repeat_cols))
                text = _ods_cell_text(cell) if cell.tag == _T_CELL else ""
                rs, cs = _count(cell.get(span_rows)), _count(cell.get(span_cols))
                if text or rs > 1 or cs > 1:
                    if col_repeat * row_repeat > MAX_CELLS:
                        check_cells(col_repeat * row_repeat, path, f"sheet {sheet.name}")
                    cells.extend((col + k, text, rs, cs) for k in range(col_repeat))
                col += col_repeat
            if cells:
                check_cells(
                    len(sheet.values) + len(cells) * row_repeat, path, f"sheet {sheet.name}"
                )
                for r in range(row, row + row_repeat):
                    for c, text, rs, cs in cells:
                        sheet.values[r, c] = text
                        if rs > 1 or cs > 1:
                            sheet.merges.append((r, c, r + rs - 1, c + cs - 1))
            row += row_repeat
        sheets.append(sheet)
    return sheets


_SS = "urn:schemas-microsoft-com:office:spreadsheet"
_SS_FORMATS = {  # Excel 2003 XML names its built-in number formats
    "general": "General",
    "general number": "General",
    "fixed": "0.00",
    "standard": "0.00",
    "percent": "0.00%",
    "scientific": "General",
}


def _ss(name: str) -> str:
    return f"{{{_SS}}}{name}"


def _spreadsheetml_sheets(data: bytes, path: str, notes: list[tuple[int, str]]) -> list[Sheet]:
    """Excel 2003 XML ("XML Spreadsheet", often served as .xls): rows, cells, merges, formats."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data[:65536], re.IGNORECASE):
        raise KgError("refused Excel 2003 XML file: it declares a DTD or entities", path=path)
    root = parse_xml(data, path, "Excel 2003 XML")
    formats = {}
    for style in root.iter(_ss("Style")):
        number_format = style.find(_ss("NumberFormat"))
        if number_format is not None:
            name = number_format.get(_ss("Format"), "General")
            formats[style.get(_ss("ID"))] = _SS_FORMATS.get(name.lower(), name)
    sheets = []
    for worksheet in root.iter(_ss("Worksheet")):
        sheet = Sheet(worksheet.get(_ss("Name"), ""))
        row = -1
        for row_element in worksheet.iter(_ss("Row")):
            row = _count(row_element.get(_ss("Index")), row + 2) - 1
            col = -1
            for cell in row_element.iter(_ss("Cell")):
                col = _count(cell.get(_ss("Index")), col + 2) - 1
                across = _count(cell.get(_ss("MergeAcross")), 0, low=0)
                down = _count(cell.get(_ss("MergeDown")), 0, low=0)
                value = cell.find(_ss("Data"))
                if value is not None:
                    sheet.values[row, col] = _spreadsheetml_value(
                        value, formats.get(cell.get(_ss("StyleID")))
                    )
                if across or down:
                    sheet.merges.append((row, col, row + down, col + across))
                col += across
        sheets.append(sheet)
    return sheets


def _spreadsheetml_value(element, number_format: str | None) -> str:
    text = "".join(element.itertext())
    kind = element.get(_ss("Type"), "String")
    if kind == "Number":
        try:
            return format_value(float(text), number_format)
        except ValueError:
            return text
    if kind == "DateTime":
        try:
            return format_value(dt.datetime.fromisoformat(text[:19]))
        except ValueError:
            return text
    if kind == "Boolean":
        return format_value(text.strip() == "1")
    return format_value(text)


# ---------------------------------------------------------------- layout


def _quote_sheet(name: str) -> str:
    """A sheet name as Excel writes it in a reference: quoted when not a plain word."""
    if name and all(ch.isalnum() or ch == "_" for ch in name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _layout(sheet: Sheet, path: str, blocks: list, ordinal: int, table: int) -> tuple[int, int]:
    """Append the sheet's paragraph and rows to ``blocks``; return the updated counters."""
    ordinal += 1
    blocks.append(Paragraph(raw=sheet.name, line=ordinal, end_line=ordinal, place=sheet.name))
    merges = [m for m in sheet.merges if m[2] >= m[0] and m[3] >= m[1]]
    used = [pos for pos, text in sheet.values.items() if text]
    used += [(r1, c1) for r0, c0, r1, c1 in merges if sheet.values.get((r0, c0))]
    used += [(r0, c0) for r0, c0, _r1, _c1 in merges if sheet.values.get((r0, c0))]
    if not used:
        return ordinal, table
    top, left = min(r for r, _ in used), min(c for _, c in used)
    bottom, right = max(r for r, _ in used), max(c for _, c in used)
    check_cells((bottom - top + 1) * (right - left + 1), path, f"sheet {sheet.name}")
    inside: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merges:
        r1, c1 = min(r1, bottom), min(c1, right)
        if r0 < top or c0 < left or r0 > bottom or c0 > right:
            continue
        spans[r0, c0] = (r1 - r0 + 1, c1 - c0 + 1)
        inside.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    origins = []
    for r in range(top, bottom + 1):
        for c in range(left, right + 1):
            if (r, c) in spans or (r, c) not in inside:
                rs, cs = spans.get((r, c), (1, 1))
                origins.append(Origin(r - top, c - left, rs, cs, sheet.values.get((r, c), "")))
    prefix = _quote_sheet(sheet.name)
    previous_empty = True
    for index, grid in enumerate(grid_rows(bottom - top + 1, origins)):
        if all(
            not g.covered and not g.origin.text and g.origin.row_span == g.origin.col_span == 1
            for g in grid
        ):
            previous_empty = True
            continue
        if previous_empty:
            table += 1
            previous_empty = False
        ordinal += 1
        number = top + index + 1
        cells = []
        for g in grid:
            cells.append(grid_cell(g, ordinal, f"{prefix}!{column_letters(left + g.col)}{number}"))
        blocks.append(Row(cells, ordinal, ordinal, table=table, place=f"{sheet.name} row {number}"))
    return ordinal, table


_BACKENDS = {
    "xlsx": _xlsx_sheets,
    "xls": _xls_sheets,
    "ods": _ods_sheets,
    "spreadsheetml": _spreadsheetml_sheets,
}


def read_sheet_bytes(data: bytes, path: str, fmt: str) -> ReadResult:
    """Read a spreadsheet of format ``fmt`` (xlsx, xls or ods) given as bytes."""
    blocks: list = []
    notes: list[tuple[int, str]] = []
    ordinal = table = 0
    for sheet in _BACKENDS[fmt](data, path, notes=notes):
        ordinal, table = _layout(sheet, path, blocks, ordinal, table)
    if not blocks:
        raise KgError(f"not a readable .{fmt} file (a workbook without sheets)", path=path)
    return read_result(data, path, fmt, fmt, blocks, notes)
