"""Synthetic budget disclosures in the seed layout, with a ground truth for every document.

A generated document is a plain-text dump exactly like the seeds (table cells are lines that
start with a TAB, a blank line ends a row), written either as ``.txt`` or as ``.docx``. Its
:class:`DocumentTruth` records what an extractor following ``domain.md`` §7 must find in it
(activities, sub-activities, indicators, non-empty grade cells, projects, project indicators),
which parser hazards were planted and where, and which rows are planted copies of a corpus-wide
family. Everything is a pure function of the seed, so a corpus can be rebuilt anywhere.

>>> import random
>>> text, truth = generate_document(random.Random(1))
>>> truth.indicators > 0 and text.count("\\n") + 1 == truth.lines
True
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

import cn2an

from kg.synth.vocabulary import (
    MEASURES,
    SUBJECTS,
    IndicatorEntry,
    ProjectEntry,
    TextRow,
    Vocabulary,
    builtin_vocabulary,
)

PROJECT_LAYOUT_SHARE = 0.12
"""Share of documents in the project-table layout of seed 003; the rest use the duty table."""

HAZARDS = (
    "orphan_sub_activity",  # a sub-activity printed before the first activity (000:L144)
    "quoted_cell_span",  # a quoted cell whose paragraphs are split by a blank line (000:L146)
    "row_span",  # a row whose cells are interrupted by blank lines (000:L218)
    "tabless_continuation",  # a content cell continued on TAB-less lines 一、二、三 (002:L1448)
    "unnumbered_activities",  # activities printed without 一、 (domain.md §1.3 item 2)
    "stray_number",  # one numbered activity inside an unnumbered document
    "numbering_restart",  # sub-activity numbers restart at 1 under one activity
    "numbering_gap",  # 1、2、3、5、
    "glyph_variants",  # ≧ ＜ ％ next to ≥ < %
    "padding",  # spaces around grade cells and names
    "name_only",  # an indicator row with all four grades empty
    "name_missing",  # grades printed with an empty indicator name (000:L4208)
    "partial_grades",  # 实现 | | | 未实现
    "placeholder",  # 涉密 in all four grades
    "bookmark",  # a [bookmark: _GoBack] left inside a cell
    "empty_activity",  # an activity with no sub-activities or indicators
    "missing_department_code",  # an empty code cell in the table header
    "stray_empty_row",  # a one-cell empty row after a project indicator table (003:L82)
    "unit_bracket",  # units in the indicator name with mixed bracket widths
)


@dataclass
class PlantedCopy:
    """One occurrence of a planted family in a document (line of the first 绩效指标 cell)."""

    family: str
    kind: str  # "indicator" (one row) | "block" (a whole sub-activity with its indicators)
    line: int
    indicators: int


@dataclass
class DocumentTruth:
    """What a generated document contains, counted by the rules of ``domain.md`` §7."""

    path: str
    format: str
    layout: str  # "duty" | "project"
    issuer: str
    department_code: str | None
    year: int
    activities: int = 0
    sub_activities: int = 0
    indicators: int = 0
    grade_cells: int = 0
    projects: int = 0
    project_indicators: int = 0
    cells: int = 0
    lines: int = 0
    hazards: dict[str, list[int]] = field(default_factory=dict)
    planted: list[PlantedCopy] = field(default_factory=list)


@dataclass
class Family:
    """Rows planted verbatim in several documents: the known copies an audit must find."""

    id: str
    kind: str  # "indicator" | "block"
    indicators: list[IndicatorEntry]
    sub_activity: TextRow | None = None


# --- Document structure -----------------------------------------------------------------------


@dataclass
class _Row:
    name: str
    grades: tuple[str, str, str, str]
    family: str | None = None
    hazard: str | None = None


@dataclass
class _Sub:
    text: TextRow
    budget: str
    rows: list[_Row]
    family: str | None = None


@dataclass
class _Activity:
    text: TextRow
    budget: str
    subs: list[_Sub]


class _Writer:
    """Accumulates lines and knows the 1-based number of the next one."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cells = 0

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def prose(self, *texts: str) -> None:
        self.lines.extend(texts)

    def blank(self) -> None:
        self.lines.append("")

    def cell(self, text: str = "") -> int:
        """Write one cell; extra paragraphs of a multi-line cell go on TAB-less lines."""
        line = self.next_line
        first, *rest = text.split("\n")
        self.lines.append("\t" + first)
        self.lines.extend(rest)
        self.cells += 1
        return line

    def row(self, *cells: str) -> int:
        line = self.next_line
        for text in cells:
            self.cell(text)
        self.blank()
        return line


