"""Benchmark of the format readers: documents per second per core, PDF against pdfplumber.

Run ``python scripts/bench_readers.py [--repeats N] [--rows N]``. In a temporary directory it
writes one typical project target document per format: three tables (a 项目名称 header block
and an indicator grid of ``--rows`` rows, with 一级/二级 categories merged down), as .xlsx
(openpyxl, real merged ranges), .docx (python-docx, gridSpan/vMerge), .html (rowspan/colspan
inside a portal layout table), .md, the seed text layout, and .pdf (reportlab, ruled tables with
a CJK font, several pages). Each file is then read ``--repeats`` times with
:func:`kg.readers.read_path`, in one process (so the figures are per core); CPU time is used, so
a busy machine slows the figures less than wall time would.

The PDF baseline is measured in the same run, interleaved with our reader: pdfplumber's own
``extract_tables()`` on every page of the same file. The target is ``ratio`` ≤ 1.5. A last line
times the libraries the readers were chosen among (docs/formats.md says why): openpyxl and
calamine loading the same workbook, and pypdfium2's plain text extraction of the same PDF.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kg.extraction import extract_file
from kg.readers import read_path

LEVELS = [
    ("产出指标", ["数量指标", "质量指标", "时效指标", "成本指标"]),
    ("效益指标", ["社会效益指标", "可持续影响指标"]),
    ("满意度指标", ["服务对象满意度指标"]),
]
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "权重", "备注"]


def indicator_rows(rows: int) -> list[list[str]]:
    """``rows`` indicator rows: level 1, level 2, name, value, weight, note (categories repeat)."""
    pairs = [(level1, level2) for level1, level2s in LEVELS for level2 in level2s]
    out = []
    for index in range(rows):
        level1, level2 = pairs[index * len(pairs) // rows]
        out.append([level1, level2, f"指标{index + 1}", f"≥{90 + index % 10}%", "5", ""])
    return out


def runs(column: list[str]) -> list[tuple[int, int]]:
    """(start, length) of the runs of equal values in a column: the merged ranges."""
    spans, start = [], 0
    for index in range(1, len(column) + 1):
        if index == len(column) or column[index] != column[start]:
            spans.append((start, index - start))
            start = index
    return spans


def tables(rows: int, count: int = 3) -> list[tuple[str, list[list[str]]]]:
    return [(f"乡村振兴项目{n + 1}", indicator_rows(rows)) for n in range(count)]


def write_xlsx(path: Path, rows: int) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "项目支出绩效目标表"
    r = 1
    for name, body in tables(rows):
        sheet.cell(r, 1, "项目名称")
        sheet.cell(r, 2, name)
        sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        for c, text in enumerate(HEADER, 1):
            sheet.cell(r + 1, c, text)
        top = r + 2
        for i, row in enumerate(body):
            for c, text in enumerate(row, 1):
                if text:
                    sheet.cell(top + i, c, text)
        for c in (0, 1):
            for start, length in runs([row[c] for row in body]):
                if length > 1:
                    sheet.merge_cells(
                        start_row=top + start,
                        start_column=c + 1,
                        end_row=top + start + length - 1,
                        end_column=c + 1,
                    )
        r = top + len(body) + 1
    workbook.save(path)


def write_docx(path: Path, rows: int) -> None:
    import docx

    document = docx.Document()
    for name, body in tables(rows):
        document.add_paragraph(f"{name}绩效目标表")
        table = document.add_table(rows=len(body) + 2, cols=6)
        table.cell(0, 0).text = "项目名称"
        table.cell(0, 1).merge(table.cell(0, 5)).text = name
        for c, text in enumerate(HEADER):
            table.cell(1, c).text = text
        for i, row in enumerate(body):
            for c in range(2, 6):
                table.cell(i + 2, c).text = row[c]
        for c in (0, 1):
            for start, length in runs([row[c] for row in body]):
                merged = table.cell(start + 2, c).merge(table.cell(start + length + 1, c))
                merged.text = body[start][c]
    document.save(path)


def html_text(rows: int) -> str:
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>绩效目标公开</title></head><body>',
        '<table class="layout"><tr><td>索引号：001 发布日期：2024-03-01</td></tr><tr><td>',
    ]
    for name, body in tables(rows):
        parts.append(f'<p>{name}绩效目标表</p><table border="1">')
        parts.append(f'<tr><td>项目名称</td><td colspan="5">{name}</td></tr>')
        parts.append("<tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>")
        starts = [{s: n for s, n in runs([row[c] for row in body])} for c in (0, 1)]
        for i, row in enumerate(body):
            cells = []
            for c, text in enumerate(row):
                if c < 2:
                    if i not in starts[c]:
                        continue
                    cells.append(f'<td rowspan="{starts[c][i]}">{text}</td>')
                else:
                    cells.append(f"<td>{text}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts.append("</td></tr></table></body></html>")
    return "\n".join(parts)


def md_text(rows: int) -> str:
    lines = []
    for name, body in tables(rows):
        lines += [f"## {name}绩效目标表", "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * 6]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        lines.append("")
    return "\n".join(lines)


def dump_text(rows: int) -> str:
    lines = []
    for name, body in tables(rows):
        lines.append(f"{name}绩效目标表")
        for row in [["项目名称", name], HEADER, *body]:
            lines += ["\t" + cell for cell in row] + [""]
    return "\n".join(lines)


def write_pdf(path: Path, rows: int) -> int:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=10)
    story = []
    for name, body in tables(rows):
        data = [["项目名称", name, "", "", "", ""], HEADER, *body]
        commands = [
            ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
            ("GRID", (0, 0), (-1, -1), 0.5, "black"),
            ("SPAN", (1, 0), (5, 0)),
        ]
        for c in (0, 1):
            for start, length in runs([row[c] for row in body]):
                if length > 1:
                    commands.append(("SPAN", (c, start + 2), (c, start + length + 1)))
        table = Table(data, repeatRows=2)
        table.setStyle(TableStyle(commands))
        story += [Paragraph(f"{name}绩效目标表", style), table]
    document = SimpleDocTemplate(str(path))
    document.build(story)
    return document.page


def cpu_seconds(function, repeats: int) -> float:
    """Median CPU seconds of one call."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def pdfplumber_tables(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def openpyxl_load(path: Path) -> None:
    """openpyxl as the xlsx reader uses it: values, number formats and merged ranges."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), data_only=True)
    for sheet in workbook.worksheets:
        list(sheet.merged_cells.ranges)
        [(cell.value, cell.number_format) for cell in sheet._cells.values()]


def calamine_load(path: Path) -> None:
    """calamine on the same workbook: values and merged ranges (it has no number formats)."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        sheet.to_python(skip_empty_area=False)
        sheet.merged_cell_ranges  # noqa: B018 - the property reads the ranges


