"""Score what extraction read from a performance table against an answer key.

An answer key is plain JSON written by whoever made the document (``kg synth --layout
national`` writes one beside each file; hand-written fixtures carry their own): for every
table its indicators with ``level1``, ``level2``, ``name`` and ``target`` as printed. Both
sides are compared after the same folding (width, traditional glyphs, spaces), so a document
printed in 績效 glyphs is matched against its own printed text, never against our output.

A row counts as found only when its categories, name and target value all agree; precision
and recall are over indicator rows, per document and summed per format.

>>> from kg.model import Document, Project, ProjectIndicator, SourceRef
>>> doc = Document(SourceRef("a.xlsx", ""), projects=[Project("", "p", 1, indicators=[
...     ProjectIndicator("产出指标", "数量指标", "培训人次", 3, value="≥500人次")])])
>>> key = {"tables": [{"indicators": [
...     {"level1": "產出指標", "level2": "數量指標", "name": "培训人次", "target": "≥500人次"},
...     {"level1": "效益指标", "level2": "", "name": "满意度", "target": "≥90%"}]}]}
>>> score = score_document(doc, key)
>>> score.found, score.expected, score.extracted
(1, 2, 1)
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.model import Document
from kg.textnorm import clean_cell, fold, simplify

_SPACE = re.compile(r"\s+")

Row = tuple[str, str, str, str]


def row_key(level1: str, level2: str, name: str, target: str) -> Row:
    """The comparison form of one indicator row (folded, simplified, no whitespace)."""
    return tuple(
        _SPACE.sub("", simplify(fold(clean_cell(v or "")))) for v in (level1, level2, name, target)
    )  # type: ignore[return-value]


def expected_rows(answer: dict) -> Counter[Row]:
    """The indicator rows an answer key lists, as a multiset."""
    return Counter(
        row_key(i.get("level1", ""), i.get("level2", ""), i.get("name", ""), i.get("target", ""))
        for table in answer.get("tables", [])
        for i in table.get("indicators", [])
    )


def extracted_rows(document: Document) -> Counter[Row]:
    """The project-table indicator rows extraction found, as a multiset."""
    return Counter(
        row_key(i.level1, i.level2, i.name, i.value) for _, i in document.iter_project_indicators()
    )


@dataclass
class Score:
    """Indicator rows expected, extracted and found (all four fields equal)."""

    expected: int = 0
    extracted: int = 0
    found: int = 0
    missed: list[Row] = field(default_factory=list)
    spurious: list[Row] = field(default_factory=list)

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


def score_document(document: Document, answer: dict) -> Score:
    """How many of the answer key's indicator rows the document's extraction found."""
    want, got = expected_rows(answer), extracted_rows(document)
    found = want & got
    return Score(
        expected=sum(want.values()),
        extracted=sum(got.values()),
        found=sum(found.values()),
        missed=sorted((want - got).elements()),
        spurious=sorted((got - want).elements()),
    )


def evaluate_folder(folder: str | Path) -> tuple[dict[str, Score], list[str]]:
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
            per_format[fmt].add(Score(expected=sum(expected_rows(answer).values())))
            continue
        score = score_document(document, answer)
        score.missed = [(path.name, *row) for row in score.missed]
        score.spurious = [(path.name, *row) for row in score.spurious]
        per_format[fmt].add(score)
    return dict(per_format), errors