def _money(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def draw_indicator(rng: random.Random, vocab: Vocabulary) -> IndicatorEntry:
    """A mined indicator as printed, or a recombination of a subject, a measure and a ladder."""
    if vocab.indicators and rng.random() < 0.6:
        return rng.choice(vocab.indicators)
    name = rng.choice(SUBJECTS) + rng.choice(MEASURES)
    return IndicatorEntry(name, rng.choice(vocab.ladders))


def _variant_glyphs(rng: random.Random, text: str) -> str:
    """Mix in the glyph variants real tables carry (≧ next to ≥, ＜ next to <, ％ next to %)."""
    if rng.random() < 0.5:
        text = text.replace("≥", "≧")
    if rng.random() < 0.3:
        text = text.replace("<", "＜").replace("%", "％")
    return text


def _bracket_unit(rng: random.Random, name: str) -> str:
    opening, closing = rng.choice((("(", ")"), ("（", "）"), ("(", "）"), ("（", ")")))
    unit = "%" if name.endswith("率") or name.endswith("度") else rng.choice(("次", "个", "人"))
    return f"{name}{opening}{unit}{closing}"


def _doc_hazards(rng: random.Random) -> set[str]:
    rates = {
        "orphan_sub_activity": 0.08,
        "quoted_cell_span": 0.3,
        "row_span": 0.25,
        "tabless_continuation": 0.2,
        "unnumbered_activities": 0.12,
        "numbering_restart": 0.15,
        "numbering_gap": 0.05,
        "glyph_variants": 0.4,
        "padding": 0.2,
        "name_only": 0.15,
        "name_missing": 0.05,
        "partial_grades": 0.1,
        "placeholder": 0.1,
        "bookmark": 0.1,
        "empty_activity": 0.1,
        "missing_department_code": 0.08,
        "stray_empty_row": 0.3,
        "unit_bracket": 0.3,
    }
    chosen = {name for name, rate in rates.items() if rng.random() < rate}
    if "unnumbered_activities" in chosen and rng.random() < 0.5:
        chosen.add("stray_number")
    return chosen


def _issuer(rng: random.Random, vocab: Vocabulary) -> str:
    return rng.choice(vocab.places) + rng.choice(vocab.unit_types)


def _build_activities(
    rng: random.Random, vocab: Vocabulary, hazards: set[str], families: Sequence[Family]
) -> list[_Activity]:
    activities: list[_Activity] = []
    for _ in range(rng.randint(2, 9)):
        subs: list[_Sub] = []
        for _ in range(rng.choices((0, 1, 2, 3, 4), weights=(1, 6, 8, 6, 3))[0]):
            rows = []
            for _ in range(rng.choices((1, 2, 3, 4, 5), weights=(3, 6, 7, 5, 2))[0]):
                entry = draw_indicator(rng, vocab)
                rows.append(_Row(entry.name, entry.grades))
            subs.append(_Sub(rng.choice(vocab.sub_activities), _money(rng, 0.5, 300), rows))
        budget = f"{sum(float(sub.budget) for sub in subs) or rng.uniform(5, 200):.2f}"
        activities.append(_Activity(rng.choice(vocab.activities), budget, subs))
    if "empty_activity" in hazards:
        activities.insert(
            rng.randrange(len(activities) + 1),
            _Activity(rng.choice(vocab.activities), _money(rng, 1, 50), []),
        )
    for family in families:
        hosts = [a for a in activities if a.subs]
        if not hosts:
            hosts = activities
        host = rng.choice(hosts)
        planted = [_Row(e.name, e.grades, family=family.id) for e in family.indicators]
        targets = [sub for sub in host.subs if sub.family is None]
        if family.kind == "block" or not targets:
            text = family.sub_activity or rng.choice(vocab.sub_activities)
            sub = _Sub(text, _money(rng, 0.5, 100), planted, family=family.id)
            host.subs.insert(rng.randrange(len(host.subs) + 1), sub)
        else:
            target = rng.choice(targets)
            target.rows.insert(rng.randrange(len(target.rows) + 1), planted[0])
    _plant_row_hazards(rng, activities, hazards)
    return activities


def _plant_row_hazards(rng: random.Random, activities: list[_Activity], hazards: set[str]) -> None:
    """Turn a few background rows into the hazard rows of ``domain.md`` §1.3 and §2.1 K."""
    rows = [row for a in activities for sub in a.subs for row in sub.rows if row.family is None]
    if not rows:
        hazards -= {"name_only", "name_missing", "partial_grades", "placeholder", "unit_bracket"}
        return
    if "name_only" in hazards:
        row = rng.choice(rows)
        row.grades, row.hazard = ("", "", "", "  "), "name_only"
    if "name_missing" in hazards:
        row = rng.choice(rows)
        row.name, row.hazard = "", "name_missing"
    if "partial_grades" in hazards:
        row = rng.choice(rows)
        row.grades, row.hazard = ("实现", "", "", "未实现"), "partial_grades"
    if "placeholder" in hazards:
        row = rng.choice(rows)
        row.grades, row.hazard = ("涉密",) * 4, "placeholder"
    if "unit_bracket" in hazards:
        candidates = [r for r in rows if r.name and r.hazard is None and "(" not in r.name]
        for row in rng.sample(candidates, min(len(candidates), 3)):
            row.name, row.hazard = _bracket_unit(rng, row.name), "unit_bracket"


# --- Rendering --------------------------------------------------------------------------------


def _front_matter(
    out: _Writer, rng: random.Random, vocab: Vocabulary, issuer: str, year: int, units: list[str]
) -> None:
    total = rng.uniform(200, 120000)
    out.prose(
        "",
        issuer,
        "",
        f"{year}年部门预算信息公开",
        f"按照《预算法》和《河北省预决算公开操作规程实施细则》规定，现将{issuer}{year}年部门预算信息公开如下。",
        "",
        "一、部门职责及机构设置情况",
        "",
        "部门职责：",
    )
    for number, sentence in enumerate(
        rng.sample(vocab.duty_sentences, min(5, len(vocab.duty_sentences))), 1
    ):
        out.prose("", f"（{cn2an.an2cn(number)}）{sentence}。")
    out.prose("", "机构设置：", "", "部门机构设置情况", "")
    out.row("单位名称", "单位性质", "单位规格", "经费保障形式")
    for unit in units:
        out.row(
            unit,
            rng.choice(("行政", "事业", "参公")),
            rng.choice(("正科级", "副处级", "正处级")),
            "财政拨款",
        )
    out.prose(
        "",
        "二、部门预算安排的总体情况",
        "",
        f"本部门当年全部收入，{year}年预算收入{total:.2f}万元，其中：一般公共预算拨款{total * 0.8:.2f}万元。",
        "",
        "三、机关运行经费安排情况",
        "",
        f"机关运行经费共计安排{rng.uniform(20, 1500):.2f}万元，主要用于保证机关正常运转的办公及印刷费、邮电费、差旅费等。",
        "",
        "四、财政拨款“三公”经费预算情况及增减变化原因",
        "",
        f"{year}年，财政拨款“三公”经费预算安排{rng.uniform(1, 200):.2f}万元。",
        "",
        "五、绩效预算信息",
        "",
    )


def _back_matter(out: _Writer, rng: random.Random, issuer: str, year: int) -> None:
    out.prose(
        "",
        "六、政府采购预算情况",
        "",
        f"{year}年本部门无政府采购预算。",
        "",
        "七、国有资产信息",
        "",
        f"编制部门：{issuer}",
        f"截止时间：{year - 1}年12月31日",
    )
    out.row("项目", "数量", "价值（金额单位：万元）")
    out.row("资产总额", "——", _money(rng, 100, 5000))
    out.row("1、房屋（平方米）", str(rng.randint(100, 5000)), _money(rng, 10, 800))
    out.row("2、车辆（台、辆）", str(rng.randint(0, 30)), _money(rng, 0, 400))
    out.prose(
        "", "八、名词解释", "", "1、基本支出：指为保障机构正常运转、完成日常工作任务而发生的支出。"
    )


def _content_cell(
    rng: random.Random, row: TextRow, hazards: set[str], used: dict[str, list[int]]
) -> tuple[str, str | None]:
    """The 内容描述 text, possibly turned into one of the multi-paragraph hazards."""
    if "quoted_cell_span" in hazards and not used.get("quoted_cell_span") and rng.random() < 0.3:
        closing = rng.choice(('"', f'{row.goal}"'))
        return f'"{row.content}\n\n{closing}', "quoted_cell_span"
    if (
        "tabless_continuation" in hazards
        and not used.get("tabless_continuation")
        and rng.random() < 0.3
    ):
        return f"一、{row.content}\n二、{row.goal}\n三、做好其他相关工作。", "tabless_continuation"
    if "bookmark" in hazards and not used.get("bookmark") and rng.random() < 0.3:
        return f"[bookmark: _GoBack]{row.content}", "bookmark"
    return row.content, None


class _DutyTable:
    """Writes the 部门职责-工作活动绩效目标 table row by row, counting into ``truth`` as it
    writes and marking the line of every hazard it plants."""

    def __init__(
        self, out: _Writer, rng: random.Random, truth: DocumentTruth, hazards: set[str]
    ) -> None:
        self.out, self.rng, self.truth, self.hazards = out, rng, truth, hazards
        self.used = truth.hazards
        self.glyphs = "glyph_variants" in hazards
        self.padding = "padding" in hazards

    def mark(self, hazard: str, line: int) -> None:
        self.used.setdefault(hazard, []).append(line)

    def wants(self, hazard: str) -> bool:
        """The hazard is asked for and not planted yet."""
        return hazard in self.hazards and hazard not in self.used

    def header(self, label: str) -> None:
        out = self.out
        out.prose("部门职责-工作活动绩效目标", "")
        if not label:
            self.mark("missing_department_code", out.next_line)
        out.cell(label)
        out.cell("单位：万元")
        out.blank()
        out.row("职责活动", "年度预算数", "内容描述", "绩效目标", "绩效指标", "评价标准")
        out.row("", "", "", "", "", "优", "良", "中", "差")

    def varied_grades(self, grades: tuple[str, ...]) -> tuple[str, ...]:
        """The grades with the glyph-variant and padding hazards applied (marked)."""
        rng = self.rng
        if self.glyphs:
            varied = tuple(_variant_glyphs(rng, g) if rng.random() < 0.3 else g for g in grades)
            if varied != grades:
                grades = varied
                self.mark("glyph_variants", self.out.next_line)
        if self.padding and rng.random() < 0.2:
            grades = tuple(f" {g}  " if g.strip() else g for g in grades)
            self.mark("padding", self.out.next_line)
        return grades

    def indicator_row(self, row: _Row, in_block: bool) -> int:
        out, truth = self.out, self.truth
        grades = row.grades
        if row.family is None:  # planted copies stay verbatim
            grades = self.varied_grades(grades)
        line = out.cell(row.name)
        for grade in grades:
            out.cell(grade)
        out.blank()
        if row.name.strip() or any(g.strip() for g in grades):
            truth.indicators += 1
            truth.grade_cells += sum(1 for g in grades if g.strip())
        if row.hazard:
            self.mark(row.hazard, line)
        if row.family and not in_block:
            truth.planted.append(PlantedCopy(row.family, "indicator", line, 1))
        return line

    def sub_row(self, sub: _Sub, number: int) -> None:
        out, rng = self.out, self.rng
        line = out.next_line
        content, hazard = _content_cell(rng, sub.text, self.hazards, self.used)
        if hazard:
            self.mark(hazard, line)
        out.cell(f"\u3000\u3000{number}、{sub.text.name}")
        out.cell(sub.budget if rng.random() < 0.85 else "")
        out.cell(content)
        out.cell(sub.text.goal)
        first_line = 0
        for position, row in enumerate(sub.rows):
            if position:
                for _ in range(4):
                    out.cell()
            row_line = self.indicator_row(row, in_block=sub.family is not None)
            first_line = first_line or row_line
        self.truth.sub_activities += 1
        if sub.family:
            self.truth.planted.append(PlantedCopy(sub.family, "block", first_line, len(sub.rows)))

    def orphan(self, activity: _Activity) -> None:
        """A sub-activity row before the first activity."""
        self.mark("orphan_sub_activity", self.out.next_line)
        text = activity.text
        orphan = _Sub(
            TextRow(f"组织协调{text.name}日常事务", text.content, text.goal),
            "",
            [_Row(f"{text.name}工作完成率", ("≥80%", "≤60%", "＞60%", "≤50%"))],
        )
        self.sub_row(orphan, 1)

    def activity_head(self, index: int, activity: _Activity, numbered: bool, line: int) -> str:
        if numbered:
            return f"{cn2an.an2cn(index)}、{activity.text.name}"
        if self.wants("stray_number") and index > 1:
            self.mark("stray_number", line)
            return f"{cn2an.an2cn(index + 9)}、{activity.text.name}"
        return activity.text.name

    def activity_row(self, index: int, activity: _Activity, numbered: bool) -> None:
        out, rng = self.out, self.rng
        line = out.next_line
        head = self.activity_head(index, activity, numbered, line)
        content, hazard = _content_cell(rng, activity.text, self.hazards, self.used)
        if hazard:
            self.mark(hazard, line)
        out.cell(head + ("  " if self.padding and rng.random() < 0.1 else ""))
        out.cell(activity.budget)
        out.cell(content)
        out.cell(activity.text.goal)
        if self.wants("row_span"):
            self.mark("row_span", line)
            out.blank()
            out.blank()
        for _ in range(5):
            out.cell()
        out.blank()
        self.truth.activities += 1
        if not activity.subs:
            self.mark("empty_activity", line)
        number = 0
        for position, sub in enumerate(activity.subs):
            number += 1
            if position == 2 and self.wants("numbering_restart"):
                number = 1
                self.mark("numbering_restart", out.next_line)
            elif position == 3 and self.wants("numbering_gap"):
                number += 1
                self.mark("numbering_gap", out.next_line)
            self.sub_row(sub, number)


def _render_duty(
    out: _Writer,
    rng: random.Random,
    truth: DocumentTruth,
    activities: list[_Activity],
    hazards: set[str],
    label: str,
) -> None:
    """The 部门职责-工作活动绩效目标 table (seeds 000, 002, 004), counting as it writes."""
    table = _DutyTable(out, rng, truth, hazards)
    table.header(label)
    if "orphan_sub_activity" in hazards:
        table.orphan(activities[0])
    numbered = "unnumbered_activities" not in hazards
    if not numbered:
        table.mark("unnumbered_activities", out.next_line)
    for index, activity in enumerate(activities, 1):
        table.activity_row(index, activity, numbered)


def _project_code(rng: random.Random, department: str) -> str:
    letters = "".join(rng.choices(string.ascii_uppercase, k=3))
    tail = "".join(rng.choices(string.ascii_uppercase + string.digits, k=4))
    return f"{department or rng.randint(100, 999)}-{rng.randint(1000, 9999)}-{letters}-{tail}"


def _render_projects(
    out: _Writer,
    rng: random.Random,
    vocab: Vocabulary,
    truth: DocumentTruth,
    hazards: set[str],
    label: str,
) -> None:
    """The 项目绩效目标表 tables of seed 003: one per project, 一级/二级 labels carried down."""
    out.prose("第二部分  预算项目绩效目标")
    names = rng.sample(vocab.project_names, min(len(vocab.project_names), rng.randint(2, 8)))
    for number, name in enumerate(names, 1):
        bookmark = f"[bookmark: _Toc{39915868 + number}]" if rng.random() < 0.7 else ""
        out.prose(f"{bookmark}{number}、{name}绩效目标表")
        if not label:
            truth.hazards.setdefault("missing_department_code", []).append(out.next_line)
        out.cell(label)
        out.cell("单位：万元")
        out.blank()
        budget = _money(rng, 1, 500)
        out.row("项目编码", _project_code(rng, truth.department_code or ""), "项目名称", name)
        out.row("预算规模及资金用途", "预算数", budget, "其中：财政资金", budget, "其他资金", "")
        out.row("", f"用于{name}的支出。")
        out.row("资金支出计划（%）", "3月底", "6月底", "10月底", "12月底")
        out.row("", "25.00", "50.00", "75.00", "100.00")
        out.cell("绩效目标")
        out.cell(f"1、按时完成{name}相关工作\n2、提高资金使用效益")
        out.blank()
        out.blank()
        out.blank()
        out.row("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
        entries: list[ProjectEntry] = rng.sample(
            vocab.project_indicators, min(len(vocab.project_indicators), rng.randint(3, 6))
        )
        entries.sort(key=lambda e: (e.level1, e.level2))
        previous = ("", "")
        for entry in entries:
            level1 = entry.level1 if entry.level1 != previous[0] else ""
            level2 = entry.level2 if (entry.level1, entry.level2) != previous else ""
            value = rng.choice(vocab.project_values)
            basis = rng.choice(("", "", "计划标准", "历史标准", "行业标准"))
            out.row(level1, level2, entry.name, entry.description, value, basis)
            previous = (entry.level1, entry.level2)
            truth.project_indicators += 1
        if "stray_empty_row" in hazards:
            truth.hazards.setdefault("stray_empty_row", []).append(out.next_line)
            out.row("")
        out.blank()
        out.blank()
        truth.projects += 1


def generate_document(
    rng: random.Random,
    vocabulary: Vocabulary | None = None,
    *,
    path: str = "document.txt",
    fmt: str = "txt",
    layout: str | None = None,
    families: Sequence[Family] = (),
) -> tuple[str, DocumentTruth]:
    """One synthetic document as a text dump, with its ground truth.

    ``layout`` is ``"duty"`` (activities with four-grade indicators, like seeds 000/002/004) or
    ``"project"`` (project tables with target values, like 003); by default it is drawn.
    ``families`` are planted verbatim (duty layout only) and reported in ``truth.planted``.
    """
    vocab = vocabulary or builtin_vocabulary()
    if layout is None:
        layout = "project" if rng.random() < PROJECT_LAYOUT_SHARE else "duty"
    if layout not in ("duty", "project"):
        raise ValueError(f"unknown layout {layout!r} (expected 'duty' or 'project')")
    if families and layout != "duty":
        raise ValueError("planted families need the duty layout")
    hazards = _doc_hazards(rng)
    issuer = _issuer(rng, vocab)
    code = None if "missing_department_code" in hazards else str(rng.randint(101, 999))
    year = rng.randint(2017, 2024)
    truth = DocumentTruth(path, fmt, layout, issuer, code, year)
    out = _Writer()
    units = [issuer] + [
        f"{issuer}{suffix}"
        for suffix in rng.sample(
            ("机关服务中心", "信息中心", "档案室", "综合执法队"), rng.randint(0, 2)
        )
    ]
    _front_matter(out, rng, vocab, issuer, year, units)
    label = f"{code}{issuer}" if code else ""
    if layout == "duty":
        activities = _build_activities(rng, vocab, hazards, families)
        _render_duty(out, rng, truth, activities, hazards, label)
    else:
        _render_projects(out, rng, vocab, truth, hazards, label)
    _back_matter(out, rng, issuer, year)
    truth.cells = out.cells
    truth.lines = len(out.lines)
    return "\n".join(out.lines), truth
