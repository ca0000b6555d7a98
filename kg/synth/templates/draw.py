"""Draw one national-template document from ``(seed, index)``: a pure function of its arguments.

Every choice goes through one ``random.Random`` seeded from the pair, so a document is the same on
every machine and in every worker. Hazards (layouts.md §3) are drawn per document unless the
caller fixes them; the ones that do not apply to the drawn document (a 单位名称 cell when there is
no project table) are dropped, so the recorded list is always what the file shows.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable

from opencc import OpenCC

from kg.errors import KgError
from kg.synth.templates import words as W
from kg.synth.templates.model import (
    Column,
    Field,
    IndicatorRow,
    MoneyRow,
    Table,
    Task,
    TemplateDocument,
    map_text,
)

FORMATS = ("xlsx", "docx", "html", "pdf", "md", "txt", "xls", "ods")

# Hazards of layouts.md §3, with the share of documents that carry each when drawn at random.
HAZARDS: dict[str, float] = {
    "merged_cells": 0.8,
    "two_row_header": 0.3,
    "page_break": 0.25,
    "multiple_tables": 0.3,
    "traditional": 0.15,
    "furniture": 0.5,
    "unit_cell": 0.2,
    "empty_slots": 0.25,
    "two_level_grid": 0.15,
    "fullwidth_digits": 0.15,
    "audit_faults": 0.15,
}
# Hazards only one format can carry: the portal page's, and the workbook's numbers stored as
# numbers (the printed text is then what the cell's number format shows).
HTML_HAZARDS: dict[str, float] = {"nested_layout": 0.3, "gbk": 0.25, "xls_name": 0.2}
FORMAT_HAZARDS: dict[str, dict[str, float]] = {
    "html": HTML_HAZARDS,
    "xlsx": {"numeric_cells": 0.5},
    "xls": {"numeric_cells": 0.5},
    "ods": {"numeric_cells": 0.5},
}
_SPREADSHEETS = ("xlsx", "xls", "ods")
_ALL_HAZARDS = (*HAZARDS, *(h for extra in FORMAT_HAZARDS.values() for h in extra))

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_S2T = OpenCC("s2t")


def s2t(text: str) -> str:
    """Simplified to traditional glyphs (OpenCC ``s2t``), as mirror sites print pages."""
    return _S2T.convert(text)


def document_rng(seed: int, index: int) -> random.Random:
    """The generator of document ``index`` in corpus ``seed`` (stable across Python versions)."""
    digest = hashlib.sha256(f"national:{seed}:{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def known_hazards(fmt: str) -> tuple[str, ...]:
    """The hazard names a document of format ``fmt`` can carry."""
    return tuple(_format_hazards(fmt))


def _format_hazards(fmt: str) -> dict[str, float]:
    """Hazards with their shares for one format: portal furniture is not put into workbooks."""
    shares = {**HAZARDS, **FORMAT_HAZARDS.get(fmt, {})}
    if fmt in _SPREADSHEETS:
        del shares["furniture"]
    return shares


def make_document(
    seed: int, index: int, fmt: str = "xlsx", hazards: Iterable[str] | None = None
) -> TemplateDocument:
    """Draw document ``index`` of corpus ``seed`` in format ``fmt``.

    ``hazards`` fixes the hazard set (unknown names are an error); ``None`` draws it at random.
    """
    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    rng = document_rng(seed, index)
    chosen = _choose_hazards(rng, fmt, hazards)
    doc = _Drawer(rng, chosen).document(seed, index, fmt)
    if "traditional" in doc.hazards:
        doc = map_text(doc, s2t)
    return doc


def _choose_hazards(rng: random.Random, fmt: str, hazards: Iterable[str] | None) -> set[str]:
    table = _format_hazards(fmt)
    if hazards is None:
        return {name for name, share in table.items() if rng.random() < share}
    chosen = set(hazards)
    unknown = chosen - set(_ALL_HAZARDS)
    if unknown:
        raise KgError(
            f"unknown hazard(s): {', '.join(sorted(unknown))}; known: {', '.join(_ALL_HAZARDS)}"
        )
    return chosen & set(table)  # e.g. HTML-only hazards are left out of other formats


class _Drawer:
    """Holds the generator and hazard set while one document is drawn."""

    def __init__(self, rng: random.Random, hazards: set[str]):
        self.rng = rng
        self.hazards = set(hazards)
        if "merged_cells" not in self.hazards:
            self.hazards.discard("two_row_header")  # a 绩效指标 group cell is a merge
        self.used: set[str] = set()  # hazards the drawn tables actually show
        self.budget_score = 0.0  # 预算执行率 points of the current self-evaluation
        self.projects: list[str] = []  # names already used in this document

    def document(self, seed: int, index: int, fmt: str) -> TemplateDocument:
        rng = self.rng
        place = rng.choice(W.PLACES)
        unit = place + rng.choice(W.UNIT_TYPES)
        year = rng.choice((2021, 2022, 2023, 2024, 2025))
        kinds = self._table_kinds()
        tables: list[Table] = []
        for n, kind in enumerate(kinds):
            if kind == "department":
                tables.append(self.department(unit, year))
            else:
                tables.append(self.project(kind, place, unit, year, n, len(kinds)))
        title = self._title(unit, year, kinds, tables)
        hazards = {h for h in self.hazards if h in self.used or h in _DOCUMENT_HAZARDS}
        if len(tables) > 1:
            hazards.add("multiple_tables")
        doc = TemplateDocument(
            seed=seed,
            index=index,
            format=fmt,
            hazards=sorted(hazards),
            title=title,
            unit=unit,
            year=year,
            tables=tables,
            site=place + rng.choice(W.SITE_SUFFIX),
            intro=self._intro(unit, year, kinds[0]),
            outro=f"{unit}\n{year - 1 if kinds[0] != 'self_evaluation' else year + 1}年"
            f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        )
        if "furniture" in hazards:
            doc.furniture = self._furniture(place, unit, year)
            doc.navigation = [*W.NAV_ITEMS[: rng.randint(3, len(W.NAV_ITEMS))]]
        return doc

    def _table_kinds(self) -> list[str]:
        rng = self.rng
        first = rng.choice(("project", "project", "department", "self_evaluation"))
        if "multiple_tables" not in self.hazards:
            return [first]
        if first == "department":
            return ["department", *["project"] * rng.randint(1, 2)]
        return [first] * rng.randint(2, 3)

    def _title(self, unit: str, year: int, kinds: list[str], tables: list[Table]) -> str:
        if kinds[0] == "department":
            return f"{unit}{year}年部门整体支出绩效目标表"
        if kinds[0] == "self_evaluation":
            if len(tables) == 1:
                return f"{unit}{year}年度{tables[0].name}项目支出绩效自评表"
            return f"{unit}{year}年度项目支出绩效自评结果"
        if len(tables) == 1:
            return f"{unit}{year}年{tables[0].name}项目支出绩效目标表"
        return f"{unit}{year}年项目支出绩效目标表"

    def _intro(self, unit: str, year: int, kind: str) -> str:
        if kind == "self_evaluation":
            return f"根据预算绩效管理有关要求，{unit}对{year}年度项目支出开展了绩效自评，结果如下。"
        return f"根据预算绩效管理有关规定，现将{unit}{year}年度预算绩效目标公开如下。"

    def _furniture(self, place: str, unit: str, year: int) -> list[str]:
        rng = self.rng
        values = {
            "索引号": f"{rng.randint(10000000, 99999999)}/{year}-{rng.randint(100, 999):05d}",
            "发布机构": unit,
            "发布日期": f"{year}-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
            "文号": f"{place[:2]}财预〔{year}〕{rng.randint(1, 60)}号",
            "主题分类": "财政、金融、审计",
            "信息来源": unit,
        }
        labels = [x for x in W.FURNITURE_LABELS if x in ("索引号", "发布机构", "发布日期")]
        labels += [x for x in W.FURNITURE_LABELS[3:] if rng.random() < 0.5]
        return [f"{label}：{values[label]}" for label in labels]

    # --- tables -------------------------------------------------------------------------------

    def project(self, kind: str, place: str, unit: str, year: int, n: int, count: int) -> Table:
        rng = self.rng
        name = rng.choice([p for p in W.PROJECT_NAMES if p not in self.projects])
        self.projects.append(name)
        budget = rng.choice((8, 12, 15, 20, 35, 48, 50, 60, 80, 120, 150, 200, 300, 500))
        budget_text = f"{budget:.2f}" if rng.random() < 0.7 else str(budget)
        doer = unit if rng.random() < 0.5 else place + rng.choice(W.SUB_UNITS)
        number = f"{n + 1}、" if count > 1 else ""
        if kind == "project":
            caption = rng.choice(
                (
                    f"{number}{name}项目支出绩效目标表",
                    f"{number}项目支出绩效目标申报表（{year}年度）",
                    f"{number}{year}年度项目支出绩效目标表",
                )
            )
        else:
            caption = f"{number}项目支出绩效自评表（{year}年度）"
        table = Table(kind=kind, caption=caption, name=name, name_label="项目名称")
        if "unit_cell" in self.hazards:
            table.fields.append(Field(rng.choice(("单位名称", "部门名称")), "单位名称", unit))
            self.used.add("unit_cell")
        boss_label = rng.choice(("主管部门", "主管部门及代码"))
        boss = unit if boss_label == "主管部门" else f"[{rng.randint(101, 699)}]{unit}"
        table.fields += [Field(boss_label, "主管部门", boss), Field("实施单位", "实施单位", doer)]
        if kind == "project":
            table.fields += [
                Field("项目属性", "项目属性", rng.choice(W.PROJECT_ATTRIBUTES)),
                Field(
                    "项目期",
                    "项目期",
                    rng.choice((f"{year}年", "1年", f"{year}-{year + 2}年")),
                ),
            ]
            other = 0 if rng.random() < 0.7 else rng.choice((2, 5, 10))
            table.funds_label = rng.choice(("项目资金（万元）", "项目资金\n（万元）"))
            table.funds = [
                Field(rng.choice(("年度资金总额", "年度资金总额：")), "资金总额", budget_text),
                Field(
                    rng.choice(("其中：财政拨款", "财政拨款")),
                    "财政拨款",
                    _money(budget - other),
                ),
                Field("其他资金", "其他资金", _money(other) if other or rng.random() < 0.5 else ""),
            ]
            goal = rng.choice(W.GOAL_SENTENCES).format(project=name)
            if rng.random() < 0.3:
                table.goals_label = rng.choice(("总体目标", "绩效目标"))
                table.goals = [
                    Field("长期目标", "长期目标", f"持续推进{name}，形成长效机制"),
                    Field("年度目标", "年度目标", goal),
                ]
            else:
                label = rng.choice(("年度目标", "总体目标", "年度绩效目标"))
                table.goals = [Field(label, "年度目标", goal)]
            table.columns = self._target_columns()
            self._indicator_rows(table, year, evaluate=False)
        else:
            self._money_block(table, budget)
            table.goals_label = "年度总体目标"
            table.goals = [
                Field("预期目标", "年度目标", rng.choice(W.GOAL_SENTENCES).format(project=name)),
                Field(
                    rng.choice(("全年实际完成情况", "实际完成情况")),
                    "实际完成情况",
                    rng.choice(W.ACTUAL_SENTENCES),
                ),
            ]
            table.columns = self._evaluation_columns()
            self._indicator_rows(table, year, evaluate=True)
        return table

    def department(self, unit: str, year: int) -> Table:
        rng = self.rng
        caption = rng.choice(
            (
                "部门整体支出绩效目标表",
                "部门（单位）整体支出绩效目标申报表",
                f"{year}年度部门整体支出绩效目标表",
            )
        )
        table = Table(
            kind="department",
            caption=caption,
            name=unit,
            name_label=rng.choice(("部门（单位）名称", "部门名称", "单位名称")),
        )
        tasks = rng.sample(W.TASK_NAMES, rng.randint(2, 4))
        budgets = [rng.choice((15, 30, 45, 60, 120, 260, 480, 800)) for _ in tasks]
        total = sum(budgets)
        other = 0 if rng.random() < 0.6 else rng.choice((5, 10, 20))
        table.funds_label = rng.choice(("年度预算（万元）", "年度预算\n（万元）", "年度预算申请"))
        table.funds = [
            Field("资金总额", "资金总额", _money(total)),
            Field("财政拨款", "财政拨款", _money(total - other)),
            Field("其他资金", "其他资金", _money(other)),
        ]
        if rng.random() < 0.5:
            basic = budgets[0]
            table.funds += [
                Field("基本支出", "基本支出", _money(basic)),
                Field("项目支出", "项目支出", _money(total - basic)),
            ]
        table.funds_across = rng.random() < 0.5
        table.task_labels = [
            rng.choice(("年度主要任务", "年度履职目标")),
            "任务名称",
            "主要内容",
            rng.choice(("预算金额（万元）", "预算金额", "对应项目预算（万元）")),
        ]
        table.tasks = [
            Task(name, content, _money(b))
            for (name, content), b in zip(tasks, budgets, strict=True)
        ]
        table.goals = [
            Field(
                rng.choice(("年度总体目标", "年度绩效目标")),
                "年度目标",
                rng.choice(W.DEPT_GOAL_SENTENCES),
            )
        ]
        table.columns = self._target_columns()
        self._indicator_rows(table, year, evaluate=False)
        return table

    def _money_block(self, table: Table, budget: int) -> None:
        rng = self.rng
        planned = budget + rng.choice((0, 0, 0, 5, 10, -2))
        rate = rng.choice((1.0, 1.0, 0.995, 0.98, 0.96, 0.925, 0.88))
        spent = round(planned * rate, 2)
        rate_text = f"{spent / planned * 100:.2f}%"
        score = min(10.0, round(spent / planned * 10, 2))
        table.money_labels = [
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]
        table.funds_label = rng.choice(("项目资金（万元）", "项目资金\n（万元）"))
        table.money = [
            MoneyRow(
                "年度资金总额",
                [_money(budget), _money(planned), f"{spent:.2f}", "10", rate_text, _score(score)],
            ),
            MoneyRow(
                "其中：财政拨款",
                [_money(budget), _money(planned), f"{spent:.2f}", "—", rate_text, "—"],
            ),
            MoneyRow("其他资金", ["0", "0", "0", "—", "—", "—"]),
        ]
        self.budget_score = score

    def _target_columns(self) -> list[Column]:
        rng = self.rng
        two_level = "two_level_grid" in self.hazards
        if two_level:
            self.used.add("two_level_grid")
        levels = [Column("level1", "一级指标"), Column("level2", "二级指标")]
        if not two_level:
            levels.append(Column("name", rng.choice(W.COLUMN_LABELS["name"])))
        rest = [Column("target", rng.choice(W.COLUMN_LABELS["target"]))]
        optional = ["unit", "comparator", "weight", "direction", "scoring_rule", "explanation"]
        for kind in rng.sample(optional, rng.randint(1 if two_level else 0, 3)):
            rest.append(Column(kind, rng.choice(W.COLUMN_LABELS[kind])))
        rng.shuffle(rest)
        if rng.random() < 0.15:
            at = next(i for i, c in enumerate(rest) if c.kind == "target")
            rest[at].label = "年度指标值"
            rest.insert(at, Column("long_term", "长期指标值"))
        return levels + rest

    def _evaluation_columns(self) -> list[Column]:
        rng = self.rng
        two_level = "two_level_grid" in self.hazards
        if two_level:
            self.used.add("two_level_grid")
        cols = [Column("level1", "一级指标"), Column("level2", "二级指标")]
        if not two_level:
            cols.append(Column("name", "三级指标"))
        cols += [
            Column("target", rng.choice(("年度指标值", "年度指标值", "指标值"))),
            Column("actual", rng.choice(W.COLUMN_LABELS["actual"])),
            Column("weight", "分值"),
            Column("score", "得分"),
            Column("deviation", rng.choice(W.COLUMN_LABELS["deviation"])),
        ]
        if rng.random() < 0.3:
            at = 4 if two_level else 5
            cols.insert(at, Column("unit", rng.choice(W.COLUMN_LABELS["unit"])))
        return cols

    # --- indicator rows -------------------------------------------------------------------

    def _indicator_rows(self, table: Table, year: int, evaluate: bool) -> None:
        rng = self.rng
        if "two_row_header" in self.hazards:
            self._two_row_header(table, evaluate)
        long_grid = "page_break" in self.hazards
        plan = self._category_plan(long_grid)
        slots = "empty_slots" in self.hazards and not table.two_level
        names_used: set[str] = set()
        for level1, level2, count in plan:
            pool = [p for p in W.INDICATORS[level2] if p[0] not in names_used]
            for name, kind in rng.sample(pool, min(count, len(pool))):
                names_used.add(name)
                cells, met = self._cells(table.columns, kind, name, year, evaluate)
                table.rows.append(IndicatorRow(level1, level2, name, cells, met=met))
            if slots and rng.random() < 0.4:
                for label in W.SLOT_LABELS[: rng.randint(1, 2)]:
                    table.rows.append(IndicatorRow(level1, level2, label, {}, slot=True))
                self.used.add("empty_slots")
        if slots and "empty_slots" not in self.used:
            last = table.rows[-1]
            table.rows.append(IndicatorRow(last.level1, last.level2, "指标1：", {}, slot=True))
            self.used.add("empty_slots")
        self._weights(table, evaluate)
        if "audit_faults" in self.hazards:
            self._plant_fault(table, evaluate)
        if long_grid and len(table.rows) >= 4:
            table.split_at = rng.randint(len(table.rows) // 3, 2 * len(table.rows) // 3)
            table.continued_caption = rng.choice(("", "", "续表", "（续表）"))
            self.used.add("page_break")
        if "fullwidth_digits" in self.hazards:
            self._fullwidth_digits(table)

    def _two_row_header(self, table: Table, evaluate: bool) -> None:
        """A group label over the indicator columns; in a self-evaluation, sometimes 年度 over
        指标值 and 实际完成值 as well."""
        rng = self.rng
        table.group_label = rng.choice(W.GRID_GROUP_LABELS)
        self.used.add("two_row_header")
        if evaluate and rng.random() < 0.5:  # 年度 over 指标值 and 实际完成值
            for column in table.columns:
                if column.kind == "target":
                    column.label, column.group = rng.choice(("指标值", "目标值")), "年度"
                elif column.kind == "actual":
                    column.label, column.group = (
                        rng.choice(("实际完成值", "全年实际值")),
                        "年度",
                    )

    def _category_plan(self, long_grid: bool) -> list[tuple[str, str, int]]:
        """Which (一级, 二级) categories get how many indicators: some output categories, a
        cost one now and then, one to three benefit ones and satisfaction."""
        rng = self.rng
        plan: list[tuple[str, str, int]] = []
        cost_first = rng.random() < 0.2
        out_level2 = [
            c for c in W.CATEGORIES[W.LEVEL1_OUTPUT] if not (cost_first and c == "成本指标")
        ]
        picks = sorted(rng.sample(range(len(out_level2)), rng.randint(2, len(out_level2))))
        for i in picks:
            plan.append((W.LEVEL1_OUTPUT, out_level2[i], rng.randint(1, 4 if long_grid else 2)))
        if cost_first:
            plan.append((W.LEVEL1_COST, rng.choice(W.CATEGORIES[W.LEVEL1_COST]), 1))
        benefit = W.CATEGORIES[W.LEVEL1_BENEFIT]
        benefit_label = "效果指标" if rng.random() < 0.1 else W.LEVEL1_BENEFIT
        for i in sorted(rng.sample(range(len(benefit)), rng.randint(1, 3))):
            plan.append((benefit_label, benefit[i], rng.randint(1, 3 if long_grid else 2)))
        plan.append((W.LEVEL1_SATISFACTION, "服务对象满意度指标", rng.randint(1, 2)))
        return plan

    def _fullwidth_digits(self, table: Table) -> None:
        for row in table.rows:
            for key in ("target", "actual", "long_term"):
                if key in row.cells and any(ch.isdigit() for ch in row.cells[key]):
                    row.cells[key] = row.cells[key].translate(_FULLWIDTH)
                    self.used.add("fullwidth_digits")

    def _weights(self, table: Table, evaluate: bool) -> None:
        """Spread 90 (self-evaluation) or 100 points: 产出 50, 效益 30, 满意度 10 (财预〔2020〕10号)."""
        rng = self.rng
        kinds = {c.kind for c in table.columns}
        if "weight" not in kinds:
            return
        shares = {
            W.LEVEL1_OUTPUT: 50,
            W.LEVEL1_COST: 0,
            W.LEVEL1_BENEFIT: 30,
            W.LEVEL1_SATISFACTION: 10,
        }
        if not evaluate:
            shares[W.LEVEL1_SATISFACTION] = 20
        real = [r for r in table.rows if not r.slot]
        groups: dict[str, list[IndicatorRow]] = {}
        for row in real:
            groups.setdefault(row.level1, []).append(row)
        if W.LEVEL1_COST in groups:
            shares[W.LEVEL1_OUTPUT] -= 10
            shares[W.LEVEL1_COST] = 10
        total_score = 0.0
        for level1, rows in groups.items():
            points = shares[W.LEVEL1_ALIASES.get(level1, level1)]
            each, extra = divmod(points, len(rows))
            for i, row in enumerate(rows):
                weight = each + (1 if i < extra else 0)
                row.cells["weight"] = str(weight)
                if evaluate:
                    score = (
                        weight if row.met else max(0, weight - rng.randint(1, max(1, weight // 2)))
                    )
                    row.cells["score"] = str(score)
                    total_score += score
        if evaluate:
            table.total_label = rng.choice(("总分", "总　分", "合计"))
            table.total_weight = "100"
            self._total(table)

    def _total(self, table: Table) -> None:
        scores = sum(int(r.cells["score"]) for r in table.rows if not r.slot)
        table.total_score = _score(scores + self.budget_score)

    def _plant_fault(self, table: Table, evaluate: bool) -> None:
        """Break one rule of layouts.md §1 the way real tables do; the key names the fault."""
        rng = self.rng
        real = [r for r in table.rows if not r.slot]
        if evaluate:
            kinds = ["score_above_weight", "weights_not_90", "execution_rate_mismatch"]
            if any(not r.met for r in real):
                kinds += ["full_score_on_miss", "shortfall_without_reason"]
        else:
            kinds = ["missing_category", "satisfaction_below_floor"]
            if any(r.level2 == "数量指标" for r in real):
                kinds.append("qualitative_only")
        kind = rng.choice(kinds)
        fault: dict[str, str] = {"kind": kind}
        if kind == "missing_category":
            table.rows = [r for r in table.rows if r.level1 != W.LEVEL1_SATISFACTION]
            fault["category"] = W.LEVEL1_SATISFACTION
        elif kind == "execution_rate_mismatch":
            money = table.money[0].values
            money[4] = f"{float(money[4].rstrip('%')) - rng.choice((5, 8, 12)):.2f}%"
        else:
            row = self._fault_row(kind, real)
            fault["indicator"] = row.name
            cells = row.cells
            if kind == "satisfaction_below_floor":
                cells["target"] = re.sub(
                    r"\d+", rng.choice(("60", "65", "70")), cells["target"], count=1
                )
            elif kind == "qualitative_only":
                cells["target"] = rng.choice(("有所增加", "逐步增加", "明显增加"))
                cells.pop("unit", None)
                if "comparator" in cells:
                    cells["comparator"] = "定性"
            elif kind == "score_above_weight":
                cells["score"] = str(int(cells["weight"]) + rng.choice((1, 2, 5)))
            elif kind == "weights_not_90":
                cells["weight"] = str(int(cells["weight"]) + 5)
            elif kind == "full_score_on_miss":
                cells["score"] = cells["weight"]
            else:  # shortfall_without_reason
                cells.pop("deviation", None)
            if evaluate:
                self._total(table)
        table.faults.append(fault)
        self.used.add("audit_faults")

    def _fault_row(self, kind: str, rows: list[IndicatorRow]) -> IndicatorRow:
        if kind == "satisfaction_below_floor":
            rows = [r for r in rows if r.level1 == W.LEVEL1_SATISFACTION]
        elif kind == "qualitative_only":
            rows = [r for r in rows if r.level2 == "数量指标"]
        elif kind in ("full_score_on_miss", "shortfall_without_reason"):
            rows = [r for r in rows if not r.met]
        return self.rng.choice(rows)

    def _cells(
        self, columns: list[Column], kind: str, name: str, year: int, evaluate: bool
    ) -> tuple[dict[str, str], bool]:
        """The row's printed cells, and whether its actual value meets the target."""
        rng = self.rng
        kinds = [c.kind for c in columns]
        value = _Value.draw(rng, kind, year)
        cells: dict[str, str] = {}
        with_cmp = "comparator" in kinds
        with_unit = "unit" in kinds
        cells["target"] = value.render(with_cmp, with_unit, rng)
        if "long_term" in kinds:
            cells["long_term"] = value.longer().render(with_cmp, with_unit, rng)
        if with_cmp:
            cells["comparator"] = value.comparator_word
        if "unit" in kinds:
            cells["unit"] = value.unit if value.number else ""
        if "direction" in kinds:
            cells["direction"] = "反向" if value.comparator == "≤" else "正向"
        if "scoring_rule" in kinds:
            cells["scoring_rule"] = rng.choice(W.SCORING_RULES)
        if "explanation" in kinds:
            text = W.EXPLANATIONS.get(value.family, W.EXPLANATIONS["other"]).format(name=name)
            cells["explanation"] = text
        met = True
        if evaluate:
            met = rng.random() < 0.75
            cells["actual"] = value.actual(met, rng, with_unit)
            cells["deviation"] = "" if met else rng.choice(W.DEVIATIONS)
            if met and rng.random() < 0.5:
                cells["deviation"] = "无"
        return cells, met


