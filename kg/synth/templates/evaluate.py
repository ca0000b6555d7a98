"""Score what a reader found against an answer key: indicator-row precision and recall.

Both sides are folded before they are compared (traditional → simplified glyphs with OpenCC
``t2s``, NFKC so full-width digits equal ASCII ones, whitespace removed), as the answer-key schema
promises. Rows are matched as a multiset on the chosen fields, so a row found twice counts once
as right and once as extra.

>>> key = [{"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "target": "≥５00人次"}]
>>> found = [{"level1": "產出指標", "level2": "数量指标", "name": "培训 人次", "target": "≥500人次"}]
>>> score(key, found).f1
1.0
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from opencc import OpenCC

from kg.errors import KgError

ROW_FIELDS = ("level1", "level2", "name", "target")


@cache
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def fold(text: str) -> str:
    """The comparable form of a printed value: simplified glyphs, NFKC, no whitespace."""
    folded = unicodedata.normalize("NFKC", _t2s().convert(text or ""))
    return "".join(folded.split())


@dataclass
class Score:
    """Counts of matched, missing and extra rows, with the rows themselves for a report."""

    matched: int = 0
    missing: list[tuple[str, ...]] = field(default_factory=list)
    extra: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.matched + len(self.extra)
        return self.matched / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.matched + len(self.missing)
        return self.matched / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.matched += other.matched
        self.missing += other.missing
        self.extra += other.extra


def _key(row: Mapping[str, Any], fields: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(str(row.get(name, ""))) for name in fields)


def score(
    expected: Iterable[Mapping[str, Any]],
    found: Iterable[Mapping[str, Any]],
    fields: tuple[str, ...] = ROW_FIELDS,
) -> Score:
    """Compare indicator rows on ``fields`` (answer-key names; a missing field compares as "")."""
    want = Counter(_key(row, fields) for row in expected)
    got = Counter(_key(row, fields) for row in found)
    both = want & got
    return Score(
        matched=sum(both.values()),
        missing=sorted((want - both).elements()),
        extra=sorted((got - both).elements()),
    )


def expected_rows(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every indicator row of one document's answer key, tables in order."""
    return [row for table in answer["tables"] for row in table["indicators"]]


def score_corpus(
    folder: str | Path,
    found: Mapping[str, Iterable[Mapping[str, Any]]],
    fields: tuple[str, ...] = ROW_FIELDS,
) -> dict[str, Score]:
    """Per-format scores of a generated corpus; ``found`` maps a file name to its rows.

    A file of the corpus that ``found`` does not mention counts as read with no rows.
    """
    manifest = Path(folder) / "answers.json"
    if not manifest.is_file():
        raise KgError(
            "no answers.json: not a corpus written by kg synth --layout national", str(folder)
        )
    answers = json.loads(manifest.read_text(encoding="utf-8"))["documents"]
    unknown = set(found) - {a["file"] for a in answers}
    if unknown:
        raise KgError(f"files not in the corpus: {', '.join(sorted(unknown))}", str(folder))
    per_format: dict[str, Score] = {}
    for answer in answers:
        result = score(expected_rows(answer), found.get(answer["file"], ()), fields)
        per_format.setdefault(answer["format"], Score()).add(result)
    return per_format
