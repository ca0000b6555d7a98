"""Parse one grade cell (优/良/中/差) or project target value into a :class:`~kg.model.Band`.

The parse is a pure function of the text, so it is cached and testable without spaCy. It runs
patterns over the folded text rather than over tokens because a segmenter splits operators
apart ("≥90%以上" is cut arbitrarily, domain.md §4.1). Forms follow the taxonomy A–L of
domain.md §2.1; bounds are kept *as written* (the effective first-match interval is computed by
:mod:`kg.nlp.scheme`).

Inclusivity follows 民法典 第1259条: 以上/以下/以内 include the number, 不满/超过 exclude it.

>>> b = parse_cell("80%及以上", "良")
>>> (b.form, b.comparator, b.lower, b.lower_inclusive, b.unit)
('B', 'ge', 80.0, True, 'percent')
>>> parse_cell("≥9595%以上").flags
['duplicated_digits', 'redundant_suffix']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import NamedTuple, TypeVar

from kg.model import GRADES, Band
from kg.nlp.lexicon import ScaleTerm, any_word_pattern, load_lexicon, unit_kind
from kg.textnorm import clean_cell, fold

LEX = load_lexicon()
_T = TypeVar("_T")


_NUM = r"\d+(?:\.\d+)?"
_MAG = r"(?:千万|百万|万|亿|千)?"
_UNIT = rf"(?:{LEX.unit_pattern})"
_SYMBOL_OPS = {"≥": "ge", "≤": "le", ">": "gt", "<": "lt", "=": "eq"}
_PREFIX_WORDS = {
    "不低于": "ge",
    "不少于": "ge",
    "不小于": "ge",
    "至少": "ge",
    "达到": "ge",
    "高于": "gt",
    "多于": "gt",
    "大于": "gt",
    "超过": "gt",
    "不高于": "le",
    "不超过": "le",
    "不多于": "le",
    "不大于": "le",
    "最多": "le",
    "低于": "lt",
    "少于": "lt",
    "小于": "lt",
    "不满": "lt",
    "不足": "lt",
    "不到": "lt",
    "等于": "eq",
    "为": "eq",
}
_SOFT_PREFIXES = frozenset({"达到", "为", "等于"})  # "质量达到80%以下": the suffix decides
_SUFFIX_WORDS = {
    "(含)以上": "ge",
    "含以上": "ge",
    "及以上": "ge",
    "以上(含)": "ge",
    "或以上": "ge",
    "以上": "ge",
    "(含)以下": "le",
    "含以下": "le",
    "及以下": "le",
    "以下(含)": "le",
    "或以下": "le",
    "以下": "le",
    "以内": "le",
    "之内": "le",
}
_OPS_RE = "|".join(re.escape(w) for w in sorted([*_SYMBOL_OPS, *_PREFIX_WORDS], key=len)[::-1])
_SUF_RE = "|".join(re.escape(w) for w in sorted(_SUFFIX_WORDS, key=len)[::-1])
_QUALIFIER = r"(?:每年|全年|年均|各|共|累计|总计)"

_QUANTITY = rf"(?P<{{n}}>{_NUM})(?P<{{n}}mag>{_MAG})(?P<{{n}}unit>{_UNIT})?"
_EXPR = (
    rf"(?P<op>{_OPS_RE})?"
    + _QUANTITY.format(n="a")
    + rf"(?:(?P<sep>-|~|至|到)(?P<op2>{_OPS_RE})?"
    + _QUANTITY.format(n="b")
    + rf")?(?P<suf>{_SUF_RE})?"
)
FULL_RE = re.compile(rf"{_QUALIFIER}?{_EXPR}")
SEARCH_RE = re.compile(_EXPR)
RATIO_RE = re.compile(rf"(?P<op>{_OPS_RE})?(?P<a>{_NUM}):(?P<b>{_NUM})(?P<suf>{_SUF_RE})?")
TWO_WORDS_RE = re.compile(
    rf"(?P<op1>{_OPS_RE})(?P<a>{_NUM})(?P<aunit>{_UNIT})?(?P<op2>{_OPS_RE})(?P<b>{_NUM})(?P<bunit>{_UNIT})?"
)

# --- Chinese numerals (百分之九十, 三次, 一半, 三分之一) ------------------------------------
_CN_DIGITS = "零一二两三四五六七八九十百千"
_CN_PERCENT = re.compile(rf"百分之([{_CN_DIGITS}点]+)")
_CN_FRACTION = re.compile(rf"([{_CN_DIGITS}]+)分之([{_CN_DIGITS}]+)")
_CN_ANY = re.compile(rf"[{_CN_DIGITS}]")  # every numeral form (and 一半) holds one of these
_CN_COUNT = re.compile(
    rf"(?<![第{_CN_DIGITS}])([{_CN_DIGITS}]+)(?=个|次|人|天|日|项|件|条|家|户|篇|种|场|批|年|月|倍|%|以上|以下|以内)"
)


def _cn_number(text: str) -> float | None:
    """The value of a Chinese numeral, or ``None`` when it is not one on its own (百, 点)."""
    import cn2an  # ~0.2 s of pattern compiling at import: only for cells with such numerals

    try:
        return float(cn2an.cn2an(text.replace("两", "二"), "smart"))
    except ValueError:
        return None


def _cn_percent(m: re.Match[str]) -> str:
    value = _cn_number(m.group(1))
    return m.group(0) if value is None else f"{_fmt(value)}%"


def _cn_fraction(m: re.Match[str]) -> str:
    whole, part = _cn_number(m.group(1)), _cn_number(m.group(2))
    if not whole or part is None:  # "零分之三", "百分之点": not a fraction we can read
        return m.group(0)
    return f"{_fmt(round(100 * part / whole, 2))}%"


def _cn_count(m: re.Match[str]) -> str:
    value = _cn_number(m.group(1))
    return m.group(0) if value is None else _fmt(value)


def convert_chinese_numerals(text: str) -> tuple[str, bool]:
    """Rewrite Chinese numerals as Arabic ones where a unit or % makes the reading safe.

    A run that is not a numeral on its own (the 百 of "百日攻坚") is left as written.

    >>> convert_chinese_numerals("百分之九十以上")
    ('90%以上', True)
    >>> convert_chinese_numerals("一般")
    ('一般', False)
    >>> convert_chinese_numerals("百日攻坚")
    ('百日攻坚', False)
    """
    if not _CN_ANY.search(text):
        return text, False
    original = text
    text = text.replace("一半", "50%")
    text = _CN_PERCENT.sub(_cn_percent, text)
    text = _CN_FRACTION.sub(_cn_fraction, text)
    text = _CN_COUNT.sub(_cn_count, text)
    return text, text != original


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else str(value)


# --- deadlines ------------------------------------------------------------------------------
_DEADLINE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d{1,2})月(\d{1,2})日(?:以|之)?前"), "absolute_before"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\(?含\)?$"), "absolute_by"),
    (re.compile(r"(\d{1,2})月(?:底|末)?(?:以|之)?前"), "month_before"),
    (re.compile(r"(\d{1,2})月(?:底|末)?(?:以|之)?后"), "month_after"),
    (
        re.compile(r"(?:后延|推迟|延迟|延后|拖延|超期)(\d+)个?(工作日|天|日)(以内|内|以上|以后)?"),
        "delay",
    ),
    (re.compile(r"提前(\d+)个?(工作日|天|日)"), "ahead"),
    (
        re.compile(r"(验收|签批|收到|受理)后(超过)?(\d+)个?(月|天|日|工作日)(以内|内)?"),
        "after_event",
    ),
    (re.compile(r"(\d+)个?(工作日|日|天)(以内|之内|内)"), "within"),
    (re.compile(r"(\d+)个?(工作日|日|天)(以后|后)"), "later"),
    (re.compile(r"当日|当天|即时"), "same_day"),
    (re.compile(r"按期|按时|如期|准时"), "on_time"),
    (re.compile(r"延期|逾期|超期"), "late"),
)


# Every deadline pattern needs one of these characters (or is the bare "10.31" form): a
# one-character-class search rules most cells out before the alternation of all the patterns.
_DEADLINE_CUE = re.compile(r"[月延迟期提后内日天当即按如准]|^\d{1,2}\.\d{1,2}\(?含\)?$")
_DEADLINE_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _DEADLINE_PATTERNS))


def _doy_value(month: int, day: int) -> float:
    """Deadlines are stored as ``month.day`` (10.31), the way the documents write them."""
    date(2001, month, day)  # validates the date
    return round(month + day / 100, 2)


class _Parsed(NamedTuple):
    """What a pattern found, before it is merged into a Band (a tuple: cheap to make, immutable,
    safe to share from the cache)."""

    form: str
    comparator: str | None = None
    lower: float | None = None
    lower_inclusive: bool | None = None
    upper: float | None = None
    upper_inclusive: bool | None = None
    point: float | None = None
    unit: str | None = None
    span: tuple[int, int] | None = None
    flags: tuple[str, ...] = ()
    deadline: dict | None = None
    reference: str | None = None
    qual_scale: str | None = None
    qual_rank: int | None = None
    level: str | None = None
    status: str = "parsed"
    reason: str = ""


def _bounds(comparator: str, value: float) -> dict:
    if comparator in ("ge", "gt"):
        return {"lower": value, "lower_inclusive": comparator == "ge"}
    if comparator in ("le", "lt"):
        return {"upper": value, "upper_inclusive": comparator == "le"}
    return {
        "lower": value,
        "lower_inclusive": True,
        "upper": value,
        "upper_inclusive": True,
        "point": value,
    }


def _parse_deadline(text: str) -> _Parsed | None:
    if not (_DEADLINE_CUE.search(text) and _DEADLINE_ANY.search(text)):
        return None
    for pattern, kind in _DEADLINE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        span = m.span()
        if kind in ("absolute_before", "absolute_by"):
            month, day = int(m.group(1)), int(m.group(2))
            try:
                value = _doy_value(month, day)
            except ValueError:
                continue
            return _Parsed(
                "F",
                "le",
                unit="date",
                span=span,
                **_bounds("le", value),
                deadline={"kind": "absolute", "month": month, "day": day, "when": "by"},
            )
        if kind in ("month_before", "month_after"):
            month = int(m.group(1))
            if not 1 <= month <= 12:
                continue
            cmp = "lt" if kind == "month_before" else "gt"
            when = "before" if kind == "month_before" else "after"
            return _Parsed(
                "F",
                cmp,
                unit="date",
                span=span,
                **_bounds(cmp, float(month)),
                deadline={"kind": "month", "month": month, "when": when},
            )
        if kind in ("delay", "ahead", "within", "later", "after_event"):
            return _relative_deadline(m, kind)
        if kind in ("same_day", "on_time"):
            return _Parsed(
                "F",
                "eq",
                unit="duration:天",
                span=span,
                **_bounds("eq", 0.0),
                deadline={"kind": "relative", "delay": 0.0, "unit": "天", "working_days": False},
            )
        return _Parsed(
            "F",
            "gt",
            unit="duration:天",
            span=span,
            **_bounds("gt", 0.0),
            deadline={"kind": "relative", "delay": None, "unit": "天", "working_days": False},
        )
    return None


def _relative_deadline(m: re.Match[str], kind: str) -> _Parsed:
    """A deadline counted in days from an event: 延期/提前/…内/…后 N (working) days."""
    if kind == "after_event":
        anchor, exceed, n, unit_word, _within = m.groups()
        cmp = "gt" if exceed else "le"
    else:
        anchor = None
        n, unit_word = m.group(1), m.group(2)
        suffix = m.group(3) if kind != "ahead" and m.lastindex and m.lastindex >= 3 else None
        if kind == "ahead":
            cmp = "le"
        elif kind == "later" or suffix in ("以上", "以后"):
            cmp = "gt"
        elif suffix or kind == "within":
            cmp = "le"
        else:
            cmp = "le"  # "后延5个工作日": late by at most five working days
    days = float(n) * (-1 if kind == "ahead" else 1)
    working = unit_word == "工作日"
    unit = LEX.units.get(unit_word, "duration:天")
    deadline = {
        "kind": "relative",
        "delay": days,
        "unit": unit_word,
        "working_days": working,
    }
    if anchor:
        deadline["anchor"] = anchor
    return _Parsed("F", cmp, unit=unit, span=m.span(), **_bounds(cmp, days), deadline=deadline)


# --- numbers ------------------------------------------------------------------------------------


def _quantity(number: str, magnitude: str, unit_word: str | None) -> tuple[float, str | None, list]:
    """Number, canonical unit and flags for ``1.7`` + ``万`` + ``条``. Money goes to 万元."""
    value = float(number)
    flags: list[str] = []
    unit = LEX.units.get(unit_word) if unit_word else None
    if magnitude:
        value *= LEX.magnitudes[magnitude]
        if unit is None:  # "≥1亿", "≥8千万": a bare magnitude is money in these tables
            unit = "money:元"
            flags.append("money_assumed")
    if unit == "money:元":
        value, unit = value / 10000, "money:万元"
    elif unit == "money:亿元":
        value, unit = value * 10000, "money:万元"
    return round(value, 6), unit, flags


def _duplicated_digits(number: str) -> str | None:
    """``9595`` → ``95`` (two forms merged, digits doubled, domain.md §2.1 L)."""
    digits = number.replace(".", "")
    if "." in number or len(digits) < 4 or len(digits) % 2:
        return None
    half = digits[: len(digits) // 2]
    return half if half * 2 == digits else None


def _from_expression(m: re.Match[str], form: str) -> _Parsed:
    flags: list[str] = []
    op, suf = m.group("op"), m.group("suf")
    a_num = m.group("a")
    unit_a = m.group("aunit")
    unit_b = m.group("bunit") if m.group("b") else None
    if m.group("b") is None:
        doubled = _duplicated_digits(a_num) if (unit_a in ("%", "‰") or not unit_a) else None
        if doubled and float(a_num) > 100 and unit_a:
            a_num = doubled
            flags.append("duplicated_digits")
        value, unit, qflags = _quantity(a_num, m.group("amag"), unit_a)
        flags += qflags
        comparator = None
        if op:
            comparator = _SYMBOL_OPS.get(op) or _PREFIX_WORDS[op]
        if suf:
            suffix_cmp = _SUFFIX_WORDS[suf]
            if comparator is None or op in _SOFT_PREFIXES:
                comparator = suffix_cmp
            elif comparator[0] == suffix_cmp[0] or (comparator == "eq"):
                flags.append("redundant_suffix")
                comparator = comparator if comparator != "eq" else suffix_cmp
            else:
                return _Parsed(
                    "L",
                    comparator,
                    unit=unit,
                    span=m.span(),
                    flags=(*flags, "contradictory_comparators"),
                    status="malformed",
                    reason=f"operator {op} contradicts suffix {suf}",
                )
        if comparator is None:
            return _Parsed(
                form, "unspecified", point=value, unit=unit, span=m.span(), flags=tuple(flags)
            )
        status = "malformed" if "duplicated_digits" in flags else "parsed"
        return _Parsed(
            "L" if status == "malformed" else form,
            comparator,
            unit=unit,
            span=m.span(),
            flags=tuple(flags),
            status=status,
            reason="digits doubled: two forms merged into one cell"
            if status == "malformed"
            else "",
            **_bounds(comparator, value),
        )
    # a range a-b: the unit may be written once, on either side
    a, unit_a_c, fa = _quantity(a_num, m.group("amag"), unit_a or unit_b)
    b, unit_b_c, fb = _quantity(m.group("b"), m.group("bmag"), unit_b or unit_a)
    flags += fa + fb
    if a > b:
        flags.append("descending_range")
        a, b = b, a
    if suf:
        flags.append("range_with_suffix")
    return _Parsed(
        "I" if form == "I" else "D",
        "range",
        lower=a,
        lower_inclusive=True,
        upper=b,
        upper_inclusive=True,
        unit=unit_b_c or unit_a_c,
        span=m.span(),
        flags=tuple(flags),
    )


def _from_ratio(m: re.Match[str], form: str) -> _Parsed:
    a, b = float(m.group("a")), float(m.group("b"))
    value = round(a / b, 6) if b else 0.0
    op = m.group("op")
    comparator = (_SYMBOL_OPS.get(op) or _PREFIX_WORDS[op]) if op else None
    if comparator is None and m.group("suf"):
        comparator = _SUFFIX_WORDS[m.group("suf")]
    if comparator is None:
        return _Parsed(form, "unspecified", point=value, unit="ratio", span=m.span())
    return _Parsed(form, comparator, unit="ratio", span=m.span(), **_bounds(comparator, value))


def _from_two_words(m: re.Match[str]) -> _Parsed | None:
    """``少于10次多于5次``: an interval from two comparison words."""
    c1 = _SYMBOL_OPS.get(m.group("op1")) or _PREFIX_WORDS[m.group("op1")]
    c2 = _SYMBOL_OPS.get(m.group("op2")) or _PREFIX_WORDS[m.group("op2")]
    unit = LEX.units.get(m.group("bunit") or m.group("aunit") or "")
    parts = {c1: float(m.group("a")), c2: float(m.group("b"))}
    low = next(((c, v) for c, v in parts.items() if c in ("ge", "gt")), None)
    high = next(((c, v) for c, v in parts.items() if c in ("le", "lt")), None)
    if not (low and high):
        return None
    return _Parsed(
        "B",
        "range",
        lower=low[1],
        lower_inclusive=low[0] == "ge",
        upper=high[1],
        upper_inclusive=high[0] == "le",
        unit=unit,
        span=m.span(),
    )


# --- words: levels, qualitative scales, degree cues -------------------------------------------


_SCALE_ANY = any_word_pattern(t.term for t in LEX.scale_terms)
_WORDS_ANY = any_word_pattern(
    [
        *(word for word, _ in LEX.levels),
        *(word for word, _ in LEX.rank_positions),
        *LEX.directive_words,
        *(t.term for t in LEX.scale_terms),
        *(cue for cue, _ in LEX.degree_cues),
    ]
)
_REVIEW_ANY = any_word_pattern(LEX.review_cues)


def _terms_by_length() -> tuple[tuple[re.Pattern[str], tuple[ScaleTerm, ...]], ...]:
    lengths = sorted({len(t.term) for t in LEX.scale_terms}, reverse=True)
    groups = [tuple(t for t in LEX.scale_terms if len(t.term) == n) for n in lengths]
    return tuple((any_word_pattern(t.term for t in group), group) for group in groups)


_SCALE_BY_LENGTH = _terms_by_length()
_FIRST_TERM: dict[tuple[str, int], str] = {}
for _term in LEX.scale_terms:
    _FIRST_TERM.setdefault((_term.scale, _term.rank), _term.term)


def scale_matches(text: str) -> list[tuple[str, int]]:
    """All ``(scale, rank)`` pairs whose term occurs in ``text``, for the longest such terms
    (in lexicon order)."""
    if not _SCALE_ANY.search(text):
        return []
    for pattern, group in _SCALE_BY_LENGTH:
        if pattern.search(text):
            return [(t.scale, t.rank) for t in group if t.term in text]
    return []


_ZERO_RE = re.compile(r"^(?:无|零|没有|未发生)(故障|差错|错误|投诉|事故|失误|失泄密|泄密)")


def _first_word(text: str, words: Iterable[tuple[str, _T]]) -> tuple[tuple[int, int], _T] | None:
    """The span of the first ``(word, value)`` pair (in the given order) whose word occurs in
    ``text``, and its value."""
    for word, value in words:
        if word in text:
            start = text.index(word)
            return (start, start + len(word)), value
    return None


def _parse_words(text: str) -> _Parsed | None:
    m = _ZERO_RE.search(text)
    if not m and not _WORDS_ANY.search(text):
        return None  # no lexicon word at all: every loop below would come up empty
    if m:  # "无故障": none of the counted events, i.e. zero (a stated assumption, flagged)
        return _Parsed("J", "eq", **_bounds("eq", 0.0), span=m.span(), flags=("none_as_zero",))
    if found := _first_word(text, LEX.levels):
        span, level = found
        return _Parsed(
            "H",
            "qualitative",
            level=level,
            qual_scale="LEVEL4",
            qual_rank=["national", "provincial", "municipal", "below_municipal"].index(level) + 1,
            span=span,
        )
    if found := _first_word(text, LEX.rank_positions):
        span, rank = found
        return _Parsed("H", "qualitative", qual_scale="POSITION3", qual_rank=rank, span=span)
    if found := _first_word(text, ((word, None) for word in LEX.directive_words)):
        return _Parsed("G", "qualitative", qual_rank=1, span=found[0], flags=("directive",))
    matches = scale_matches(text)
    if matches:
        scale, rank = matches[0]
        ranks = {r for _, r in matches}
        term = _FIRST_TERM[(scale, rank)]
        start = text.find(term)
        return _Parsed(
            "G",
            "qualitative",
            qual_scale=scale if len(matches) == 1 else None,
            qual_rank=rank if len(ranks) == 1 else min(ranks),
            span=(start, start + len(term)) if start >= 0 else None,
            flags=() if len(ranks) == 1 else ("ambiguous_scale_rank",),
        )
    # the earliest cue speaks for the cell: "能够制订，但落实不够好" is a 能够 (rank 2) cell
    cues = [(text.find(cue), -len(cue), cue, rank) for cue, rank in LEX.degree_cues if cue in text]
    if cues:
        start, _, cue, rank = min(cues)
        return _Parsed(
            "J",
            "qualitative",
            qual_rank=rank,
            span=(start, start + len(cue)),
            flags=("heuristic_rank",),
        )
    return None


_CONTEXT_UNITS = (
    ("次数", "count:次"),
    ("人数", "count:人"),
    ("得分", "score"),
    ("分数", "score"),
)
_REFERENCES = (("同比", "yoy"), ("计划", "plan"), ("得分", "exam_score"), ("考核", "exam_score"))
_TRAILING = "。.;；,，、 "
_WHITESPACE = re.compile(r"\s+")


def normalise_cell_text(raw: str) -> str:
    """Cleaned, folded text with whitespace inside the expression removed."""
    text = fold(clean_cell(raw))
    text = _WHITESPACE.sub("", text)
    return text.rstrip(_TRAILING)


def _parse_text(text: str) -> _Parsed:
    """The body of :func:`parse_cell` on already normalised text."""
    marker = _parse_marker(text)
    if marker is not None:
        return marker
    converted, had_cn = convert_chinese_numerals(text)
    extra = ("chinese_numeral",) if had_cn else ()
    deadline = _parse_deadline(converted)
    if deadline is not None:
        return deadline._replace(flags=deadline.flags + extra) if extra else deadline
    m = RATIO_RE.fullmatch(converted) if ":" in converted else None
    if m:
        return _from_ratio(m, "A" if m.group("op") in _SYMBOL_OPS else "B")._replace(flags=extra)
    m = FULL_RE.fullmatch(converted)
    if m:
        parsed = _from_expression(m, _full_form(m, converted, text))
        return parsed._replace(flags=parsed.flags + extra) if extra else parsed
    m = TWO_WORDS_RE.search(converted)
    if m and (parsed := _from_two_words(m)):
        return parsed._replace(flags=parsed.flags + extra) if extra else parsed
    words = _parse_words(converted)
    if words is not None and words.form == "H":
        return words
    m = SEARCH_RE.search(converted)
    if m:
        return _embedded(m, converted, extra)
    if words is not None:
        return words
    return _Parsed(
        "J",
        None,
        status="unparsed",
        reason="free text with no number, scale word or level cue",
    )


def _parse_marker(text: str) -> _Parsed | None:
    """A placeholder (待定, ——, 涉密 …) or a reviewer's comment instead of a threshold."""
    if text in LEX.placeholders:
        kind = LEX.placeholders[text]
        return _Parsed(
            "K",
            None,
            status="placeholder",
            span=(0, len(text)),
            flags=("classified",) if kind == "classified" else (),
            reason=f"placeholder ({kind})",
        )
    for cue in LEX.review_cues if _REVIEW_ANY.search(text) else ():
        if cue in text:
            return _Parsed(
                "L",
                None,
                status="malformed",
                span=(0, len(text)),
                flags=("review_comment",),
                reason=f"reviewer comment in a grade cell (cue {cue!r})",
            )
    return None


