"""Write a whole synthetic corpus to disk, with a JSON manifest of what was generated and planted.

Each document is a pure function of ``(seed, index)`` and of a corpus plan made up front (which
documents carry which planted families), so the corpus is identical whatever the number of worker
processes. Documents are written as they are made; nothing is held for the whole corpus except
the per-document counts that go into the manifest.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as out:
...     manifest = generate_corpus(out, 3, seed=7)
...     len(manifest.documents), (Path(out) / MANIFEST_NAME).is_file()
(3, True)
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.synth.generator import (
    PROJECT_LAYOUT_SHARE,
    DocumentTruth,
    Family,
    PlantedCopy,
    draw_indicator,
    generate_document,
)
from kg.synth.vocabulary import IndicatorEntry, TextRow, Vocabulary, load_vocabulary

MANIFEST_NAME = "synth-manifest.json"
FORMATS = ("txt", "docx")
FAMILY_SHARE = 0.3
"""Planted families per duty-layout document (each family is planted 2–4 times)."""

COUNT_FIELDS = (
    "activities",
    "sub_activities",
    "indicators",
    "grade_cells",
    "projects",
    "project_indicators",
    "cells",
    "lines",
)


@dataclass
class CorpusManifest:
    """What a corpus holds: per-document truth, planted families, and how it was made."""

    seed: int
    format: str
    documents: list[DocumentTruth] = field(default_factory=list)
    families: list[dict[str, Any]] = field(default_factory=list)
    vocabulary: dict[str, Any] = field(default_factory=dict)
    generator: str = "kg.synth/1"

    def totals(self) -> dict[str, int]:
        """Corpus-wide sums of the per-document counts, plus planted copies."""
        totals = {name: sum(getattr(doc, name) for doc in self.documents) for name in COUNT_FIELDS}
        totals["documents"] = len(self.documents)
        totals["families"] = len(self.families)
        totals["planted_copies"] = sum(len(doc.planted) for doc in self.documents)
        return totals

    def to_json(self) -> dict[str, Any]:
        return {
            "generator": self.generator,
            "seed": self.seed,
            "format": self.format,
            "totals": self.totals(),
            "vocabulary": self.vocabulary,
            "families": self.families,
            "documents": [asdict(doc) for doc in self.documents],
        }

    def write(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> CorpusManifest:
        """Read a manifest written by :meth:`write` (a corpus folder or the JSON file itself)."""
        path = Path(path)
        if path.is_dir():
            path = path / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise KgError("no synth manifest here", path=str(path)) from exc
        except json.JSONDecodeError as exc:
            raise KgError(
                f"not a synth manifest ({exc.msg})", path=str(path), line=exc.lineno
            ) from exc
        documents = []
        for doc in data["documents"]:
            planted = [PlantedCopy(**copy) for copy in doc.pop("planted")]
            documents.append(DocumentTruth(**doc, planted=planted))
        return cls(
            seed=data["seed"],
            format=data["format"],
            documents=documents,
            families=data["families"],
            vocabulary=data["vocabulary"],
            generator=data["generator"],
        )


@dataclass
class CorpusPlan:
    """Decisions made once for the whole corpus, before any document is written."""

    seed: int
    documents: int
    layouts: list[str]
    families: list[Family]
    hosts: dict[int, list[Family]]


def document_rng(seed: int, index: int) -> random.Random:
    """The random stream of one document: independent of every other document and of workers."""
    return random.Random(f"pikg-synth/{seed}/{index}")


def plan_corpus(documents: int, seed: int, vocabulary: Vocabulary) -> CorpusPlan:
    """Choose each document's layout and which documents receive which planted family."""
    layouts = [
        "project"
        if random.Random(f"pikg-synth/{seed}/{i}/layout").random() < PROJECT_LAYOUT_SHARE
        else "duty"
        for i in range(documents)
    ]
    duty = [i for i, layout in enumerate(layouts) if layout == "duty"]
    rng = random.Random(f"pikg-synth/{seed}/families")
    families: list[Family] = []
    hosts: dict[int, list[Family]] = {}
    if not duty:
        return CorpusPlan(seed, documents, layouts, families, hosts)
    for number in range(max(1, round(len(duty) * FAMILY_SHARE))):
        family_id = f"F{number:06d}"
        if rng.random() < 0.3:
            size = rng.randint(2, 4)
            indicators = [draw_indicator(rng, vocabulary) for _ in range(size)]
            base = rng.choice(vocabulary.sub_activities)
            sub = TextRow(base.name, base.content, base.goal)
            family = Family(family_id, "block", indicators, sub)
        else:
            entry = draw_indicator(rng, vocabulary)
            family = Family(family_id, "indicator", [IndicatorEntry(entry.name, entry.grades)])
        families.append(family)
        copies = rng.choices((2, 3, 4), weights=(6, 3, 1))[0]
        for _ in range(copies):
            hosts.setdefault(rng.choice(duty), []).append(family)
    return CorpusPlan(seed, documents, layouts, families, hosts)