# Hazards that belong to the document as a whole rather than to a drawn table.
_DOCUMENT_HAZARDS = frozenset(
    {
        "merged_cells",
        "traditional",
        "furniture",
        "nested_layout",
        "gbk",
        "xls_name",
        "numeric_cells",
    }
)


class _Value:
    """A target value in parts, so each column layout prints it its own way."""

    def __init__(self, family: str, comparator: str, number: str, unit: str, word: str = ""):
        self.family = family
        self.comparator = comparator
        self.number = number
        self.unit = unit
        self.word = word

    @property
    def comparator_word(self) -> str:
        return "定性" if self.word and self.comparator != "=" else self.comparator

    @classmethod
    def draw(cls, rng: random.Random, kind: str, year: int) -> _Value:
        family, _, unit = kind.partition(":")
        if family == "pct":
            number = rng.choice(W.PCT_VALUES)
            return cls(
                "pct", "=" if number == 100 else rng.choice(("≥", "≥", "=")), str(number), "%"
            )
        if family == "pct_low":
            return cls("pct", "≥", str(rng.choice(W.PCT_LOW_VALUES)), "%")
        if family == "satisfaction":
            return cls("satisfaction", "≥", str(rng.choice((85, 90, 95))), "%")
        if family == "ceiling":
            return cls("pct", "≤", "100", "%")
        if family == "ceiling_low":
            return cls("pct", "≤", rng.choice(("1", "2", "5", "0.5")), "%")
        if family == "count":
            number = rng.choice(W.COUNT_BY_UNIT.get(unit, W.COUNT_VALUES))
            return cls("count", rng.choice(("≥", "≥", "=")), str(number), unit)
        if family == "days":
            return cls("days", "≤", str(rng.choice(W.DAY_VALUES)), rng.choice(W.DAY_UNITS))
        if family == "money":
            return cls("money", "≤", str(rng.choice((10, 20, 35, 50, 80, 120))), "万元")
        if family == "cost":
            return cls("cost", "≤", str(rng.choice((50, 120, 300, 800, 1500))), unit)
        if family == "deadline":
            return cls("deadline", "定性", "", "", rng.choice(W.DEADLINES).format(year=year))
        if family == "ratio":
            return cls("ratio", "=", "", "", rng.choice(W.RATIOS))
        return cls(family, "定性", "", "", rng.choice(W.QUALITATIVE[family]))

    def render(self, with_cmp: bool, with_unit: bool, rng: random.Random) -> str:
        if not self.number:
            return self.word
        unit = "" if with_unit else self.unit
        if with_cmp or self.comparator == "=":
            return self.number + unit
        if self.comparator == "≥" and rng.random() < 0.15:
            return f"{self.number}{unit}以上"
        return f"{self.comparator}{self.number}{unit}"

    def longer(self) -> _Value:
        if not self.number or self.unit == "%" or self.comparator == "≤":
            return self
        return _Value(self.family, self.comparator, str(int(float(self.number) * 3)), self.unit)

    def actual(self, met: bool, rng: random.Random, with_unit: bool) -> str:
        unit = "" if with_unit else self.unit
        if not self.number:
            return self.word if met else rng.choice(("基本完成", "部分完成", "未完成"))
        target = float(self.number)
        if self.comparator == "≤":
            got = target * (rng.choice((0.6, 0.8, 1.0)) if met else rng.choice((1.2, 1.5)))
        else:
            got = target * (1.0 if met else rng.choice((0.6, 0.8, 0.9)))
            if met and self.unit == "%" and target < 100:
                got = min(100.0, target + rng.choice((0, 1, 2.5)))
        text = f"{got:.1f}".removesuffix(".0") if self.unit == "%" else f"{got:g}"
        return text + unit


def _money(amount: float) -> str:
    return f"{amount:.2f}"


def _score(value: float) -> str:
    return f"{value:.2f}".removesuffix(".00")
