"""Write a document as a government portal page: furniture first, then the tables.

Pages carry what real portals carry around a disclosure: ``<meta>`` tags, a site navigation
trail, an information box (索引号, 发布机构, 发布日期, 文号), a 第1页 marker. Hazards switch on a
layout table around the content, GBK encoding with a meta charset, and the Excel-export flavour
that portals serve under a ``.xls`` name.
"""

from __future__ import annotations

from html import escape

from kg.synth.templates.common import glyphs, grids, page_marker
from kg.synth.templates.layout import Grid
from kg.synth.templates.model import TemplateDocument

_EXCEL_NS = (
    ' xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel"'
    ' xmlns="http://www.w3.org/TR/REC-html40"'
)


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


_WORD_CELL = (
    '<td{spans} valign="center" style="border:solid windowtext 1.0pt;padding:0cm 5.4pt">'
    '<p class="MsoNormal" align="center" style="text-align:center">'
    '<span style="font-size:10.5pt;font-family:宋体">{text}</span></p></td>'
)


def _table(grid: Grid, number: int, word: bool) -> list[str]:
    """One ``<table>``; ``word`` gives it the markup of a Word document saved as a web page."""
    out = [
        f'<table class="MsoTableGrid" id="table{number}" border="1" cellspacing="0" cellpadding="2">'
    ]
    tbody = number % 3 == 1  # some editors write <tbody>, some do not
    if tbody:
        out.append("<tbody>")
    for r, row in enumerate(grid.rows):
        out.append("<tr>")
        # some portals mark the indicator header with <th>, most use <td> throughout
        tag = "th" if r in grid.head_rows and number % 2 else "td"
        for _, cell in row:
            spans = ""
            if cell.rowspan > 1:
                spans += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                spans += f' colspan="{cell.colspan}"'
            if word:
                out.append(_WORD_CELL.format(spans=spans, text=_text(cell.text) or "&nbsp;"))
            else:
                out.append(f"<{tag}{spans}>{_text(cell.text)}</{tag}>")
        out.append("</tr>")
    if tbody:
        out.append("</tbody>")
    out.append("</table>")
    return out


def _furniture(doc: TemplateDocument) -> list[str]:
    if not doc.furniture:
        return []
    out = ['<div class="crumb">' + glyphs(doc)("当前位置：")]
    out.append(
        " &gt; ".join(
            f'<a href="/{i}/">{escape(item)}</a>' for i, item in enumerate(doc.navigation)
        )
    )
    out.append("</div>")
    if doc.index % 2:
        out.append('<table class="xxgk-info" width="100%">')
        pairs = [line.split("：", 1) for line in doc.furniture]
        for i in range(0, len(pairs), 2):
            cells = "".join(
                f"<td>{escape(k)}：</td><td>{escape(v)}</td>" for k, v in pairs[i : i + 2]
            )
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
    else:
        out += [f'<div class="xxgk-item">{escape(line)}</div>' for line in doc.furniture]
    out.append(f'<div class="page-no">{page_marker(1)}</div>')
    return out


def render_html(doc: TemplateDocument) -> bytes:
    """The page as bytes, UTF-8 or GBK as the document's hazards say."""
    gbk = "gbk" in doc.hazards
    charset = "gbk" if gbk else "utf-8"
    html_ns = _EXCEL_NS if "xls_name" in doc.hazards else ""
    footer = glyphs(doc)("主办单位：") + doc.site + glyphs(doc)(" 版权所有")
    keywords = glyphs(doc)("预算,绩效目标,") + doc.unit
    head = [
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f'<meta name="ArticleTitle" content="{escape(doc.title)}">',
        f'<meta name="ContentSource" content="{escape(doc.unit)}">',
        f'<meta name="keywords" content="{escape(keywords)}">',
        f"<title>{escape(doc.title)}_{escape(doc.site)}</title>",
    ]
    body = _furniture(doc)
    body += [
        f'<div class="article-title"><h1>{_text(doc.title)}</h1></div>',
        f"<p>{_text(doc.intro)}</p>",
    ]
    page = 1
    number = 0
    for table in doc.tables:
        body.append(f'<p align="center"><strong>{_text(table.caption)}</strong></p>')
        body.append(f'<p align="right">{_text(doc.money_unit)}</p>')
        for part in grids(doc, table):
            if part.continued:
                page += 1
                body.append(f"<p>{page_marker(page)}</p>")
                if part.caption:
                    body.append(f"<p>{_text(part.caption)}</p>")
            number += 1
            body += _table(part, number, word=doc.index % 3 == 0)
    body += [f'<p align="right">{_text(line)}</p>' for line in doc.outro.splitlines()]
    if "nested_layout" in doc.hazards:
        body = [
            '<table width="100%" class="layout"><tr><td valign="top">',
            *body,
            "</td></tr></table>",
        ]
    page_text = "\n".join(
        [
            "<!DOCTYPE html>",
            f"<html{html_ns}>",
            "<head>",
            *head,
            "</head>",
            "<body>",
            '<div class="site-header">' + escape(doc.site) + "</div>",
            *body,
            '<div class="footer">' + escape(footer) + "</div>",
            "</body>",
            "</html>",
        ]
    )
    return page_text.encode(charset, errors="xmlcharrefreplace")
