"""Builders the tests share: tiny documents made from the typed model (audit and records
tests), a hand-written store graph with hostile names (view tests), and minimal PDF and OLE2
files (reader and ingest tests). Test modules import from here, never from each other."""

from __future__ import annotations

import io
import re
import struct
from decimal import Decimal

from kg.model import (
    GRADES,
    Activity,
    Band,
    Document,
    Indicator,
    NameAnalysis,
    Scheme,
    SourceRef,
    StatedTotal,
)
from kg.records.context import AuditContext
from kg.records.from_model import context_from_documents

# ---------------------------------------------------------------- documents from the typed model

PERCENT_LADDER = ("≥90%", "≥80%", "≥70%", "<70%")


def band(grade: str, raw: str, **fields) -> Band:
    rank = GRADES.index(grade) + 1
    if raw.endswith("%") and "unit_kind" not in fields:
        fields["unit_kind"] = "percent"
        fields.setdefault("unit", "percent")
    return Band(grade=grade, rank=rank, raw=raw, text=raw, status="parsed", **fields)


def indicator(
    name: str,
    line: int,
    ladder: tuple[str, str, str, str] = PERCENT_LADDER,
    *,
    issues: tuple[str, ...] = (),
    signature: str = "ge90%|ge80%|ge70%|lt70%",
    kind: str = "numeric",
    analysis: NameAnalysis | None = None,
    bands: list[Band] | None = None,
) -> Indicator:
    grades = dict(zip(GRADES, ladder, strict=True))
    if bands is None:
        bands = [band(g, raw) for g, raw in grades.items() if raw]
    return Indicator(
        name=name,
        line=line,
        grades=grades,
        raw_name=name,
        bands=bands,
        scheme=Scheme(
            kind=kind, direction="higher_better", signature=signature, issues=list(issues)
        ),
        analysis=analysis or NameAnalysis(key=name, metric_kind="rate", measure_head="完成率"),
    )


def activity(
    name: str,
    line: int,
    *,
    number: str = "一",
    budget: str | None = None,
    content: str = "",
    goal: str = "",
    level: str = "activity",
    indicators: list[Indicator] | None = None,
    subs: list[Activity] | None = None,
) -> Activity:
    return Activity(
        name=name,
        line=line,
        number=number,
        raw_name=f"{number}、{name}",
        budget=Decimal(budget) if budget is not None else None,
        raw_budget=budget or "",
        content=content,
        goal=goal,
        level=level,
        indicators=indicators or [],
        sub_activities=subs or [],
    )


def document(
    activities: list[Activity],
    *,
    issuer: str = "某某新区管理委员会办公室",
    path: str = "invented.txt",
    stated: str | None = None,
) -> Document:
    totals = (
        [StatedTotal("项目支出", Decimal(stated), 5, f"项目支出{stated}万元")] if stated else []
    )
    return Document(
        source=SourceRef(path=path, sha256=(path.encode().hex() * 8)[:64]),
        title=issuer,
        issuer=issuer,
        year=2019,
        activities=activities,
        stated_totals=totals,
    )


def context_of(*documents: Document) -> AuditContext:
    return context_from_documents(documents)


# ---------------------------------------------------------------- a store graph for the views

EVIL_NAME = '<script>alert("x")</script>办结率'
EVIL_CELL = "<img src=x onerror=alert(1)>≥90%"

