"""Write a document as Markdown: headings and pipe tables, as converters of web pages print them.

Pipe tables cannot span, so a merged cell's text stands in its first row and column and the
positions it covers are empty.
"""

from __future__ import annotations

from kg.synth.templates.common import grids, page_break, preamble
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _pipe(grid: Grid) -> list[str]:
    matrix = grid.matrix()
    lines = ["| " + " | ".join(_cell(t) for t in matrix[0]) + " |"]
    lines.append("|" + "---|" * grid.width)
    lines += ["| " + " | ".join(_cell(t) for t in row) + " |" for row in matrix[1:]]
    return lines


def render_md(doc: TemplateDocument) -> bytes:
    """The document as UTF-8 Markdown."""
    *before, title, intro = preamble(doc)
    lines = [*before, "", f"# {title}", "", intro, ""]
    page = 1
    for table in doc.tables:
        lines += [f"## {table.caption}", "", doc.money_unit, ""]
        for part in grids(doc, table):
            page, above = page_break(part, page)
            lines += above
            lines += [*_pipe(part), ""]
    lines += [line + "  " for line in doc.outro.splitlines()]
    return ("\n".join(lines) + "\n").encode("utf-8")
