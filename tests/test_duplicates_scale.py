"""The detector's scaling guards: the lean partition, the evidence cap and the block graph.

Timings live in scripts/bench_duplicates.py; these tests check that the guards keep the
result (the partition) exactly as the rules define it.
"""

from __future__ import annotations

import networkx as nx
import pytest

from kg.duplicates import detect
from kg.duplicates.detect import partition
from kg.duplicates.labels import partition_disagreements
from kg.synth.copies import generate

LADDER = ["≥97%", "≥93%", "≥71%", "<71%"]
ITEMS = ["档案数字化扫描率", "公文流转审签率", "会议纪要印发率", "督办事项反馈率"]
FILLERS = (
    "档案 路灯 会务 暑期 志书 年鉴 公文 文稿 消防 河道 绿化 道路 法律 社区 扶贫 医疗 养老 就业"
)


def _copied_block(copies: int) -> list[dict]:
    """One sub-activity's four indicators copied into ``copies`` departments."""
    return [
        {
            "id": f"{copy}-{pos}",
            "department": f"部门{copy}",
            "sub_id": f"s{copy}",
            "pos": pos,
            "text": text,
            "grades": LADDER,
        }
        for copy in range(copies)
        for pos, text in enumerate(ITEMS)
    ]


def _connected(cluster) -> bool:
    graph = nx.Graph()
    graph.add_nodes_from(cluster.members)
    graph.add_edges_from((u, v) for u, v, _kind, _weight in cluster.edges)
    return nx.is_connected(graph)


@pytest.mark.parametrize("seed", [11, 12])
def test_partition_equals_the_detector(seed):
    records, _labels = generate(seed, 1500)
    result = detect(records)
    assignments, blocks = partition(records)
    assert partition_disagreements(result.assignments(), assignments) == []
    assert partition_disagreements(result.block_assignments(), blocks) == []


def test_evidence_guard_keeps_the_partition_and_caps_block_links():
    rows = _copied_block(40)  # 40 copies: 780 block links per item
    full = detect(rows, max_extra_evidence=10_000)
    capped = detect(rows, max_extra_evidence=1)
    assert capped.assignments() == full.assignments()
    assert capped.block_assignments() == full.block_assignments()
    assert len(capped.clusters) == len(ITEMS)
    for cluster in capped.clusters:
        assert len(cluster.members) == 40 and _connected(cluster)
        assert "evidence_capped" in cluster.flags
        assert len(cluster.edges) <= 39 + 100  # the name star, plus the floor of extra links
        assert {"exact", "block"} <= {kind for kinds in cluster.edge_kinds for kind in kinds}
    assert all(len(c.edges) == 40 * 39 // 2 for c in full.clusters)
    assert not any("evidence_capped" in c.flags for c in full.clusters)
    assert capped.stats["evidence_dropped"] == sum(
        len(f.edges) - len(c.edges) for f, c in zip(full.clusters, capped.clusters, strict=True)
    )
    # the block layer itself is not capped: 40 copies, one block cluster, all 780 pairs
    assert len(capped.block_clusters) == 1 and len(capped.block_clusters[0].sub_ids) == 40
    assert capped.block_graph.number_of_edges() == 40 * 39 // 2


def test_evidence_guard_keeps_a_spanning_tree_of_a_large_slot_family():
    rows = [
        {"id": filler, "text": f"{filler}档案整理编目工作完成率", "grades": LADDER}
        for filler in FILLERS.split()
    ]
    full = detect(rows, max_extra_evidence=10_000)
    capped = detect(rows, max_extra_evidence=0)  # only the floor of 100 extra links
    assert len(full.clusters) == 1 and full.clusters[0].kind == "slot"
    assert len(full.clusters[0].edges) == len(rows) * (len(rows) - 1) // 2  # a clique
    assert capped.assignments() == full.assignments()
    cluster = capped.clusters[0]
    assert _connected(cluster) and len(cluster.edges) == len(rows) - 1 + 100
    assert "evidence_capped" in cluster.flags and cluster.template == "<X>档案整理编目工作完成率"