DOC = """
@prefix pi: <https://w3id.org/pikg/def/> . @prefix pid: <https://w3id.org/pikg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> . @prefix grade: <https://w3id.org/pikg/def/grade/> .
@prefix issue: <https://w3id.org/pikg/def/ladder-issue/> .
@prefix parse: <https://w3id.org/pikg/def/parse-status/> .

pid:doc/a a pi:SourceDocument ; pi:fileName "000.txt" .
pid:dept/a a pi:Department ; skos:prefLabel "北戴河新区办公室"@zh ; pi:budgetCode "201" ;
    pi:hasDutyActivity pid:activity/a1 .
pid:dept/b a pi:Department ; skos:prefLabel "青龙县政府办"@zh .
pid:activity/a1 a pi:DutyActivity ; pi:ofDepartment pid:dept/a ; skos:prefLabel "公文运转"@zh ;
    pi:number "一" ; pi:budget 12.5 ; pi:hasSubActivity pid:activity/a2 ;
    prov:wasDerivedFrom pid:doc/a/lines/10-10 .
pid:doc/a/lines/10-10 pi:startLine 10 ; oa:hasSource pid:doc/a .
pid:activity/a2 a pi:SubActivity ; pi:ofDepartment pid:dept/a ; skos:prefLabel "会务接待"@zh ;
    pi:hasIndicator pid:indicator/i1 , pid:indicator/i2 .
pid:indicator/i1 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/a ;
    pi:indicatorName "EVIL_NAME"@zh ; pi:hasGradingScheme pid:indicator/i1/scheme ;
    pi:usesThresholdTemplate pid:tpl/t1 ;
    pi:hasGradeBand pid:indicator/i1/band/1 , pid:indicator/i1/band/4 ;
    prov:wasDerivedFrom pid:doc/a/lines/12-13 .
pid:indicator/i1/scheme pi:ladderIssue issue:non-monotonic ; pi:usesThresholdTemplate pid:tpl/t1 .
pid:doc/a/lines/12-13 pi:startLine 12 ; pi:endLine 13 ; oa:hasSource pid:doc/a .
pid:indicator/i1/band/1 pi:grade grade:excellent ; pi:rawText "EVIL_CELL"@zh ;
    pi:parseStatus parse:parsed .
pid:indicator/i1/band/4 pi:grade grade:poor ; pi:rawText "???"@zh ; pi:parseStatus parse:unparsed .
pid:indicator/i2 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/a ;
    pi:indicatorName "会议控制率"@zh ; pi:usesThresholdTemplate pid:tpl/t1 .
pid:indicator/i3 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/b ;
    pi:indicatorName "大型会议控制率（%）"@zh ; pi:usesThresholdTemplate pid:tpl/t1 .
pid:tpl/t1 a pi:ThresholdTemplate ; pi:signature "ge1%|ge0.5%|ge0.3%|lt0.3%" .
pid:indicator/i4 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/b ;
    pi:indicatorName "会议次数"@zh ; pi:hasGradingScheme pid:indicator/i4/scheme .
pid:indicator/i4/scheme pi:ladderIssue issue:unit-mismatch ; pi:usesThresholdTemplate pid:tpl/t2 .
pid:indicator/i5 a pi:Indicator , pi:ActivityIndicator ; pi:ofDepartment pid:dept/a ;
    pi:indicatorName "会议完成率"@zh ; pi:usesThresholdTemplate pid:tpl/t2 .
pid:tpl/t2 a pi:ThresholdTemplate ; pi:signature "ge90%|ge80%|ge70%|lt70%" .
"""
DOC = DOC.replace("EVIL_NAME", EVIL_NAME.replace('"', '\\"')).replace("EVIL_CELL", EVIL_CELL)

AUDIT = """
@prefix pi: <https://w3id.org/pikg/def/> . @prefix pid: <https://w3id.org/pikg/id/> .
@prefix ftype: <https://w3id.org/pikg/def/finding-type/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
pid:finding/f1 a pi:Finding ; pi:findingType ftype:verbatim-copy ; skos:prefLabel "大型会议控制率" ;
    pi:member pid:indicator/i2 , pid:indicator/i3 ; pi:similarityScore 1.0 ;
    pi:evidence pid:finding/f1/pair/1 .
pid:finding/f1/pair/1 pi:subject pid:indicator/i2 ; pi:object pid:indicator/i3 .
"""


def expand_ids(text: str) -> str:
    """Expand ``pid:a/b`` (slashes are not allowed in Turtle prefixed names) to full IRIs."""
    return re.sub(r"pid:([\w/-]+)", r"<https://w3id.org/pikg/id/\1>", text)


# ---------------------------------------------------------------- PDF and OLE2 files


def cid_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def make_pdf(encrypt: str | None = None) -> bytes:
    """Page 1: a title line, then a ruled 4-column table: 项目名称 | value spanning 3 columns;
    a header; 产出指标 spanning two rows. Then a note line. Page 2: a second ruled table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle
    from reportlab.platypus import Paragraph as Para

    font = cid_font()
    style = ParagraphStyle("zh", fontName=font, fontSize=10)
    data = [
        ["项目名称", "乡村道路养护", "", ""],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "养护里程", "≥120公里"],
        ["", "质量指标", "合格率", "≥95%"],
    ]
    table = Table(data)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                ("SPAN", (1, 0), (3, 0)),
                ("SPAN", (0, 2), (0, 3)),
            ]
        )
    )
    second = Table([["效益指标", "满意度"], ["社会效益", "≥90%"]])
    second.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, "black")])
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, encrypt=encrypt).build(
        [Para("项目支出绩效目标表", style), table, Para("填报说明", style), PageBreak(), second]
    )
    return buffer.getvalue()


def make_ole(names: list[str]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors: FAT in 0, directory in 1) with ``names``."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 0x2C, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([0xFFFFFFFF] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([0xFFFFFFFF] * 126))
    directory = bytearray(512)
    for index, (name, kind) in enumerate([("Root Entry", 5), *((n, 2) for n in names)]):
        encoded = name.encode("utf-16-le")
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, index * 128 + 0x40, len(encoded) + 2, kind)
    return bytes(header) + fat + bytes(directory)
