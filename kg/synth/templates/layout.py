"""Lay a template table out as a grid of cells with row and column spans, the way forms print it.

Every writer renders the same :class:`Grid` parts, so an xlsx merge, a docx merge, an HTML
rowspan and a missing cell in a text dump all come from one place. A table continued on the next
page is split into parts here; the continuation part repeats the indicator header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.synth.templates.model import Field, IndicatorRow, Table


@dataclass
class Cell:
    """A printed cell. ``carry`` marks a category cell, repeated on every row when not merged."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    head: bool = False
    carry: bool = False


@dataclass
class Grid:
    """One printed table (or one page's part of it): rows of ``(column, cell)`` anchors.

    ``head_rows`` are the indicator header rows (repeated on a new page); ``caption`` is the line
    printed above a continued part (续表), if any.
    """

    width: int
    rows: list[list[tuple[int, Cell]]] = field(default_factory=list)
    head_rows: list[int] = field(default_factory=list)
    caption: str = ""
    continued: bool = False

    def add(self, *cells: tuple[int, Cell]) -> None:
        self.rows.append(list(cells))

    def matrix(self) -> list[list[str]]:
        """Every position's text: a span's text at its anchor, ``""`` where it is covered."""
        out = [[""] * self.width for _ in self.rows]
        for r, row in enumerate(self.rows):
            for c, cell in row:
                out[r][c] = cell.text
        return out

    def covered(self) -> set[tuple[int, int]]:
        """Positions covered by a span (not its anchor)."""
        spots = set()
        for r, row in enumerate(self.rows):
            for c, cell in row:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            spots.add((r + dr, c + dc))
        return spots


def table_width(table: Table) -> int:
    """Columns of the whole printed table: the grid's, at least 4; a self-evaluation money block
    needs 7 (a row label and six amounts), 8 with the outer 项目资金 label."""
    width = max(len(table.columns), 4)
    if table.kind == "self_evaluation":
        width = max(width, 7)
    return width


def layout(table: Table, merged: bool = True) -> list[Grid]:
    """The table as printed grids: one, or two when it continues on the next page."""
    width = table_width(table)
    first = Grid(width)
    _header_block(first, table)
    rows = table.rows
    cut = table.split_at or len(rows)
    _grid_header(first, table)
    _indicator_rows(first, table, rows[:cut])
    parts = [first]
    if table.split_at:
        second = Grid(width, caption=table.continued_caption, continued=True)
        _grid_header(second, table)
        _indicator_rows(second, table, rows[cut:])
        parts.append(second)
    if table.total_label:
        _total_row(parts[-1], table)
    return parts if merged else [_unmerge(p) for p in parts]


def _label(text: str) -> Cell:
    return Cell(text, head=True)


def _span(text: str, start: int, end: int, head: bool = False) -> tuple[int, Cell]:
    """A cell from column ``start`` to ``end`` inclusive."""
    return start, Cell(text, colspan=end - start + 1, head=head)


def _header_block(grid: Grid, table: Table) -> None:
    w = grid.width
    half = w // 2
    grid.add((0, _label(table.name_label)), _span(table.name, 1, w - 1))
    fields = list(table.fields)
    while fields:
        one = fields.pop(0)
        if one.key == "单位名称" or not fields:
            grid.add((0, _label(one.label)), _span(one.value, 1, w - 1))
            continue
        two = fields.pop(0)
        grid.add(
            (0, _label(one.label)),
            _span(one.value, 1, half - 1),
            (half, _label(two.label)),
            _span(two.value, half + 1, w - 1),
        )
    if table.money:
        _money_block(grid, table)
    elif table.funds_across and len(table.funds) < grid.width:
        _across(grid, table.funds_label, table.funds)
    elif table.funds:
        _label_rows(grid, table.funds_label, table.funds)
    if table.tasks:
        _tasks(grid, table)
    if len(table.goals) == 2:
        first, second = table.goals
        grid.add(
            (0, Cell(table.goals_label, rowspan=2, head=True)),
            _span(first.label, 1, half - 1, head=True),
            _span(second.label, half, w - 1, head=True),
        )
        grid.add(_span(first.value, 1, half - 1), _span(second.value, half, w - 1))
    else:
        for goal in table.goals:
            grid.add((0, _label(goal.label)), _span(goal.value, 1, w - 1))


def _label_rows(grid: Grid, outer: str, entries: list[Field]) -> None:
    w = grid.width
    for i, entry in enumerate(entries):
        row: list[tuple[int, Cell]] = []
        if i == 0:
            row.append((0, Cell(outer, rowspan=len(entries), head=True)))
        row += [(1, _label(entry.label)), _span(entry.value, 2, w - 1)]
        grid.add(*row)


def _across(grid: Grid, outer: str, entries: list[Field]) -> None:
    """Labels in one row, values in the next (年度预算 laid out across the table)."""
    head = [(0, Cell(outer, rowspan=2, head=True))]
    head += [(1 + i, _label(e.label)) for i, e in enumerate(entries)]
    values = [(1 + i, Cell(e.value)) for i, e in enumerate(entries)]
    _stretch(head, grid.width)
    _stretch(values, grid.width)
    grid.add(*head)
    grid.add(*values)


