"""What an indicator name says about itself: unit, measure head, metric kind, polarity, key.

The key follows domain.md §4.3 so that templated names from different governments compare
equal: "县政府值班…" and "工管委值班…" both become "<ORG>值班…".

>>> a = analyze_name_text("应急平台互联互通率(%)")
>>> (a.declared_unit, a.measure_head, a.metric_kind)
('percent', '互联互通率', 'rate')
>>> analyze_name_text("网络故障次数(次）").direction_hint
'lower_better'
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.model import NameAnalysis
from kg.nlp.lexicon import load_lexicon
from kg.textnorm import clean_cell, fold

LEX = load_lexicon()

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+[、.．]|[①-⑳])\s*"
)
_UNIT_BRACKET = re.compile(r"[(\[]([^()\[\]]{1,8})[)\]]\s*$")
_PUNCT = re.compile(r"[\s\"'“”‘’《》<>,.;:!?、。；：！？()\[\]{}·/\\|*_~`-]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年|\d{1,2}月")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_HEADS = sorted(LEX.metric_heads, key=len, reverse=True)
_POSITIVE_HEADS = ("完成", "满意", "覆盖", "办结", "合格", "达标", "知晓", "到位", "落实", "结案")


def _declared_unit(text: str) -> tuple[str, str | None]:
    m = _UNIT_BRACKET.search(text)
    if not m:
        return text, None
    inner = m.group(1).strip()
    unit = LEX.units.get(inner)
    if unit is None and inner in ("比例", "比率"):
        unit = "ratio"
    if unit is None:
        return text, None
    return text[: m.start()].rstrip(), unit


def _measure_head(text: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for head in _HEADS:
        pos = text.rfind(head)
        if pos < 0:
            continue
        end = pos + len(head)
        candidate = (end, len(head), head)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return None
    end, _, head = best
    if head == "率" and end >= 3:  # a bare 率 takes the two characters before it: 反馈率
        return body_head if _CJK.fullmatch(body_head := text[end - 3 : end]) else head
    return head


def _key(text: str, places: tuple[str, ...]) -> str:
    for wrong, right in LEX.global_replacements.items():
        text = text.replace(wrong, right)
    for place in places:
        if place:
            text = text.replace(place, "<PLACE>")
    for word, placeholder in LEX.jurisdiction:
        text = text.replace(word, placeholder)
    text = _DATE.sub("<DATE>", text)
    text = _NUMBER.sub("<NUM>", text)
    changed = True
    while changed:
        changed = False
        for verb in LEX.directive_verbs:
            if text.startswith(verb) and len(text) > len(verb) + 1:
                text, changed = text[len(verb) :], True
    for synonym, canonical in LEX.head_synonyms.items():
        text = text.replace(synonym, canonical)
    placeholders = re.findall(r"<[A-Z]+>", text)
    parts = re.split(r"<[A-Z]+>", text)
    parts = [_PUNCT.sub("", part) for part in parts]
    out = parts[0]
    for placeholder, part in zip(placeholders, parts[1:], strict=True):
        out += placeholder + part
    return out


def _direction(text: str, head: str | None) -> str:
    lower = any(word in text for word in LEX.lower_better_words)
    reduction = any(word in text for word in LEX.reduction_words)
    if lower and any(word in text for word in LEX.handling_words):
        return "higher_better"  # "不合格产品查处率": handling a bad thing is good
    if lower and reduction:
        return "ambiguous"  # "再犯罪减低率": a reduction of a bad thing
    if lower:
        return "lower_better"
    if reduction:
        return "ambiguous"
    if head and (any(p in text for p in _POSITIVE_HEADS) or LEX.metric_heads.get(head) != "amount"):
        return "higher_better"
    return "unknown"


@lru_cache(maxsize=65536)
def _analyze_cached(text: str, places: tuple[str, ...]) -> NameAnalysis:
    cleaned = fold(clean_cell(text)).strip()
    cleaned = _NUMBERING.sub("", cleaned).rstrip("。.;； ")
    body, unit = _declared_unit(cleaned)
    head = _measure_head(body)
    kind = LEX.metric_heads.get(head, "unknown") if head else "unknown"
    label = _PUNCT.sub("", body) in LEX.category_labels
    has_measure = unit is not None or any(c in body for c in LEX.measure_chars)
    task = bool(body) and not label and not has_measure
    if task:
        kind = "qualitative"
    if unit and kind == "unknown":
        kind = {"percent": "rate", "permille": "rate", "count": "count", "money": "amount"}.get(
            unit.split(":", 1)[0], "unknown"
        )
    return NameAnalysis(
        key=_key(body, places),
        declared_unit=unit,
        measure_head=head,
        metric_kind=kind,
        direction_hint=_direction(body, head) if not label else "unknown",
        is_category_label=label,
        is_task_phrase=task,
    )


def analyze_name_text(text: str, places: tuple[str, ...] = (), tokens=None) -> NameAnalysis:
    """Pure analysis of one name (no spaCy); ``tokens`` are copied in when given."""
    cached = _analyze_cached(text or "", tuple(places))
    return NameAnalysis(
        key=cached.key,
        declared_unit=cached.declared_unit,
        measure_head=cached.measure_head,
        metric_kind=cached.metric_kind,
        direction_hint=cached.direction_hint,
        is_category_label=cached.is_category_label,
        is_task_phrase=cached.is_task_phrase,
        tokens=list(tokens or ()),
    )


def cache_clear() -> None:
    _analyze_cached.cache_clear()