def pdfium_text(path: Path) -> None:
    """pypdfium2's text of every page (it has no table finder)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path.read_bytes())
    for page in document:
        page.get_textpage().get_text_range()
    document.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--rows", type=int, default=30, help="indicator rows per table")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-readers-") as tmp:
        folder = Path(tmp)
        files = {
            "xlsx": folder / "target.xlsx",
            "docx": folder / "target.docx",
            "html": folder / "target.html",
            "md": folder / "target.md",
            "text": folder / "target.txt",
        }
        write_xlsx(files["xlsx"], args.rows)
        write_docx(files["docx"], args.rows)
        files["html"].write_text(html_text(args.rows), encoding="utf-8")
        files["md"].write_text(md_text(args.rows), encoding="utf-8")
        files["text"].write_text(dump_text(args.rows), encoding="utf-8")
        pdf = folder / "target.pdf"
        pages = write_pdf(pdf, args.rows)
        print(
            f"{'format':6} {'rows':>5} {'ms/doc':>8} {'docs/s/core':>12}   "
            f"{'+extract ms':>11} {'docs/s/core':>12} {'indicators':>10}"
        )
        for fmt, path in files.items():
            result = read_path(path)
            assert result.format == fmt, (fmt, result.format)
            seconds = cpu_seconds(lambda path=path: read_path(path), args.repeats)
            found = sum(len(p.indicators) for p in extract_file(path).projects)
            whole = cpu_seconds(lambda path=path: extract_file(path), args.repeats)
            print(
                f"{fmt:6} {len(result.rows):>5} {seconds * 1000:>8.1f} {1 / seconds:>12.1f}   "
                f"{whole * 1000:>11.1f} {1 / whole:>12.1f} {found:>10}"
            )
        result = read_path(pdf)
        ours, base = [], []
        for _ in range(max(3, args.repeats // 4)):  # interleaved: both see the same machine load
            ours.append(cpu_seconds(lambda: read_path(pdf), 1))
            base.append(cpu_seconds(lambda: pdfplumber_tables(pdf), 1))
        ours_s, base_s = statistics.median(ours), statistics.median(base)
        print(
            f"pdf    {len(result.rows):>5} rows on {pages} pages: pikg {pages / ours_s:.1f} pages/s/core, "
            f"pdfplumber extract_tables() {pages / base_s:.1f} pages/s/core, "
            f"ratio {ours_s / base_s:.2f} (target <= 1.5)"
        )
        op = cpu_seconds(lambda: openpyxl_load(files["xlsx"]), args.repeats)
        cal = cpu_seconds(lambda: calamine_load(files["xlsx"]), args.repeats)
        pdfium = cpu_seconds(lambda: pdfium_text(pdf), args.repeats)
        print(
            f"libraries: xlsx load openpyxl {op * 1000:.2f} ms, calamine {cal * 1000:.2f} ms; "
            f"pypdfium2 text only {pdfium * 1000 / pages:.2f} ms/page"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
