"""Find copied and templated indicators across departments (duplicates.md).

>>> from kg.duplicates import detect
>>> result = detect([
...     {"id": "1", "text": "会务接待工作完成率", "grades": ["≥90%", "≥80%", "≥70%", "<70%"]},
...     {"id": "2", "text": "暑期接待工作完成率", "grades": ["≥90%", "≥80%", "≥70%", "<70%"]},
... ])
>>> [(c.kind, c.template) for c in result.clusters]
[('slot', '<X>接待工作完成率')]
"""

from kg.duplicates.detect import BlockCluster, Cluster, DuplicateResult, detect, template_of
from kg.duplicates.rules import (
    canonical_ladder,
    default_standard_ladders,
    load_standard_ladders,
    measure_head,
    name_key,
    slot_frame,
)
from kg.records.indicators import (
    IndicatorRecord,
    read_assignments,
    read_records,
    write_assignments,
    write_records,
)

__all__ = [
    "BlockCluster",
    "Cluster",
    "DuplicateResult",
    "IndicatorRecord",
    "canonical_ladder",
    "default_standard_ladders",
    "detect",
    "load_standard_ladders",
    "measure_head",
    "name_key",
    "read_assignments",
    "read_records",
    "slot_frame",
    "template_of",
    "write_assignments",
    "write_records",
]
