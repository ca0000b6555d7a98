"""Write a document as a seed-style text dump: one TAB-led line per cell, a blank line per row.

This is what a Word or web table looks like after a plain-text export: a merged cell appears
once, in its first row, so continuation rows are short (they start at 二级 or 三级).
"""

from __future__ import annotations

from kg.synth.templates.common import grids, page_break, preamble
from kg.synth.templates.model import TemplateDocument


def render_txt(doc: TemplateDocument) -> bytes:
    """The document as UTF-8 text in the seed dump layout."""
    lines = [*preamble(doc), ""]
    page = 1
    for table in doc.tables:
        lines += [table.caption, f"\t{doc.money_unit}", ""]
        for part in grids(doc, table):
            page, above = page_break(part, page)
            lines += above
            for row in part.rows:
                lines += ["\t" + cell.text for _, cell in row]
                lines.append("")
        lines.append("")
    lines += doc.outro.splitlines()
    return ("\n".join(lines) + "\n").encode("utf-8")
