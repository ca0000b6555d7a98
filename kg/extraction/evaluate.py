"""Score what extraction read from performance tables against an answer key.

An answer key is plain JSON written by whoever made the document (``kg synth --layout
national`` writes ``<name>.answer.json`` beside each file; hand-written fixtures carry their
own): for every table its indicators with ``level1``, ``level2``, ``name``, ``target`` and the
other columns as printed. Both sides are compared after the same folding (width, traditional
glyphs, whitespace), so a document printed in 績效 glyphs is matched against its own printed
text, never against our output. Rows match as a multiset on the chosen fields: a row found
twice counts once as found and once as spurious.

>>> from kg.model import Document, Project, ProjectIndicator, SourceRef
>>> doc = Document(SourceRef("a.xlsx", ""), projects=[Project("", "p", 1, indicators=[
...     ProjectIndicator("产出指标", "数量指标", "培训人次", 3, value="≥500人次")])])
>>> key = {"tables": [{"indicators": [
...     {"level1": "產出指標", "level2": "數量指標", "name": "培训 人次", "target": "≥５00人次"},
...     {"level1": "效益指标", "level2": "", "name": "满意度", "target": "≥90%"}]}]}
>>> score = score_document(doc, key)
>>> score.found, score.expected, score.extracted
(1, 2, 1)
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.model import TEMPLATE_COLUMNS, Document, ProjectIndicator
from kg.textnorm import clean_cell, fold, simplify

ROW_FIELDS: tuple[str, ...] = ("level1", "level2", "name", "target")
"""What makes an indicator row right by default: its categories, its name and its target."""

COLUMN_FIELDS: tuple[str, ...] = TEMPLATE_COLUMNS
"""The optional columns of the national grids: answer keys use the model's field names."""

_SPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """The folded form both sides are compared in: NFKC, simplified glyphs, no whitespace."""
    return _SPACE.sub("", simplify(fold(clean_cell(text or ""))))


def indicator_row(indicator: ProjectIndicator) -> dict[str, str]:
    """One extracted indicator in answer-key field names."""
    row = {
        "level1": indicator.level1,
        "level2": indicator.level2,
        "name": indicator.name,
        "target": indicator.value,
    }
    row.update({name: getattr(indicator, name) for name in COLUMN_FIELDS})
    return row


def expected_rows(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every indicator row of one document's answer key, tables in order."""
    return [row for table in answer.get("tables", []) for row in table.get("indicators", [])]


@dataclass
class Score:
    """Indicator rows expected, extracted and found, with the rows that differ."""

    expected: int = 0
    extracted: int = 0
    found: int = 0
    missed: list[tuple[str, ...]] = field(default_factory=list)
    spurious: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.found / self.extracted if self.extracted else float(self.expected == 0)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.extracted += other.extracted
        self.found += other.found
        self.missed += other.missed
        self.spurious += other.spurious


def score_rows(
    expected: Iterable[Mapping[str, Any]],
    found: Iterable[Mapping[str, Any]],
    fields: tuple[str, ...] = ROW_FIELDS,
) -> Score:
    """Compare rows on ``fields`` (a field a row lacks compares as "")."""

    def key(row: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(comparable(str(row.get(name) or "")) for name in fields)

    want, got = Counter(map(key, expected)), Counter(map(key, found))
    both = want & got
    return Score(
        expected=sum(want.values()),
        extracted=sum(got.values()),
        found=sum(both.values()),
        missed=sorted((want - got).elements()),
        spurious=sorted((got - want).elements()),
    )


def score_document(
    document: Document, answer: Mapping[str, Any], fields: tuple[str, ...] = ROW_FIELDS
) -> Score:
    """How many of the answer key's indicator rows the document's extraction found."""
    found = [indicator_row(i) for _, i in document.iter_project_indicators()]
    return score_rows(expected_rows(answer), found, fields)


def evaluate_folder(
    folder: str | Path, fields: tuple[str, ...] = ROW_FIELDS
) -> tuple[dict[str, Score], list[str]]:
    """Per-format scores of every document in ``folder`` that has ``<name>.answer.json``.

    A file that cannot be read counts all its rows as missed; its one-line error is returned.
    Missed and spurious rows are prefixed with the file name.
    """
    from kg.extraction import extract_file  # the package imports this module

    per_format: dict[str, Score] = defaultdict(Score)
    errors: list[str] = []
    for answer_path in sorted(Path(folder).glob("*.answer.json")):
        answer = json.loads(answer_path.read_text("utf-8"))
        path = Path(folder) / answer["file"]
        fmt = answer.get("format") or path.suffix.lstrip(".")
        try:
            document = extract_file(path)
        except KgError as exc:
            errors.append(str(exc))
            per_format[fmt].add(Score(expected=len(expected_rows(answer))))
            continue
        score = score_document(document, answer, fields)
        score.missed = [(path.name, *row) for row in score.missed]
        score.spurious = [(path.name, *row) for row in score.spurious]
        per_format[fmt].add(score)
    return dict(per_format), errors