def _full_form(m: re.Match[str], converted: str, text: str) -> str:
    """The taxonomy form of a cell that is one whole expression (domain.md §2.1)."""
    op, suf = m.group("op"), m.group("suf")
    if ("50%" in converted and "一半" in text) or "分之" in text:
        return "I"  # fractions are free text in the taxonomy (domain.md §2.1 I)
    if m.group("b") is not None:
        return "D"
    if op in _SYMBOL_OPS:
        return "A"
    return "B" if op or suf else "C"


def _embedded(m: re.Match[str], converted: str, extra: tuple[str, ...]) -> _Parsed:
    """A number inside free text (form I), with a unit or reference the words around it give."""
    parsed = _from_expression(m, "I")
    if parsed.status == "malformed":
        return parsed
    flags = list(parsed.flags) + list(extra) + ["embedded"]
    if len(SEARCH_RE.findall(converted)) > 1:
        flags.append("multiple_numbers")
    unit, reference = parsed.unit, None
    for word, context_unit in _CONTEXT_UNITS:
        if unit is None and word in converted:
            unit = context_unit
    for word, ref in _REFERENCES:
        if word in converted:
            reference = ref
            break
    return parsed._replace(form="I", unit=unit, reference=reference, flags=tuple(flags))


@lru_cache(maxsize=65536)
def _parse_cached(text: str) -> _Parsed:
    return _parse_text(text)


