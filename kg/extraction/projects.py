"""Project tables (项目绩效目标表) → projects with their 一级/二级/三级 indicators.

Each table starts at a 项目编码 row. The indicator part is a 6-column grid (一级指标 | 二级指标 |
三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据) whose category cells are left empty where Word
merged them vertically, so level labels are carried down from the row above (domain.md §7
rule 6).
"""

from __future__ import annotations

from kg.extraction.duty import parse_budget
from kg.extraction.tables import Table, compact
from kg.model import Diagnostic, Project, ProjectIndicator
from kg.readers import Cell
from kg.textnorm import clean_cell

INDICATOR_COLUMNS = 6
_MONEY_LABELS = {
    "预算数": "budget",
    "其中:财政资金": "fiscal_funds",
    "其中：财政资金": "fiscal_funds",
    "财政资金": "fiscal_funds",
    "其他资金": "other_funds",
}


class ProjectBuilder:
    """Appends the projects of one table to ``projects``; what it cannot place is diagnosed."""

    def __init__(self, projects: list[Project], diagnostics: list[Diagnostic]):
        self.projects = projects
        self.diagnostics = diagnostics

    def warn(self, line: int, message: str, code: str, raw: str = "") -> None:
        self.diagnostics.append(Diagnostic(line, "warning", message, code, raw))

    def add_table(self, table: Table) -> None:
        project: Project | None = None
        expect = ""
        plan_labels: list[str] = []
        level1 = level2 = ""
        in_indicators = False
        department_code = table.department.code if table.department else None
        for cells in table.rows:
            text = [clean_cell(cell.raw) for cell in cells]
            if not any(text):
                continue
            keys = [compact(value) for value in text]
            raw_row = " | ".join(cell.raw for cell in cells)
            if "项目编码" in keys:
                project = self._start(cells, text, keys, department_code)
                expect, in_indicators, level1, level2 = "", False, "", ""
                continue
            if project is None:
                self.warn(
                    cells[0].line,
                    "project-table row before any 项目编码 (kept in raw)",
                    "project_orphan_row",
                    raw_row,
                )
                continue
            project.end_line = max(project.end_line, cells[-1].end_line)
            if keys[0].startswith("预算规模") or "预算数" in keys:
                self._money(project, cells, text, keys)
                expect = "purpose"
            elif not keys[0] and expect == "purpose":
                project.purpose = "\n".join(value for value in text[1:] if value)
                expect = ""
            elif keys[0].startswith("资金支出计划"):
                plan_labels, expect = text[1:], "plan"
            elif not keys[0] and expect == "plan":
                project.spending_plan = dict(zip(plan_labels, text[1:], strict=False))
                expect = ""
            elif keys[0] == "绩效目标":
                project.goal = "\n".join(value for value in text[1:] if value)
            elif keys[0] == "一级指标":
                in_indicators = True
            elif in_indicators:
                level1, level2 = self._indicator_row(project, cells, raw_row, level1, level2)
            else:
                self.warn(
                    cells[0].line,
                    "unrecognised project-table row (kept in raw)",
                    "project_unknown_row",
                    raw_row,
                )

    def _indicator_row(
        self, project: Project, cells: list[Cell], raw_row: str, level1: str, level2: str
    ) -> tuple[str, str]:
        """One row under 一级指标 … as a :class:`ProjectIndicator` (the 一级/二级 labels carried
        down from the rows above); the labels to carry on."""
        if len(cells) != INDICATOR_COLUMNS:
            self.warn(
                cells[0].line,
                f"project indicator row has {len(cells)} cells, expected "
                f"{INDICATOR_COLUMNS} (kept positionally)",
                "column_count",
                raw_row,
            )
        padded = [*cells, *(Cell("", cells[-1].end_line, cells[-1].end_line),) * 6]
        l1, l2, name, description, value, basis = (clean_cell(c.raw) for c in padded[:6])
        level1 = l1 or level1
        level2 = l2 or level2
        if not (name or description or value or basis):
            return level1, level2
        indicator = ProjectIndicator(
            level1=level1,
            level2=level2,
            name=name,
            line=padded[2].line,
            description=description,
            value=value,
            basis=basis,
            raw_name=padded[2].raw,
            raw_value=padded[4].raw,
            end_line=cells[-1].end_line,
        )
        if not l1:
            indicator.flags.append("level1_carried")
        if not l2:
            indicator.flags.append("level2_carried")
        if not name:
            indicator.flags.append("name_missing")
            self.warn(padded[2].line, "project indicator without a name", "name_missing", raw_row)
        project.indicators.append(indicator)
        return level1, level2

    def _start(self, cells, text, keys, department_code) -> Project:
        def after(label: str) -> tuple[str, int]:
            if label in keys and keys.index(label) + 1 < len(text):
                index = keys.index(label) + 1
                return text[index], cells[index].line
            return "", cells[0].line

        code, _ = after("项目编码")
        name, _ = after("项目名称")
        project = Project(
            code=code,
            name=name,
            line=cells[0].line,
            department_code=department_code,
            end_line=cells[-1].end_line,
        )
        if not code:
            self.warn(cells[0].line, "project table without a 项目编码 value", "project_code")
        self.projects.append(project)
        return project

    def _money(self, project: Project, cells, text, keys) -> None:
        for index, key in enumerate(keys[:-1]):
            field_name = _MONEY_LABELS.get(key)
            if field_name is None:
                continue
            value = text[index + 1]
            amount = parse_budget(value)
            if value and amount is None:
                self.warn(
                    cells[index + 1].line,
                    f"amount is not a number: {value!r}",
                    "budget",
                    cells[index + 1].raw,
                )
            setattr(project, field_name, amount)
