"""Speed work must not change a result: unseen cells and names read exactly as before.

``tests/data/nlp/snapshot.jsonl.gz`` holds 4,000 grade cells and 1,500 indicator names that are
*not* in the seeds – the seeds' cells with their numbers redrawn, glyph variants, characters
added around them, random strings over the parser's alphabet, names spliced from two seed names
– with the Band / NameAnalysis (jieba tokens included) that the implementation before the
throughput work (``scripts/bench_nlp.py`` ``BASELINE_REV``) produced for them. The pre-checks,
merged patterns and cheaper tokenizers must give the same answers on all of them.

Regenerate (only when a result is *meant* to change, and say so in the commit) with the tree
whose answers are the reference first on the path::

    PYTHONPATH=<tree> .venv/bin/python tests/test_nlp_snapshot.py tests/data/nlp/snapshot.jsonl.gz
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from dataclasses import asdict, fields
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "data" / "nlp" / "snapshot.jsonl.gz"
_ALPHABET = [
    *"≥≤<>=≧＜％%‰-~至.:0123456789０１２ 以上下内含及或()（）次人户个件元万亿千天日月年前后",
    *"底延期按时提分之百点优良中差高低较一般好很无零三两",
    *["以上", "以下", "不低于", "不超过", "小于", "大于", "工作日", "百分之", "满意", "完成"],
    *["国家级", "省级", "第一", "很好", "较好", "达到", "同比", "计划", "得分", "后延"],
    *["10月31日前", "当日", "逾期", "无故障", "万元", "亿元", "审核意见", "（含）", "涉密"],
]


def _record(band) -> dict:
    """The Band as a dict without the fields left at their default (keeps the file small)."""
    defaults = {f.name: f.default for f in fields(band) if not callable(f.default_factory)}
    return {k: v for k, v in asdict(band).items() if k not in defaults or v != defaults[k]}


def _inputs(rng: random.Random) -> tuple[list[str], list[str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import bench_nlp

    cells, names = bench_nlp._seed_texts()
    chosen = bench_nlp.unique_cells(cells, names, 1500, seed=3)
    glyphs = str.maketrans({"≥": "≧", "<": "＜", "%": "％", "-": "－"})
    for text in sorted(set(cells)):
        variant = rng.choice(
            [text.translate(glyphs), f" {text}。", text + rng.choice(_ALPHABET), "约" + text]
        )
        chosen.append(variant)
    while len(chosen) < 4000:
        chosen.append("".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 7))))
    return sorted(set(chosen) - set(cells)), bench_nlp.unique_names(names, 1500, seed=5)


def _analyse(cells: list[str], names: list[str]) -> list[dict]:
    from kg.nlp import pipe_cells, pipe_names

    rows = [
        {"cell": t, "band": _record(d._.band)}
        for t, d in zip(cells, pipe_cells(cells), strict=True)
    ]
    rows += [
        {"name": t, "analysis": asdict(d._.name_analysis)}
        for t, d in zip(names, pipe_names(names), strict=True)
    ]
    return rows


def _load() -> list[dict]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_snapshot_covers_unseen_cells_and_names_of_every_status():
    rows = _load()
    cells = [r for r in rows if "cell" in r]
    assert len(cells) >= 3500 and len([r for r in rows if "name" in r]) == 1500
    statuses = {r["band"].get("status", "empty") for r in cells}
    assert statuses >= {"parsed", "placeholder", "malformed", "unparsed"}
    # every form a single cell can take (E, the count scale, is decided on the whole ladder)
    assert {r["band"]["form"] for r in cells if "form" in r["band"]} == set("ABCDFGHIJKL")


def test_unseen_cells_and_names_read_exactly_as_the_reference_did():
    rows = _load()
    cells = [r["cell"] for r in rows if "cell" in r]
    names = [r["name"] for r in rows if "name" in r]
    now = _analyse(cells, names)
    mismatches = [(old, new) for old, new in zip(rows, now, strict=True) if old != new]
    assert not mismatches, f"{len(mismatches)} changed, first: {mismatches[0]}"


if __name__ == "__main__":
    cell_texts, name_texts = _inputs(random.Random(2026))
    with gzip.open(sys.argv[1], "wt", encoding="utf-8") as out:
        for row in _analyse(cell_texts, name_texts):
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