def parse_cell(raw: str | None, grade: str = "优") -> Band:
    """Parse one grade cell (or a project value with ``grade=""``) into a fresh :class:`Band`.

    >>> parse_cell("70%以下", "差").comparator
    'le'
    >>> parse_cell("", "良").status
    'empty'
    """
    raw = raw or ""
    rank = GRADES.index(grade) + 1 if grade in GRADES else 0
    text = normalise_cell_text(raw)
    if not text:
        return Band(grade=grade, rank=rank, raw=raw, text=text)
    return band_from_parsed(_parse_cached(text), raw, text, grade, rank)


def band_from_parsed(p: _Parsed, raw: str, text: str, grade: str, rank: int) -> Band:
    return Band(
        grade=grade,
        rank=rank,
        raw=raw,
        text=text,
        form=p.form,
        status=p.status,
        comparator=p.comparator,
        lower=p.lower,
        lower_inclusive=p.lower_inclusive,
        upper=p.upper,
        upper_inclusive=p.upper_inclusive,
        point=p.point,
        unit=p.unit,
        unit_kind=unit_kind(p.unit),
        reference=p.reference,
        deadline=dict(p.deadline) if p.deadline else None,
        qual_scale=p.qual_scale,
        qual_rank=p.qual_rank,
        level=p.level,
        flags=list(p.flags),
        reason=p.reason,
    )


def cache_clear() -> None:
    """Forget cached parses (the benchmark uses it to measure cold throughput)."""
    _parse_cached.cache_clear()
