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
from kg.nlp.lexicon import any_word_pattern, load_lexicon
from kg.textnorm import clean_cell, fold

LEX = load_lexicon()
_POSITIVE_HEADS = ("完成", "满意", "覆盖", "办结", "合格", "达标", "知晓", "到位", "落实", "结案")

_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+[、.．]|[①-⑳])\s*"
)
_UNIT_BRACKET = re.compile(r"[(\[]([^()\[\]]{1,8})[)\]]\s*$")
_PUNCT = re.compile(r"[\s\"'“”‘’《》<>,.;:!?、。；：！？()\[\]{}·/\\|*_~`-]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{1,2}月\d{1,2}日|\d{4}年|\d{1,2}月")
_CJK = re.compile(r"[\u4e00-\u9fff]+")
# Heads reversed, longest first: the first match in the reversed name is the head that ends
# last in the name, and the longest of those (what a scan of every head with rfind would pick).
_HEADS_REVERSED = any_word_pattern(head[::-1] for head in LEX.metric_heads)
_PLACEHOLDER = re.compile(r"<[A-Z]+>")
_JURISDICTION_ANY = any_word_pattern(word for word, _ in LEX.jurisdiction)
_DIRECTIVE_VERBS = tuple(LEX.directive_verbs)
_LOWER_ANY = any_word_pattern(LEX.lower_better_words)
_REDUCTION_ANY = any_word_pattern(LEX.reduction_words)
_HANDLING_ANY = any_word_pattern(LEX.handling_words)
_POSITIVE_ANY = any_word_pattern(_POSITIVE_HEADS)
_MEASURE_ANY = any_word_pattern(LEX.measure_chars)


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
    """The metric head ending last in ``text`` (the longest one on a tie)."""
    m = _HEADS_REVERSED.search(text[::-1])
    if m is None:
        return None
    head, end = m.group()[::-1], len(text) - m.start()
    if head == "率" and end >= 3:  # a bare 率 takes the two characters before it: 反馈率
        return body_head if _CJK.fullmatch(body_head := text[end - 3 : end]) else head
    return head


def _template_key(text: str, places: tuple[str, ...]) -> str:
    """The name as a template (domain.md §4.3): places, jurisdictions, dates and numbers as
    placeholders, directive verbs and punctuation dropped, so templated names compare equal."""
    for wrong, right in LEX.global_replacements.items():
        text = text.replace(wrong, right)
    for place in places:
        if place:
            text = text.replace(place, "<PLACE>")
    for word, placeholder in LEX.jurisdiction if _JURISDICTION_ANY.search(text) else ():
        text = text.replace(word, placeholder)
    text = _DATE.sub("<DATE>", text)
    text = _NUMBER.sub("<NUM>", text)
    changed = text.startswith(_DIRECTIVE_VERBS)
    while changed:
        changed = False
        for verb in LEX.directive_verbs:
            if text.startswith(verb) and len(text) > len(verb) + 1:
                text, changed = text[len(verb) :], True
    for synonym, canonical in LEX.head_synonyms.items():
        text = text.replace(synonym, canonical)
    placeholders = _PLACEHOLDER.findall(text)
    parts = _PLACEHOLDER.split(text)
    parts = [_PUNCT.sub("", part) for part in parts]
    out = parts[0]
    for placeholder, part in zip(placeholders, parts[1:], strict=True):
        out += placeholder + part
    return out


def _direction(text: str, head: str | None) -> str:
    lower = _LOWER_ANY.search(text) is not None
    reduction = _REDUCTION_ANY.search(text) is not None
    if lower and _HANDLING_ANY.search(text):
        return "higher_better"  # "不合格产品查处率": handling a bad thing is good
    if lower and reduction:
        return "ambiguous"  # "再犯罪减低率": a reduction of a bad thing
    if lower:
        return "lower_better"
    if reduction:
        return "ambiguous"
    if head and (_POSITIVE_ANY.search(text) or LEX.metric_heads.get(head) != "amount"):
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
    has_measure = unit is not None or _MEASURE_ANY.search(body) is not None
    task = bool(body) and not label and not has_measure
    if task:
        kind = "qualitative"
    if unit and kind == "unknown":
        kind = {"percent": "rate", "permille": "rate", "count": "count", "money": "amount"}.get(
            unit.split(":", 1)[0], "unknown"
        )
    return NameAnalysis(
        key=_template_key(body, places),
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