def document_name(index: int, documents: int, text: str, fmt: str) -> str:
    """``0042_3f2a9c…​.txt``: the seeds' naming (index, then a content hash)."""
    width = max(3, len(str(max(documents - 1, 0))))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return f"{index:0{width}d}_{digest}.{fmt}"


# --- Workers ----------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(plan: CorpusPlan, vocabulary: Vocabulary, out_dir: str, fmt: str) -> None:
    _WORKER.update(plan=plan, vocabulary=vocabulary, out_dir=Path(out_dir), fmt=fmt)


def _write_document(index: int) -> DocumentTruth:
    plan: CorpusPlan = _WORKER["plan"]
    fmt: str = _WORKER["fmt"]
    text, truth = generate_document(
        document_rng(plan.seed, index),
        _WORKER["vocabulary"],
        fmt=fmt,
        layout=plan.layouts[index],
        families=plan.hosts.get(index, ()),
    )
    name = document_name(index, plan.documents, text, fmt)
    truth.path = name
    target = _WORKER["out_dir"] / name
    if fmt == "txt":
        target.write_text(text + "\n", encoding="utf-8")
    else:
        from kg.synth.dump2docx import text_dump_to_docx

        text_dump_to_docx(text, target)
    return truth


def _write_range(bounds: tuple[int, int]) -> list[DocumentTruth]:
    return [_write_document(index) for index in range(*bounds)]


def generate_corpus(
    out_dir: str | Path,
    documents: int,
    seed: int = 0,
    fmt: str = "txt",
    *,
    vocabulary: Vocabulary | str | Path | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> CorpusManifest:
    """Write ``documents`` synthetic documents into ``out_dir`` and return their manifest.

    ``vocabulary`` is a :class:`Vocabulary`, a folder of text dumps to mine (e.g. the seeds), or
    ``None`` for the built-in words plus the bundled samples. ``jobs`` worker processes share the
    work (``0`` = one per core); the output does not depend on it. ``progress(done, total)`` is
    called as documents are written. The manifest is also saved as ``out_dir/synth-manifest.json``.
    """
    if documents < 1:
        raise KgError(f"--documents must be at least 1 (got {documents})")
    if fmt not in FORMATS:
        raise KgError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if not isinstance(vocabulary, Vocabulary):
        vocabulary = load_vocabulary(vocabulary)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    plan = plan_corpus(documents, seed, vocabulary)
    jobs = jobs or os.cpu_count() or 1
    chunk = max(1, min(200, documents // (jobs * 8) or 1))
    ranges = [(start, min(start + chunk, documents)) for start in range(0, documents, chunk)]
    truths: list[DocumentTruth] = []
    if jobs == 1:
        _init_worker(plan, vocabulary, str(out), fmt)
        batches = map(_write_range, ranges)
        for batch in batches:
            truths.extend(batch)
            if progress:
                progress(len(truths), documents)
    else:
        with ProcessPoolExecutor(
            max_workers=jobs, initializer=_init_worker, initargs=(plan, vocabulary, str(out), fmt)
        ) as pool:
            for batch in pool.map(_write_range, ranges):
                truths.extend(batch)
                if progress:
                    progress(len(truths), documents)
    manifest = CorpusManifest(
        seed=seed,
        format=fmt,
        documents=truths,
        families=_family_report(plan, truths),
        vocabulary={"sources": vocabulary.sources, "counts": vocabulary.counts()},
    )
    manifest.write(out / MANIFEST_NAME)
    return manifest


def _family_report(plan: CorpusPlan, truths: list[DocumentTruth]) -> list[dict[str, Any]]:
    """Each planted family with its rows and every place it was planted."""
    members: dict[str, list[dict[str, Any]]] = {}
    for truth in truths:
        for copy in truth.planted:
            members.setdefault(copy.family, []).append({"path": truth.path, "line": copy.line})
    return [
        {
            "id": family.id,
            "kind": family.kind,
            "sub_activity": family.sub_activity.name if family.sub_activity else None,
            "indicators": [{"name": e.name, "grades": list(e.grades)} for e in family.indicators],
            "members": members.get(family.id, []),
        }
        for family in plan.families
    ]