def _money_block(grid: Grid, table: Table) -> None:
    w = grid.width
    start = 1 if w >= 8 else 0
    head = [(start + i, _label(text)) for i, text in enumerate(table.money_labels)]
    if start:
        head.insert(0, (0, Cell(table.funds_label, rowspan=len(table.money) + 1, head=True)))
    elif not table.money_labels[0]:
        head[0] = (0, _label(table.funds_label))
    _stretch(head, w)
    grid.add(*head)
    for money in table.money:
        row = [(start, _label(money.label))]
        row += [(start + 1 + i, Cell(v)) for i, v in enumerate(money.values)]
        _stretch(row, w)
        grid.add(*row)


def _stretch(row: list[tuple[int, Cell]], width: int) -> None:
    """Let the last cell of a row run to the table's right edge."""
    col, cell = row[-1]
    cell.colspan = width - col


def _tasks(grid: Grid, table: Table) -> None:
    w = grid.width
    outer, name, content, budget = table.task_labels
    grid.add(
        (0, Cell(outer, rowspan=len(table.tasks) + 1, head=True)),
        (1, _label(name)),
        _span(content, 2, w - 2, head=True),
        (w - 1, _label(budget)),
    )
    for task in table.tasks:
        grid.add((1, Cell(task.name)), _span(task.content, 2, w - 2), (w - 1, Cell(task.budget)))


def _grid_header(grid: Grid, table: Table) -> None:
    first = len(grid.rows)
    levels = sum(1 for c in table.columns if c.kind in ("level1", "level2", "name"))
    extra = grid.width - len(table.columns)
    if table.group_label:
        top = [_span(table.group_label, 0, levels - 1, head=True)]
        lower = [(i, _label(c.label)) for i, c in enumerate(table.columns[:levels])]
        columns = table.columns
        for i in range(levels, len(columns)):
            group = columns[i].group
            if not group:
                top.append((i, Cell(columns[i].label, rowspan=2, head=True)))
                continue
            lower.append((i, _label(columns[i].label)))
            if columns[i - 1].group != group:
                end = i
                while end + 1 < len(columns) and columns[end + 1].group == group:
                    end += 1
                top.append(_span(group, i, end, head=True))
        if extra:
            _stretch(top, grid.width)
        grid.add(*top)
        grid.add(*lower)
    else:
        row = [(i, _label(c.label)) for i, c in enumerate(table.columns)]
        if extra:
            _stretch(row, grid.width)
        grid.add(*row)
    grid.head_rows = list(range(first, len(grid.rows)))


def _indicator_rows(grid: Grid, table: Table, rows: list[IndicatorRow]) -> None:
    kinds = [c.kind for c in table.columns]
    two_level = table.two_level
    for i, row in enumerate(rows):
        cells: list[tuple[int, Cell]] = []
        if i == 0 or rows[i - 1].level1 != row.level1:
            run = _run(rows, i, lambda r: r.level1)
            cells.append((0, Cell(row.level1, rowspan=run, carry=True)))
        if two_level:
            cells.append((1, Cell(row.name)))
        elif i == 0 or (rows[i - 1].level1, rows[i - 1].level2) != (row.level1, row.level2):
            run = _run(rows, i, lambda r: (r.level1, r.level2))
            cells.append((1, Cell(row.level2, rowspan=run, carry=True)))
        for col, kind in enumerate(kinds):
            if kind == "name":
                cells.append((col, Cell(row.name)))
            elif kind not in ("level1", "level2"):
                cells.append((col, Cell(row.cells.get(kind, ""))))
        _stretch(cells, grid.width)
        grid.add(*cells)


def _run(rows: list[IndicatorRow], start: int, key) -> int:
    n = 1
    while start + n < len(rows) and key(rows[start + n]) == key(rows[start]):
        n += 1
    return n


def _total_row(grid: Grid, table: Table) -> None:
    kinds = [c.kind for c in table.columns]
    weight = kinds.index("weight")
    score = kinds.index("score")
    row = [_span(table.total_label, 0, weight - 1, head=True), (weight, Cell(table.total_weight))]
    row.append((score, Cell(table.total_score)))
    row += [(c, Cell("")) for c in range(weight + 1, len(kinds)) if c != score]
    row.sort(key=lambda x: x[0])
    _stretch(row, grid.width)
    grid.add(*row)


def _unmerge(grid: Grid) -> Grid:
    """The same grid without spans: category cells repeated, other covered cells empty."""
    flat = Grid(
        grid.width, head_rows=grid.head_rows, caption=grid.caption, continued=grid.continued
    )
    cells: dict[tuple[int, int], Cell] = {}
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    text = cell.text if (dr == dc == 0 or (cell.carry and dc == 0)) else ""
                    cells[(r + dr, c + dc)] = Cell(text, head=cell.head)
    for r in range(len(grid.rows)):
        flat.add(*[(c, cells[(r, c)]) for c in range(grid.width) if (r, c) in cells])
    return flat
