"""The national-template corpus (kg.synth.templates): files hold what their answer keys say.

Every file is read back with its raw library (openpyxl, python-docx, lxml, pdfplumber, plain text)
and never with pikg's readers. A small independent reading, below, turns each file into filled
grids (a merged cell's text in every position it covers), finds the indicator header by its words,
maps columns by header text and carries categories down; what it finds must equal the key.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from opencc import OpenCC

from kg.errors import KgError
from kg.synth.templates import (
    FORMATS,
    HTML_HAZARDS,
    RENDERERS,
    generate_template_corpus,
    known_hazards,
    make_document,
    make_file,
    render,
)

T2S = OpenCC("t2s")
FIXTURES = Path(__file__).parent / "data" / "layouts"

# Header label (simplified) → answer-key name; the reading below uses only this and the file.
LABELS = {
    "三级指标": "name",
    "指标名称": "name",
    "指标内容": "name",
    "指标值": "target",
    "目标值": "target",
    "年度指标值": "target",
    "指标值及单位": "target",
    "年度目标值": "target",
    "长期指标值": "long_term",
    "实际完成值": "actual",
    "全年实际值": "actual",
    "实际完成情况": "actual",
    "计量单位": "unit",
    "度量单位": "unit",
    "指标性质": "comparator",
    "指标值类型": "comparator",
    "权重": "weight",
    "分值": "weight",
    "权重（%）": "weight",
    "得分": "score",
    "指标方向": "direction",
    "指标方向性": "direction",
    "评分标准": "scoring_rule",
    "计分标准": "scoring_rule",
    "评（扣）分标准": "scoring_rule",
    "评分细则": "scoring_rule",
    "指标解释": "explanation",
    "指标说明": "explanation",
    "备注": "explanation",
    "偏差原因分析及改进措施": "deviation",
    "偏差原因": "deviation",
}
LEVEL_LABELS = {"一级指标", "二级指标", "三级指标", "指标名称", "指标内容"}
LEVEL1 = {"产出指标", "效益指标", "效果指标", "满意度指标", "成本指标"}
SLOT = re.compile(r"^指标\d+：$")
BLOCK_LABELS = {"项目名称", "部门（单位）名称", "部门名称", "单位名称", "总分", "合计"}


def fold(text: str) -> str:
    return re.sub(r"\s+", "", T2S.convert(text or ""))


# --- raw readings: each format to a list of filled grids -------------------------------------


def grids_xlsx(data: bytes) -> list[list[list[str]]]:
    from openpyxl import load_workbook

    out = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        rows = [[_shown(cell) for cell in row] for row in ws.iter_rows()]
        for merged in ws.merged_cells.ranges:
            text = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    rows[r][c] = text
        out.append(rows)
    return out


def _shown(cell) -> str:
    """A cell as Excel prints it, for the number formats a finance sheet uses."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _formatted(value, cell.number_format)
    return str(value)


def _formatted(value: float, fmt: str) -> str:
    """A number as its number format prints it (the formats a finance sheet uses)."""
    places = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
    if fmt.endswith("%"):
        return f"{value * 100:.{places}f}%"
    if fmt.startswith("0"):
        return f"{value:.{places}f}"
    return f"{value:g}"


