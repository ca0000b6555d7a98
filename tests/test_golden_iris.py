"""Golden IRIs: the IRIs ingest gives to chosen nodes of the seeds never change by accident.

Users hold these IRIs: links from reports and notebooks, review decisions in ``pig:curation``
(keyed by finding IRIs, which are built from member IRIs), graphs pushed into other stores.
A code change that moves them breaks all of that silently, so each node in
``tests/data/golden_iris.txt`` is chosen by reading the seed text (the ``seed:line`` beside
it) and the IRI ingest gives to the node at that line must equal the one written there.

How the expected values were derived, independently of ``kg.graph.namespace.mint`` and
``kg.graph.mapping``: the key parts of every IRI were read off the seed lines by hand (:func:`hand_iris`
below: a department's name and budget code from its header line, an
activity's name and number, an indicator's name, the four grade cells of its ladder, the
signature docs/nlp.md defines for them) and hashed with the rule docs/graph.md documents
(``pid:{kind}/{sha256(parts, each with \\ and | backslashed, joined by |)[:16]}``; bands
``{indicator}/band/{rank}``; the document graph ``pig:doc/{sha256 of the file[:16]}``).
``test_golden_file_follows_the_documented_rule`` recomputes them with hashlib alone; the golden
file was first written by the command below and checked against these hand-derived values.

Regenerate the golden file only when a change of IRIs is intended (never from a test):

    .venv/bin/python tests/test_golden_iris.py --write
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from kg.graph.store import Store
from kg.ingest import ingest

GOLDEN = Path(__file__).parent / "data" / "golden_iris.txt"
REGENERATE = ".venv/bin/python tests/test_golden_iris.py --write"
ID = "https://w3id.org/pikg/id/"

BROKEN_LINKS = (
    "IRI minting changed. Every IRI users hold (links, review decisions in pig:curation, "
    "graphs pushed to other stores) breaks. If this change is not intended, undo it. If it "
    "is: make sure the pipeline version changes with it (kg.ingest.local.pipeline_version "
    "fingerprints kg/graph/mapping.py and kg/graph/namespace.py; code moved elsewhere must be "
    "added to _PIPELINE_PARTS) so stores re-map, say in the commit message and in "
    "docs/graph.md which IRIs moved (old → new), and regenerate the golden file with "
    f"`{REGENERATE}`."
)

# What each kind of row names: the node of that class whose source span starts at the line,
# or a node reached from the indicator (or project indicator) at the line.
_AT_LINE = "?n a pi:{cls} ; prov:wasDerivedFrom/pi:startLine {line} ."
_FROM_INDICATOR = "?i a pi:Indicator ; prov:wasDerivedFrom/pi:startLine {line} ; {path} ?n ."
LOOKUPS = {
    "graph": None,  # the named graph of the seed itself
    "document": "?n a pi:SourceDocument .",
    "department": _AT_LINE.replace("{cls}", "Department"),
    "duty-activity": _AT_LINE.replace("{cls}", "DutyActivity"),
    "sub-activity": _AT_LINE.replace("{cls}", "SubActivity"),
    "indicator": _AT_LINE.replace("{cls}", "ActivityIndicator"),
    "project": _AT_LINE.replace("{cls}", "Project"),
    "project-indicator": _AT_LINE.replace("{cls}", "ProjectIndicator"),
    "span": "?i a pi:Indicator ; prov:wasDerivedFrom ?n . ?n pi:startLine {line} .",
    "target": _FROM_INDICATOR.replace("{path}", "pi:hasTargetValue"),
    "name-hub": _FROM_INDICATOR.replace("{path}", "pi:hasNormalizedName"),
    "ladder-hub": _FROM_INDICATOR.replace("{path}", "pi:hasSurfaceLadder"),
    "template-hub": _FROM_INDICATOR.replace("{path}", "pi:usesThresholdTemplate"),
    **{
        f"band-{rank}": _FROM_INDICATOR.replace("{path}", "pi:hasGradeBand")
        + f" ?n pi:gradeRank {rank} ."
        for rank in (1, 2, 3, 4)
    },
}


def _h(*parts: str) -> str:
    """The documented hash: parts with ``\\`` and ``|`` backslashed, joined by ``|``."""
    escaped = (p.replace("\\", "\\\\").replace("|", "\\|") for p in parts)
    return hashlib.sha256("|".join(escaped).encode("utf-8")).hexdigest()[:16]


DOC_000 = "6db7d07216bd5d8e"  # `sha256sum 000_96d939c67dd7b28c.txt`, first 16 hex digits
DOC_003 = "4eb17acb65285b3f"  # `sha256sum 003_2709046b083e087d.txt`, first 16 hex digits


def hand_iris() -> dict[tuple[str, str], str]:
    """``(kind, where)`` → the IRI computed by hand from the seed text and the documented rule."""
    iris: dict[tuple[str, str], str] = {}
    iris["graph", "000"] = f"https://w3id.org/pikg/graph/doc/{DOC_000}"
    iris["document", "000"] = f"{ID}doc/{DOC_000}"
    # 000:124 "201秦皇岛北戴河新区管理委员会办公室": folded name, then the budget code
    iris["department", "000:124"] = f"{ID}dept/" + _h("秦皇岛北戴河新区管理委员会办公室", "201")
    # 000:218 "一、参谋协调运转": document key, no parent, name + "#1" (first of that name)
    duty = iris["duty-activity", "000:218"] = f"{ID}activity/" + _h(DOC_000, "", "参谋协调运转#1")
    # 000:230 "　　1、公文运转": document key, the parent activity as <IRI>, name + "#1"
    sub = iris["sub-activity", "000:230"] = f"{ID}activity/" + _h(
        DOC_000, f"<{duty}>", "公文运转#1"
    )
    # 000:234 "公文流转速度": the parent sub-activity as <IRI>, name + "#1"
    indicator = iris["indicator", "000:234"] = f"{ID}indicator/" + _h(f"<{sub}>", "公文流转速度#1")
    for rank in (1, 2, 3, 4):  # 000:235-238: ≥90% ≥85% ≥70% ＜70%
        iris[f"band-{rank}", "000:234"] = f"{indicator}/band/{rank}"
    iris["span", "000:234"] = f"{ID}doc/{DOC_000}/lines/234-238"  # name line to last grade
    iris["name-hub", "000:234"] = f"{ID}name/" + _h("公文流转速度")
    # the four cells of 000:235-238 folded (full-width ＜ → <), joined by " | "
    iris["ladder-hub", "000:234"] = f"{ID}ladder/" + _h("≥90% | ≥85% | ≥70% | <70%")
    # docs/nlp.md's signature of those cells: comparator code, bound and unit per band
    iris["template-hub", "000:234"] = f"{ID}threshold-template/" + _h("ge90%|ge85%|ge70%|lt70%")
    iris["graph", "003"] = f"https://w3id.org/pikg/graph/doc/{DOC_003}"
    # 003:17 "434002秦皇岛市北戴河区人民政府办公室"
    iris["department", "003:17"] = f"{ID}dept/" + _h("秦皇岛市北戴河区人民政府办公室", "434002")
    # 003:20-21 项目编码 434-1401-JBN-6BVF: document key, the code as printed (folding keeps
    # Latin case) + "#1"
    project = iris["project", "003:20"] = f"{ID}project/" + _h(DOC_003, "434-1401-JBN-6BVF#1")
    # 003:61-63 产出指标 | 质量指标 | 资料收集比率: the project as <IRI>, the three levels + "#1"
    project_indicator = iris["project-indicator", "003:63"] = f"{ID}indicator/" + _h(
        f"<{project}>", "产出指标|质量指标|资料收集比率#1"
    )
    iris["target", "003:63"] = f"{project_indicator}/target"  # 003:65 ≥9595%以上
    return iris


def read_golden(path: Path = GOLDEN) -> list[tuple[str, str, str]]:
    """``(kind, where, iri)`` rows; ``where`` is ``seed`` or ``seed:line``."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, where, iri = line.split()[:3]
            rows.append((kind, where, iri))
    return rows


