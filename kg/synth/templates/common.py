"""What every writer shares: the text around the tables, page markers, and byte-stable zips."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from kg.synth.templates.draw import s2t
from kg.synth.templates.layout import Grid, layout
from kg.synth.templates.model import Table, TemplateDocument

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
FIXED_ISO = "2020-01-01T00:00:00Z"
_CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def glyphs(doc: TemplateDocument) -> Callable[[str], str]:
    """The converter for text a writer adds itself (site chrome), so it matches the document."""
    return s2t if "traditional" in doc.hazards else str


def page_marker(page: int) -> str:
    """The page line a web page converted from a PDF prints (第1页)."""
    return f"第{page}页"


def page_break(part: Grid, page: int) -> tuple[int, list[str]]:
    """The page a part is printed on, and the lines a text writer prints above it: for a part
    continued on the next page, that page's marker and the 续表 caption (each followed by a
    blank line); nothing for a first part."""
    if not part.continued:
        return page, []
    lines = [page_marker(page + 1), ""]
    if part.caption:
        lines += [part.caption, ""]
    return page + 1, lines


def preamble(doc: TemplateDocument) -> list[str]:
    """Lines printed before the first table: furniture (if any), title, introduction."""
    lines = list(doc.furniture)
    if doc.furniture:
        lines.append(page_marker(1))
    return [*lines, doc.title, doc.intro]


def grids(doc: TemplateDocument, table: Table) -> list[Grid]:
    """The printed parts of one table, merged or not as the document's hazards say."""
    return layout(table, merged="merged_cells" in doc.hazards)


def stable_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps and core dates, so a seed gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(rf"\g<1>{FIXED_ISO}\g<2>", body.decode()).encode()
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_DATE), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()