def grids_xls(data: bytes) -> list[list[list[str]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    out = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_NUMBER:
                    fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                    row.append(_formatted(cell.value, fmt))
                else:
                    row.append(str(cell.value))
            rows.append(row)
        for rlo, rhi, clo, chi in sheet.merged_cells:
            for r in range(rlo, rhi):
                for c in range(clo, chi):
                    rows[r][c] = rows[rlo][clo]
        out.append(rows)
    return out


ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def grids_ods(data: bytes) -> list[list[list[str]]]:
    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("content.xml"))
    t = "{" + ODS["table"] + "}"
    out = []
    for table in root.iter(t + "table"):
        filled: dict[tuple[int, int], str] = {}
        width = 0
        rows = table.findall(t + "table-row")
        for r, row in enumerate(rows):
            c = 0
            for cell in row:
                for _ in range(int(cell.get(t + "number-columns-repeated", 1))):
                    if cell.tag == t + "table-cell":
                        text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", ODS))
                        for dr in range(int(cell.get(t + "number-rows-spanned", 1))):
                            for dc in range(int(cell.get(t + "number-columns-spanned", 1))):
                                filled[(r + dr, c + dc)] = text
                    c += 1
            width = max(width, c)
        out.append([[filled.get((r, c), "") for c in range(width)] for r in range(len(rows))])
    return out


def grids_html(data: bytes) -> list[list[list[str]]]:
    from lxml import html

    root = html.fromstring(data)
    out = []
    for table in root.iter("table"):
        if table.xpath(".//table"):
            continue  # a layout table around the content
        filled: dict[tuple[int, int], str] = {}
        for r, tr in enumerate(table.xpath("./tr|./tbody/tr")):
            c = 0
            for td in tr.xpath("./td|./th"):
                while (r, c) in filled:
                    c += 1
                text = "\n".join(td.itertext())
                for dr in range(int(td.get("rowspan", 1))):
                    for dc in range(int(td.get("colspan", 1))):
                        filled[(r + dr, c + dc)] = text
                c += int(td.get("colspan", 1))
        rows = max(r for r, _ in filled) + 1
        cols = max(c for _, c in filled) + 1
        out.append([[filled.get((r, c), "") for c in range(cols)] for r in range(rows)])
    return out


def grids_docx(data: bytes) -> list[list[list[str]]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]


def grids_pdf(data: bytes) -> list[list[list[str]]]:
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                out.append([[c or "" for c in row] for row in table])
    return out


def grids_md(data: bytes) -> list[list[list[str]]]:
    out, current = [], []
    for line in [*data.decode("utf-8").splitlines(), ""]:
        if line.startswith("|"):
            if not re.fullmatch(r"\|(---\|)+", line):
                cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
                current.append([c.strip().replace("<br>", "\n") for c in cells])
        elif current:
            out.append(current)
            current = []
    return out


def grids_txt(data: bytes) -> list[list[list[str]]]:
    """Rows are blocks of TAB lines; short indicator rows are right-aligned under the header."""
    rows: list[list[str]] = []
    current: list[str] = []
    for line in data.decode("utf-8").splitlines():
        if line.startswith("\t"):
            current.append(line[1:])
        elif line.strip() == "":
            if current:
                rows.append(current)
            current = []
        elif current:
            current[-1] += "\n" + line
        else:
            rows.append([])  # prose between tables
    width = 0
    filled: list[list[str]] = []
    for row in rows:
        first = fold(row[0]) if row else ""
        if "一级指标" in [fold(c) for c in row]:
            above = filled[-1] if filled else []
            if above and fold(above[0]).endswith("绩效指标"):
                row = _two_row_header(above, row)
            width = len(row)
        elif first in BLOCK_LABELS or not row:
            width = 0  # the header block of the next table, a total row or prose
        elif width and len(row) < width:
            row = [""] * (width - len(row)) + row  # merged category cells are missing
        filled.append(row)
    return [filled]


def all_text(fmt: str, data: bytes) -> str:
    """Every piece of text of a file, tables and paragraphs, for presence checks."""
    if fmt in ("xlsx", "xls", "ods"):
        return "\n".join("\n".join("\t".join(r) for r in g) for g in RAW[fmt](data))
    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        cells = "\n".join("\t".join(r) for g in grids_docx(data) for r in g)
        return "\n".join(p.text for p in document.paragraphs) + "\n" + cells
    if fmt == "pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(page.extract_text() for page in pdf.pages)
    if fmt == "html":
        from lxml import html

        return html.fromstring(data).body.text_content()
    return data.decode("utf-8")


def _two_row_header(upper: list[str], lower: list[str]) -> list[str]:
    """Header labels of a two-row header in a dump, where each cell is printed once: the level
    labels sit under 绩效指标, the other lower labels under 年度, the rest span both rows."""
    levels = [c for c in lower if fold(c) in LEVEL_LABELS]
    others = [c for c in lower if fold(c) not in LEVEL_LABELS]
    out: list[str] = []
    for cell in upper:
        if fold(cell).endswith("绩效指标"):
            out += levels
        elif fold(cell) == "年度":
            out += others
        else:
            out.append(cell)
    return out


RAW = {
    "xlsx": grids_xlsx,
    "xls": grids_xls,
    "ods": grids_ods,
    "html": grids_html,
    "docx": grids_docx,
    "pdf": grids_pdf,
    "md": grids_md,
    "txt": grids_txt,
}


def read_indicators(grids: list[list[list[str]]]) -> list[list[dict[str, str]]]:
    """Indicator rows per table, by header words only; a repeated header continues its table."""
    tables: list[list[dict[str, str]]] = []
    for rows in grids:
        keys: list[str] | None = None
        since_data: list[str] = []  # first cells seen since the last indicator row
        above: list[str] = []
        for row in rows:
            folded = [fold(c) for c in row]
            if "一级指标" in folded:
                # a two-row header leaves the lower row empty under a label spanning both rows
                keys = _keys(
                    [c or (above[i] if i < len(above) else "") for i, c in enumerate(folded)]
                )
                repeat = tables and tables[-1] and not BLOCK_LABELS & set(since_data)
                if not repeat:
                    tables.append([])
                since_data = []
                continue
            above = folded
            first = folded[0] if folded else ""
            if first and first not in LEVEL1:
                keys = None  # the next table's header block, a total row
            carried = not first and keys is not None and tables and tables[-1] and any(folded)
            if keys is None or not (first in LEVEL1 or carried):
                since_data.append(first)
                continue
            since_data = []
            entry = {}
            for key, text in zip(keys, row, strict=False):
                if key and text.strip() and key not in entry:
                    entry[key] = text
            for key in ("level1", "level2"):  # merged above, or on the page before
                if key in keys and key not in entry and tables[-1]:
                    entry[key] = tables[-1][-1][key]
            if "name" not in entry or SLOT.match(fold(entry["name"])):
                continue
            tables[-1].append(entry)
    return tables


def _keys(folded: list[str]) -> list[str]:
    keys: list[str] = []
    has_name = any(LABELS.get(c) == "name" for c in folded)
    for c in folded:
        if c == "一级指标":
            keys.append("level1")
        elif c == "二级指标":
            keys.append("level2" if has_name else "name")
        else:
            keys.append(LABELS.get(c, ""))
    return keys


def expected(answer: dict) -> list[list[dict[str, str]]]:
    return [
        [{k: v for k, v in ind.items() if v} for ind in table["indicators"]]
        for table in answer["tables"]
    ]


def squash(tables: list[list[dict[str, str]]]) -> list[list[dict[str, str]]]:
    """Whitespace-free values: PDF cells wrap long text over lines."""
    return [[{k: re.sub(r"\s+", "", v) for k, v in e.items()} for e in t] for t in tables]


# --- tests --------------------------------------------------------------------------------------


def _docs(fmt: str, count: int = 5, hazards=None):
    for index in range(count):
        doc = make_document(11, index, fmt, hazards)
        yield doc, render(doc)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_files_hold_the_answer_key_cell_for_cell(fmt):
    for doc, data in _docs(fmt, count=3 if fmt in ("pdf", "docx") else 5):  # the slow ones
        answer = doc.answer()
        found = read_indicators(RAW[fmt](data))
        want = expected(answer)
        assert squash(found) == squash(want), (fmt, doc.index, doc.hazards)
        everything = re.sub(r"\s+", "", all_text(fmt, data))
        assert answer["title"] in everything and answer["unit"] in everything
        text = "\n".join("\n".join("\t".join(r) for r in g) for g in RAW[fmt](data))
        for table in answer["tables"]:
            for value in [table["name"], *table["header"].values()]:
                assert value.replace("\n", "") in text.replace("\n", ""), (fmt, doc.index, value)
            for task in table.get("tasks", []):
                assert task["content"] in text
            for value in table.get("money", {}).values():
                assert value in text
            if "total_score" in table:
                assert table["total_score"] in text


def _merged(fmt: str, data: bytes, doc) -> bool:
    """The file shows merged category cells the way its format does."""
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheets = load_workbook(io.BytesIO(data)).worksheets
        return any(m.max_row > m.min_row for ws in sheets for m in ws.merged_cells.ranges)
    if fmt == "xls":
        import xlrd

        sheets = xlrd.open_workbook(file_contents=data, formatting_info=True).sheets()
        return any(rhi - rlo > 1 for s in sheets for rlo, rhi, _, _ in s.merged_cells)
    if fmt == "ods":
        return b"number-rows-spanned" in zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    if fmt == "docx":
        return b"<w:vMerge/>" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    if fmt == "html":
        return b'rowspan="' in data
    if fmt == "pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            tables = [t for page in pdf.pages for t in page.extract_tables()]
        return any(row[0] is None for t in tables for row in t)
    indicators = [i for t in doc.answer()["tables"] for i in t["indicators"]]
    text = data.decode()
    if fmt == "md":  # a row whose category cells are left empty
        starts = {f"|  | {i.get('level2', i['name'])} |" for i in indicators}
        return any(f"|  |  | {i['name']} |" in text for i in indicators) or any(
            line.startswith(tuple(starts)) for line in text.splitlines()
        )
    return any(f"\n\n\t{i['name']}\n" in text for i in indicators)  # a row starting at 三级


def _numbers_stored(fmt: str, data: bytes) -> bool:
    """Some cell holds a number (with a number format), not text."""
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheets = load_workbook(io.BytesIO(data)).worksheets
        kinds = {type(c.value) for ws in sheets for row in ws.iter_rows() for c in row}
        return bool({int, float} & kinds)
    if fmt == "xls":
        import xlrd

        sheets = xlrd.open_workbook(file_contents=data).sheets()
        return any(xlrd.XL_CELL_NUMBER in s.row_types(r) for s in sheets for r in range(s.nrows))
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    return b'office:value-type="float"' in content or b'value-type="percentage"' in content


def _shows(hazard: str, fmt: str, doc, data: bytes) -> bool:
    grids = RAW[fmt](data)
    flat = [fold(c) for g in grids for r in g for c in r]
    cells = "".join(c for g in grids for r in g for c in r)
    if hazard == "merged_cells":
        return _merged(fmt, data, doc)
    if hazard == "two_row_header":
        return bool({"绩效指标", "本年度绩效指标", "年度绩效指标"} & set(flat))
    if hazard == "page_break":
        return flat.count("一级指标") > len(doc.tables)
    if hazard == "multiple_tables":
        return len(read_indicators(grids)) == len(doc.tables) >= 2
    if hazard == "traditional":
        return "績效" in cells and "绩效" not in cells
    if hazard == "furniture":
        everything = all_text(fmt, data)
        return everything.index("索引号") < everything.index(doc.title[:8])
    if hazard == "unit_cell":
        return "单位名称" in flat or "部门名称" in flat
    if hazard == "empty_slots":
        return any(SLOT.match(c) for c in flat)
    if hazard == "two_level_grid":
        return "二级指标" in flat and not {"三级指标", "指标名称", "指标内容"} & set(flat)
    if hazard == "numeric_cells":
        return _numbers_stored(fmt, data)
    if hazard == "fullwidth_digits":
        return bool(re.search("[０-９]", cells))
    if hazard == "audit_faults":  # what each fault breaks is checked in its own test below
        faults = [f for t in doc.answer()["tables"] for f in t.get("faults", [])]
        names = {fold(r["name"]) for t in read_indicators(grids) for r in t}
        return bool(faults) and all(fold(f.get("indicator", "")) in names | {""} for f in faults)
    raise AssertionError(f"no check for {hazard}")


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_hazard_shows_when_switched_on(fmt):
    for hazard in known_hazards(fmt):
        if hazard in HTML_HAZARDS:
            continue  # checked on the page below
        shown = 0
        for index in range(3):
            needs = (
                ["merged_cells"] if hazard == "two_row_header" else []
            )  # a group cell is a merge
            doc = make_document(5, index, fmt, [hazard, *needs])
            if hazard not in doc.hazards:
                continue  # e.g. a 单位名称 cell drawn into a department-only document
            assert _shows(hazard, fmt, doc, render(doc)), (fmt, hazard, index)
            shown += 1
            break
        assert shown, (fmt, hazard)
    plain = make_document(5, 0, fmt, [])
    data = render(plain)
    assert plain.hazards == []
    for hazard in ("merged_cells", "two_row_header", "traditional", "empty_slots"):
        assert not _shows(hazard, fmt, plain, data), (fmt, hazard)


def test_html_hazards_gbk_nested_xls_name_and_furniture():
    doc = make_document(2, 1, "html", ["gbk", "nested_layout", "xls_name", "furniture"])
    data = render(doc)
    assert doc.file_name.endswith(".xls")
    assert b"charset=gbk" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    from lxml import html

    root = html.fromstring(data.decode("gbk"))
    assert root.xpath("//table[@class='layout']//table")
    assert root.xpath("//meta[@name='ArticleTitle']")
    text = root.body.text_content()
    assert text.index("索引号") < text.index("第1页") < text.index(doc.title)


def test_xlsx_category_cells_are_real_merged_ranges():
    from openpyxl import load_workbook

    doc = make_document(3, 0, "xlsx", ["merged_cells"])
    ws = load_workbook(io.BytesIO(render(doc))).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    level1_cells = [c for row in ws.iter_rows() for c in row if c.value in LEVEL1]
    assert level1_cells
    spans = [m for m in ws.merged_cells.ranges if ws.cell(m.min_row, m.min_col).value in LEVEL1]
    assert any(m.max_row > m.min_row for m in spans)
    assert any(m.max_col > m.min_col for m in ws.merged_cells.ranges), merged
    flat = make_document(3, 0, "xlsx", [])
    ranges = load_workbook(io.BytesIO(render(flat))).active.merged_cells.ranges
    assert [r.min_row for r in ranges] == [1]  # only the title row spans the sheet


def test_docx_merges_are_real_grid_spans_and_vertical_merges():
    doc = make_document(3, 1, "docx", ["merged_cells", "two_row_header"])
    xml = zipfile.ZipFile(io.BytesIO(render(doc))).read("word/document.xml").decode()
    assert 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml
    assert re.search(r'<w:gridSpan w:val="[2-9]"/>', xml)
    assert "<w:tblHeader/>" in xml


def test_pdf_has_ruled_tables_and_a_chinese_text_layer():
    import pdfplumber

    doc = make_document(6, 2, "pdf", ["merged_cells", "page_break", "furniture"])
    with pdfplumber.open(io.BytesIO(render(doc))) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        assert len(pdf.pages) >= 2 and all(page.lines or page.rects for page in pdf.pages)
    assert doc.title in text.replace("\n", "") and "一级指标" in text
    assert text.index("索引号") < text.index(doc.title)


def test_pdf_tables_flowing_over_a_page_repeat_their_header_and_say_so():
    import pdfplumber

    for index in range(20):
        doc = make_document(2, index, "pdf", ["merged_cells"])
        data = render(doc)
        if "page_break" in doc.hazards:
            break
    else:
        raise AssertionError("no table flowed over a page in 20 documents")
    assert len(doc.tables) == 1  # one table, no planned break: reportlab split it
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [
            [fold(c or "") for t in p.extract_tables() for r in t for c in r] for p in pdf.pages
        ]
    assert len(pages) >= 2 and all("一级指标" in cells for cells in pages)
    assert squash(read_indicators(grids_pdf(data))) == squash(expected(doc.answer()))


def test_txt_short_rows_start_at_level_two_or_three():
    doc = make_document(4, 0, "txt", ["merged_cells"])
    blocks = render(doc).decode().split("\n\n")
    rows = [[line[1:] for line in b.splitlines() if line.startswith("\t")] for b in blocks]
    names = {i["name"] for t in doc.answer()["tables"] for i in t["indicators"]}
    starts = {row[0] for row in rows if row}
    assert names & starts  # rows that begin at 三级 (their categories are merged above)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_same_seed_same_bytes(fmt):
    one = [render(make_document(9, i, fmt)) for i in range(3)]
    two = [render(make_document(9, i, fmt)) for i in range(3)]
    assert one == two
    assert render(make_document(10, 0, fmt)) != one[0]


def test_same_bytes_in_another_process_with_another_hash_seed():
    """No set order, clock or process id leaks into a file."""
    import hashlib
    import os
    import subprocess
    import sys

    script = (
        "import hashlib\n"
        "from kg.synth.templates import FORMATS, make_document, render\n"
        "for fmt in FORMATS:\n"
        "    print(fmt, hashlib.sha256(render(make_document(21, 1, fmt))).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    here = {
        f"{fmt} {hashlib.sha256(render(make_document(21, 1, fmt))).hexdigest()}" for fmt in FORMATS
    }
    assert set(run.stdout.splitlines()) == here


def test_corpus_writes_files_answer_keys_and_manifest(tmp_path):
    manifest = generate_template_corpus(tmp_path, len(FORMATS), seed=2, formats=["all"])
    assert [d["format"] for d in manifest["documents"]] == list(FORMATS)  # all: cycled
    answers = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert answers == manifest
    for entry in manifest["documents"]:
        assert (tmp_path / entry["file"]).is_file()
        stem = entry["file"].split(".")[0]
        key = json.loads((tmp_path / f"{stem}.answer.json").read_text(encoding="utf-8"))
        assert key == entry and key["seed"] == 2
        assert {"kind", "name", "header", "indicators"} <= set(key["tables"][0])


def test_kg_synth_national_writes_files_and_answer_keys(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path / "national"
    args = ["synth", "--layout", "national", "--format", "md", "-n", "3", "--hazard", "traditional"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--seed", "4", "-q"])
    assert result.exit_code == 0, result.output
    assert "wrote 3 national-template documents (md)" in result.output
    assert sorted(p.name for p in out.glob("*.md")) == ["0000.md", "0001.md", "0002.md"]
    answers = json.loads((out / "answers.json").read_text(encoding="utf-8"))
    assert [d["hazards"] for d in answers["documents"]] == [["traditional"]] * 3
    bad = CliRunner().invoke(app, ["synth", "--format", "pdf", "-n", "1", "--out", str(out)])
    assert bad.exit_code != 0 and "txt or docx" in str(bad.exception)


def test_make_file_is_the_document_the_corpus_writes(tmp_path):
    generate_template_corpus(tmp_path, 2, seed=8, formats=["md", "html"])
    name, data, key = make_file(8, 1, "html")
    assert (tmp_path / name).read_bytes() == data
    assert json.loads((tmp_path / "0001.answer.json").read_text(encoding="utf-8")) == key


def test_bad_requests_are_one_clear_error(tmp_path):
    with pytest.raises(KgError, match="at least 1"):
        generate_template_corpus(tmp_path, 0)
    with pytest.raises(KgError, match="unknown format"):
        generate_template_corpus(tmp_path, 1, formats=["doc"])
    with pytest.raises(KgError, match="unknown hazard"):
        make_document(0, 0, "xlsx", ["smudges"])
    assert set(make_document(0, 0, "txt", ["gbk", "furniture"]).hazards) == {"furniture"}
    assert set(HTML_HAZARDS) <= set(make_document(0, 0, "html", list(HTML_HAZARDS)).hazards)


def test_ooxml_zips_have_fixed_dates():
    data = render(make_document(1, 0, "xlsx"))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {i.date_time for i in archive.infolist()} == {(2020, 1, 1, 0, 0, 0)}
    assert b"2020-01-01T00:00:00Z" in archive.read("docProps/core.xml")


FIXTURE_KEYS = sorted(FIXTURES.glob("*.answer.json"))


def test_fixtures_cover_every_template_and_the_named_hazards():
    keys = [json.loads(p.read_text(encoding="utf-8")) for p in FIXTURE_KEYS]
    kinds = {t["kind"] for k in keys for t in k["tables"]}
    assert kinds == {"project", "department", "self_evaluation"}
    hazards = {h for k in keys for h in k["hazards"]}
    assert {"traditional", "two_level_grid", "empty_slots", "furniture", "unit_cell"} <= hazards


@pytest.mark.parametrize("key_path", FIXTURE_KEYS, ids=lambda p: p.name.split(".")[0])
def test_fixture_answer_key_matches_the_fixture_text(key_path):
    key = json.loads(key_path.read_text(encoding="utf-8"))
    data = (FIXTURES / key["file"]).read_bytes()
    grids = RAW[key["format"]](data)
    assert squash(read_indicators(grids)) == squash(expected(key))
    text = "".join(c for g in grids for r in g for c in r)
    raw = data.decode("gbk" if "gbk" in key["hazards"] else "utf-8")
    assert key["title"] in raw and key["unit"] in raw and str(key["year"]) in key["title"]
    for table in key["tables"]:
        values = [table["name"], *table["header"].values(), table.get("total_score", "")]
        values += [v for task in table.get("tasks", []) for v in task.values()]
        values += list(table.get("money", {}).values())
        for value in values:
            assert value in text, value


def test_self_evaluation_scores_follow_the_scoring_convention():
    """财预〔2020〕10号: 90 points over indicators, 10 for 预算执行率; no score above its weight."""
    checked = 0
    for index in range(30):
        for table in make_document(12, index, "txt", ["merged_cells"]).answer()["tables"]:
            if table["kind"] != "self_evaluation":
                continue
            rows = table["indicators"]
            assert sum(int(r["weight"]) for r in rows) == 90
            assert all(int(r["score"]) <= int(r["weight"]) for r in rows)
            short = [r for r in rows if int(r["score"]) < int(r["weight"])]
            assert all(r.get("deviation", "无") != "无" for r in short)
            money = table["money"]
            rate = float(money["全年执行数"]) / float(money["全年预算数"])
            assert money["执行率"] == f"{rate * 100:.2f}%"
            total = sum(int(r["score"]) for r in rows) + float(money["得分"])
            assert float(table["total_score"]) == pytest.approx(total)
            checked += 1
    assert checked >= 3


def _number_in(text: str) -> float | None:
    found = re.search(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", text))
    return float(found.group()) if found else None


def _misses(row: dict[str, str]) -> bool:
    target, actual = _number_in(row["target"]), _number_in(row["actual"])
    if target is None or actual is None:
        return row["actual"] in ("基本完成", "部分完成", "未完成")
    return actual > target if "≤" in row["target"] else actual < target


FAULT_HOLDS = {
    "missing_category": lambda rows, t, f: all(r["level1"] != f["category"] for r in rows),
    "satisfaction_below_floor": lambda rows, t, f: _number_in(rows[0]["target"]) < 80,
    "qualitative_only": lambda rows, t, f: _number_in(rows[0]["target"]) is None,
    "score_above_weight": lambda rows, t, f: int(rows[0]["score"]) > int(rows[0]["weight"]),
    "weights_not_90": lambda rows, t, f: sum(int(r["weight"]) for r in rows) != 90,
    "full_score_on_miss": lambda rows, t, f: (
        rows[0]["score"] == rows[0]["weight"] and _misses(rows[0])
    ),
    "shortfall_without_reason": lambda rows, t, f: (
        int(rows[0]["score"]) < int(rows[0]["weight"]) and "deviation" not in rows[0]
    ),
    "execution_rate_mismatch": lambda rows, t, f: (
        t["money"]["执行率"]
        != f"{float(t['money']['全年执行数']) / float(t['money']['全年预算数']) * 100:.2f}%"
    ),
}


def test_planted_audit_faults_hold_in_the_file():
    """Each planted fault (layouts.md §1 rules) is visible in the rows read back from the file."""
    seen = set()
    for index in range(60):
        doc = make_document(3, index, "md", ["audit_faults", "merged_cells"])
        tables = read_indicators(grids_md(render(doc)))
        for read, table in zip(tables, doc.answer()["tables"], strict=True):
            for fault in table.get("faults", []):
                rows = read
                if "indicator" in fault:
                    rows = [r for r in read if r["name"] == fault["indicator"]]
                    rows += [r for r in read if r["name"] != fault["indicator"]]
                    assert rows[0]["name"] == fault["indicator"]
                if fault["kind"] == "weights_not_90":
                    rows = read
                assert FAULT_HOLDS[fault["kind"]](rows, table, fault), (index, fault)
                seen.add(fault["kind"])
    assert seen == set(FAULT_HOLDS)
    clean = make_document(3, 0, "md", ["merged_cells"]).answer()
    assert not any("faults" in t for t in clean["tables"])