def current_iris(rows: list[tuple[str, str, str]], seeds: dict[str, Path]) -> dict:
    """``(kind, where)`` → the IRIs today's ingest gives to that node (a list: one if sound)."""
    store = Store()
    wanted = sorted({where.split(":")[0] for _, where, _ in rows})
    summary = ingest([seeds[seed] for seed in wanted], store, jobs=1)
    assert summary.ok, summary.failed
    found: dict[tuple[str, str], list[str]] = {}
    for kind, where, _ in rows:
        seed, _, line = where.partition(":")
        sha = hashlib.sha256(seeds[seed].read_bytes()).hexdigest()
        graph = store.select(
            f'SELECT ?g WHERE {{ GRAPH ?g {{ ?d a pi:SourceDocument ; pi:sha256 "{sha}" }} }}'
        )
        if LOOKUPS[kind] is None:
            found[kind, where] = [r["g"] for r in graph]
            continue
        pattern = LOOKUPS[kind].replace("{line}", line or "0")
        query = f"SELECT DISTINCT ?n WHERE {{ GRAPH <{graph[0]['g']}> {{ {pattern} }} }}"
        found[kind, where] = sorted(r["n"] for r in store.select(query))
    return found


@pytest.fixture(scope="module")
def golden() -> list[tuple[str, str, str]]:
    return read_golden()


@pytest.fixture(scope="module")
def ingested(golden, seed_path):
    seeds = {where.split(":")[0] for _, where, _ in golden}
    return current_iris(golden, {seed: seed_path(seed) for seed in seeds})


def test_ingest_gives_the_golden_iris(golden, ingested):
    changed = []
    for kind, where, iri in golden:
        now = ingested[kind, where]
        if now != [iri]:
            changed.append(f"  {kind} at {where}: golden {iri}, now {now or 'no such node'}")
    assert not changed, BROKEN_LINKS + "\n" + "\n".join(changed)


def test_golden_file_follows_the_documented_rule(golden):
    """The golden IRIs are the hand-derived ones, not whatever the code gave."""
    assert {(kind, where): iri for kind, where, iri in golden} == hand_iris()


def test_a_renamed_file_keeps_its_iris(seed_path, tmp_path, golden):
    """No file path or name goes into an IRI: seed 003 under another name maps alike."""
    renamed = tmp_path / "elsewhere" / "renamed.txt"
    renamed.parent.mkdir()
    renamed.write_bytes(seed_path("003").read_bytes())
    rows = [row for row in golden if row[1].startswith("003")]
    found = current_iris(rows, {"003": renamed})
    assert found == {(kind, where): [iri] for kind, where, iri in rows}, BROKEN_LINKS


def _write_golden() -> None:
    """Rewrite the IRIs of the golden file from today's ingest, keeping its rows and comments."""
    import os

    root = Path(__file__).resolve().parents[1]
    seeds_dir = Path(os.environ.get("PIKG_SEEDS", root.parent / "shared" / "seeds"))
    seeds = {p.name[:3]: p for p in seeds_dir.glob("*.txt")}
    rows = read_golden()
    found = current_iris(rows, seeds)
    out = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, where, _old, *comment = line.split(maxsplit=3)
            (iri,) = found[kind, where]
            line = f"{kind:<18} {where:<8} {iri}" + (f"  {comment[0]}" if comment else "")
        out.append(line)
    GOLDEN.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: {REGENERATE}")
    _write_golden()
