"""Mutated seed text never crashes the extractor and never loses a non-empty cell silently."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extraction import extract_text
from kg.extraction.document import STRUCTURAL_LABELS
from kg.extraction.tables import compact
from kg.readers import parse_dump
from kg.textnorm import clean_cell

# Slices that cover every structure: the orphan block and spanning rows of 000, the header
# and activities of 004, a whole project table of 003, and the shifted 园林 rows of 000.
SLICES = [("000", 120, 420), ("000", 4140, 4230), ("003", 1, 170), ("004", 160, 420)]
FRAGMENTS = [
    "",
    "\t",
    '"',
    '"""',
    "一、",
    "　　1、",
    "≥90%",
    "\x00",
    "\r",
    "[bookmark: x]",
    "单位：万元",
]


def strings(value, out: list[str]) -> list[str]:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, Decimal):
        out.append(str(value))
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(str(key))
            strings(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            strings(item, out)
    elif is_dataclass(value):
        for item in fields(value):
            strings(getattr(value, item.name), out)
    return out


@st.composite
def mutations(draw):
    operations = st.tuples(
        st.sampled_from(["delete", "duplicate", "blank", "untab", "tab", "insert", "swap"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(FRAGMENTS) | st.text(max_size=6),
    )
    return draw(st.lists(operations, min_size=1, max_size=12))


def mutate(lines: list[str], operations) -> list[str]:
    lines = list(lines)
    for operation, first, second, fragment in operations:
        if not lines:
            break
        i, j = first % len(lines), second % len(lines)
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, lines[i])
        elif operation == "blank":
            lines.insert(i, "")
        elif operation == "untab":
            lines[i] = lines[i].lstrip("\t")
        elif operation == "tab":
            lines[i] = "\t" + lines[i]
        elif operation == "insert":
            lines.insert(i, fragment)
        else:
            lines[i], lines[j] = lines[j], lines[i]
    return lines


@pytest.fixture(scope="module")
def slices(seed_path):
    out = []
    for prefix, start, end in SLICES:
        lines = seed_path(prefix).read_text(encoding="utf-8").split("\n")
        out.append(lines[start - 1 : end])
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(choice=st.integers(min_value=0, max_value=len(SLICES) - 1), operations=mutations())
def test_mutated_text_never_crashes_nor_loses_cells(slices, choice, operations):
    text = "\n".join(mutate(slices[choice], operations))
    if not text.replace("\x00", "").strip():
        return
    doc = extract_text(text, path="mutated.txt")
    kept = "\x00".join(strings(doc, []))
    for block in parse_dump(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")):
        for cell in getattr(block, "cells", []):
            cleaned = clean_cell(cell.raw)
            if not cleaned or compact(cleaned) in STRUCTURAL_LABELS:
                continue
            if compact(cleaned).startswith(("单位:", "单位：")):
                continue
            pieces = [piece for piece in cleaned.split("\n") if piece.strip()]
            assert cleaned in kept or all(piece in kept for piece in pieces), (
                f"cell at line {cell.line} lost: {cell.raw!r}"
            )
