"""The copy rules of duplicates.md §3, as small pure functions.

These functions *define* what a copy is (normalisation N1–N4, grade canonicalisation, the
measure head, the slot rule and the standard-ladder list), so the fast detector
(:mod:`kg.duplicates.detect`), the brute-force label checker (:mod:`kg.duplicates.labels`) and
the synthetic generator all call the same code and cannot drift apart.

>>> name_key("县级志书编纂任务完成率(%)")
'县级志书编纂任务完成率'
>>> name_key("区级志书编纂任务完成率（％）")
'县级志书编纂任务完成率'
>>> canonical_ladder(["≧1%", "≥0.5%", " ≥0.3%", "＜0.3%。"])
('≥1%', '≥0.5%', '≥0.3%', '<0.3%')
>>> slot_frame("会务接待工作完成率", "暑期接待工作完成率")
('', '接待工作完成率')
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from kg.errors import KgError
from kg.textnorm import COMPARATOR_GLYPHS, strip_invisible

Ladder = tuple[str, str, str, str]

# --- N1–N4 --------------------------------------------------------------------------------

_N1_GLYPHS = str.maketrans(COMPARATOR_GLYPHS)
_WHITESPACE = re.compile(r"\s+")
# N2 punctuation, written after N1 (NFKC turns ，；：（） into their ASCII forms).
_N2_PUNCT = "、，,；;：:。.．“”\"'‘’《》<>（）()[]【】—-－/"
_N2_TABLE = str.maketrans("", "", _N2_PUNCT)
UNITS: tuple[str, ...] = (
    "%", "％", "‰", "次", "件", "人", "日", "天", "个", "项", "万元", "元", "户", "场", "期",
    "篇", "家", "人次", "条", "份", "座", "公里", "亩", "所", "家次", "批",
)  # fmt: skip
_UNIT_SUFFIX = re.compile(
    r"[(（](" + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True)) + r")[)）]$"
)
_TRAILING_STOPS = "。.．,，;；:：、"
_JURISDICTION = re.compile(
    r"(?<=[全本])(?:新区|县|区|市)|(?:新区|县|区|市)(?=级|直|长|委|政府|域|内|属)"
)
JURISDICTION_TOKEN = "县"
"""What N4 folds 新区/县/区/市 to: one character, so lengths stay comparable."""


def n1(text: str) -> str:
    """N1: Unicode NFKC plus ≧→≥, ≦→≤, ﹥→>, ﹤→<, without invisible or bidi-control
    characters (a zero-width space must not split a copy from its family)."""
    text = strip_invisible(text)
    return unicodedata.normalize("NFKC", text.translate(_N1_GLYPHS)).translate(_N1_GLYPHS)


def split_unit(text: str) -> tuple[str, str | None]:
    """N1 + whitespace removal + N3: the name without its bracketed unit suffix, and the unit."""
    text = _WHITESPACE.sub("", n1(text)).rstrip(_TRAILING_STOPS)
    match = _UNIT_SUFFIX.search(text)
    if match is None:
        return text, None
    return text[: match.start()].rstrip(_TRAILING_STOPS), match.group(1)


@lru_cache(maxsize=1 << 20)
def surface_key(text: str) -> str:
    """The name after N1–N3: width, punctuation, spaces and the unit suffix folded away."""
    stem, _unit = split_unit(text)
    return stem.translate(_N2_TABLE).replace("%", "")


def fold_jurisdiction(text: str) -> str:
    """N4: 新区/县/区/市 as a jurisdiction word (县级, 全区, 区委区政府 …) becomes one token."""
    return _JURISDICTION.sub(JURISDICTION_TOKEN, text)


@lru_cache(maxsize=1 << 20)
def name_key(text: str) -> str:
    """The comparison key of an indicator name: N1–N4 (duplicates.md §3.1)."""
    return fold_jurisdiction(surface_key(text))


@lru_cache(maxsize=1 << 18)
def canonical_grade(cell: str) -> str:
    """A grade cell as compared for copies: N1, no whitespace, no trailing 。 or ``.``.

    Wording is kept: ``80%及以上`` and ``≥80%`` stay different (a copy keeps its wording).
    """
    return _WHITESPACE.sub("", n1(cell)).rstrip("。.")


def canonical_ladder(grades: Sequence[str]) -> Ladder:
    """The four grades 优/良/中/差 canonicalised position by position."""
    if len(grades) != 4:
        raise ValueError(f"a ladder has four grades, got {len(grades)}")
    return tuple(canonical_grade(cell or "") for cell in grades)  # type: ignore[return-value]


def is_placeholder_ladder(ladder: Ladder) -> bool:
    """True for a ladder that says nothing: all four cells equal (empty, 涉密, …)."""
    return len(set(ladder)) == 1


# --- the same rules over whole columns ---------------------------------------------------------
#
# The detector normalises every record; calling the functions above once per record costs
# ~40 µs each in Python overhead. The column versions join the column with newlines and run
# each step once over the joined text (all steps are line-local: NFKC never composes across a
# newline, and the regexes are anchored per line), then split. tests/test_duplicates_rules.py
# checks them against the per-string definitions.

_LINE_WS = re.compile(r"[^\S\n]+")
_LINE_STOPS = re.compile("[" + re.escape(_TRAILING_STOPS) + "]+$", re.MULTILINE)
_LINE_UNIT = re.compile(
    "["
    + re.escape(_TRAILING_STOPS)
    + r"]*[(（]("
    + "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
    + r")[)）]$",
    re.MULTILINE,
)
_LINE_GRADE_STOPS = re.compile(r"[。.]+$", re.MULTILINE)


_N1_PAIRS = tuple(COMPARATOR_GLYPHS.items())
_LINE_N2 = re.compile("[" + re.escape(_N2_PUNCT) + "%]")


def _glyphs(text: str) -> str:
    for glyph, replacement in _N1_PAIRS:  # four str.replace beat one dict translate 10×
        text = text.replace(glyph, replacement)
    return text


def _joined_n1(texts: Iterable[str | None]) -> str:
    joined = strip_invisible("\n".join((text or "").replace("\n", " ") for text in texts))
    return _glyphs(unicodedata.normalize("NFKC", _glyphs(joined)))


def surface_and_name_keys(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """:func:`surface_key` and :func:`name_key` of every text, computed column-wise."""
    if not texts:
        return [], []
    joined = _LINE_WS.sub("", _joined_n1(texts))
    joined = _LINE_UNIT.sub("", _LINE_STOPS.sub("", joined))
    joined = _LINE_N2.sub("", joined)
    return joined.split("\n"), fold_jurisdiction(joined).split("\n")


def canonical_ladders(grade_rows: Sequence[Sequence[str]]) -> list[Ladder]:
    """:func:`canonical_ladder` of every row of four grades, computed column-wise."""
    for row in grade_rows:
        if len(row) != 4:
            raise ValueError(f"a ladder has four grades, got {len(row)}")
    if not grade_rows:
        return []
    joined = _LINE_WS.sub("", _joined_n1(cell for row in grade_rows for cell in row))
    cells = iter(_LINE_GRADE_STOPS.sub("", joined).split("\n"))
    return list(zip(cells, cells, cells, cells, strict=True))


# --- measure head and the slot rule ----------------------------------------------------------


def _words(text: str) -> list[str]:
    """Space-separated word lists keep the long lexicons below readable."""
    return text.split()


MEASURE_LEXICON: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "完成率 办结率 满意度 保障率 合格率 落实率 覆盖率 完好率 及时率 反馈率 满意率 检查率 "
            "处理率 处置率 查处率 采纳率 使用率 到位率 知晓率 参与率 达标率 执行率 受理率 回复率 "
            "上报率 归档率 利用率 准确率 响应率 整改率 化解率 结案率 入库率 公开率 履约率"
        ),
        "rate",
    ),
    **dict.fromkeys(
        _words("差错率 错案率 投诉率 发生率 故障率 超支率 不合格率 复发率"), "inverse_rate"
    ),
    **dict.fromkeys(_words("次数 数量 人次 场次 件数 期数 个数 篇数 人数"), "count"),
    **dict.fromkeys(_words("完成情况 工作成效 实施效果 完成质量 推进情况 落实情况"), "qualitative"),
}
"""The measure words of duplicates.md §3.2 (b), with the kind each implies."""

LIGHT_WORDS: tuple[str, ...] = tuple(
    _words(
        "工作 任务 事项 管理 活动 项目 业务 事务 服务 建设 计划 情况 目标 年度 全年 各项 完成 落实 "
        "开展 组织 推进 相关 有关 日常 综合 重点 专项 及时 按时 按期 各类 全面"
    )
)
"""Words that do not make a frame distinctive."""

_HEAD_LENGTHS = sorted({len(word) for word in MEASURE_LEXICON}, reverse=True)


@lru_cache(maxsize=1 << 20)
def measure_head(key: str) -> str | None:
    """The measure head of a normalised name (§3.2 b), or ``None``.

    The longest lexicon word the name ends with (the name must be longer than it); failing
    that, the last three characters of a name of at least 4 characters ending in 率 or 度.

    >>> measure_head("保障性住房开工率"), measure_head("满意度"), measure_head("社区矫正人数")
    ('开工率', None, '人数')
    """
    for length in _HEAD_LENGTHS:
        if len(key) > length and key[-length:] in MEASURE_LEXICON:
            return key[-length:]
    if len(key) >= 4 and key[-1] in "率度":
        return key[-3:]
    return None


def distinctive_length(frame: str, head: str | None) -> int:
    """Characters of a frame left after removing the measure head and the light words."""
    if head and frame.endswith(head):
        frame = frame[: -len(head)]
    for word in LIGHT_WORDS:
        frame = frame.replace(word, "")
    return len(frame)


def _common_prefix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[i] == b[i]:
        i += 1
    return i


def _common_suffix_length(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    i = 0
    while i < limit and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def slot_frame(a: str, b: str) -> tuple[str, str] | None:
    """The shared frame ``(P, S)`` if two normalised names are a slot pair, else ``None``.

    Names are ``P+x+S`` and ``P+y+S`` with non-empty, different fillers; the measure head is
    the same; ``|P|+|S| ≥ 4`` and ≥ half the longer name; at least 2 characters of ``P+S``
    remain after removing the head and the light words, and (revised rule, duplicates.md §3
    note) at least 2 of them in ``S``: the task after the filler is shared, only its
    qualifier differs (``<X>接待工作完成率``). When ``S`` is only the measure and light words
    the fillers *are* the tasks (``应急<X>完成率``: 宣传 / 演练), which is not a copy. The
    ladder condition is checked by the caller (it is a property of the records, not of the
    names).

    >>> slot_frame("应急宣传完成率", "应急演练完成率") is None
    True
    """
    if a == b:
        return None
    head = measure_head(a)
    if measure_head(b) != head:
        return None
    p = _common_prefix_length(a, b)
    s = _common_suffix_length(a[p:], b[p:])
    if len(a) - p - s <= 0 or len(b) - p - s <= 0:
        return None  # one filler is empty: a qualifier insertion, not a slot
    shared = p + s
    if shared < 4 or 2 * shared < max(len(a), len(b)):
        return None
    prefix, suffix = a[:p], a[len(a) - s :]
    if distinctive_length(prefix + suffix, head) < 2 or distinctive_length(suffix, head) < 2:
        return None
    return prefix, suffix


COSMETIC_AFFIXES: tuple[str, ...] = tuple(_words("各项 各类 全年 年度 全面 本年度 相关 有关"))
"""Words that add nothing when put in front of or after a name (各项综合业务管理工作完成率 is
综合业务管理工作完成率): a copy that gains or loses one is still a copy (§3 note)."""

_NEGATIONS = frozenset("不未无非否")


def cosmetic_core(key: str) -> str:
    """A normalised name without its cosmetic prefixes and suffixes (:data:`COSMETIC_AFFIXES`).

    >>> cosmetic_core("各项综合业务管理工作完成率")
    '综合业务管理工作完成率'
    """
    changed = True
    while changed:
        changed = False
        for word in COSMETIC_AFFIXES:
            if key.startswith(word) and len(key) > len(word) + 2:
                key, changed = key[len(word) :], True
            if key.endswith(word) and len(key) > len(word) + 2:
                key, changed = key[: -len(word)], True
    return key


def light_mask(key: str) -> str:
    """The name with each light word replaced by one mask character (a blocking key: names
    that differ only by a light-word swap share it)."""
    return _LIGHT_RE.sub("\x00", key)


_LIGHT_RE = re.compile("|".join(sorted(LIGHT_WORDS, key=len, reverse=True)))


def edit_relation(a: str, b: str) -> str | None:
    """How two different normalised names are the same name edited, or ``None``.

    The copy relations the slot rule misses (duplicates.md §3 note), given the same ladder:

    * ``"cosmetic"``: equal once cosmetic prefixes/suffixes are dropped (各项, 全年, 年度 …);
    * ``"light-swap"``: ``P+x+S`` and ``P+y+S`` where x and y are both light words
      (综合业务管理 ~ 综合事务管理, as 执法业务管理 ~ 执法事务管理): the same treatment for every
      frame, distinctive or not;
    * ``"insertion"``: one word of 1–2 characters inserted inside an otherwise equal name,
      after its first two characters (综合事务管理工作完成率 ~ 综合事务工作完成率), with the same
      measure head, the shorter name at least 4 characters and no negation (不, 未, 无 …:
      完成率 ~ 未完成率 is an opposite).

    >>> edit_relation("综合事务管理工作完成率", "综合事务工作完成率")
    'insertion'
    >>> edit_relation("综合业务管理工作完成率", "综合事务管理工作完成率")
    'light-swap'
    >>> edit_relation("产品合格率", "产品未合格率") is None
    True
    """
    if a == b:
        return None
    if cosmetic_core(a) == cosmetic_core(b):
        return "cosmetic"
    head = measure_head(a)
    if measure_head(b) != head:
        return None
    if light_mask(a) == light_mask(b):
        words_a, words_b = _LIGHT_RE.findall(a), _LIGHT_RE.findall(b)
        if sum(x != y for x, y in zip(words_a, words_b, strict=True)) == 1:
            return "light-swap"
    p = _common_prefix_length(a, b)
    s = _common_suffix_length(a[p:], b[p:])
    x, y = a[p : len(a) - s], b[p : len(b) - s]
    inserted = x or y
    if (
        (not x or not y)
        and 1 <= len(inserted) <= 2
        and p >= 2
        and s > 0
        and min(len(a), len(b)) >= 4
        and not _NEGATIONS.intersection(inserted)
    ):
        return "insertion"
    return None


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def band_numbers(ladder: Ladder) -> tuple[tuple[str, ...], ...]:
    """The numbers of each grade cell, wording and comparators dropped."""
    return tuple(tuple(_NUMBER.findall(cell)) for cell in ladder)


def one_band_edited(a: Ladder, b: Ladder) -> bool:
    """True when two different ladders are one numeric ladder with one band edited.

    At least three cells carry numbers in both ladders, and either exactly one cell differs
    (and carries numbers in both: a threshold moved or a comparator flipped, 000:1770
    ``≧70%``/``<70%`` against 000:1790 ``≧70%``/``≧70%``), or the numbers differ in exactly one
    cell while comparators or wording were retyped around the same numbers
    (``＜0.1‰/＜0.2‰/＜0.5‰/＜1‰`` at 000:954 against ``≤0.1‰/≤0.2‰/≤0.5‰/＞0.5‰`` at 004:457;
    the deadline ladder ``8月前/10月前/12月前/12月以后`` at 002:1320 against
    ``9月前/10月前/12月前/12月后`` at 002:1420). A cell without numbers that differs is a
    different text, not an edited band.

    >>> one_band_edited(("≥90%", "≥80%", "≥70%", "<70%"), ("≥90%", "≥80%", "≥70%", "≥70%"))
    True
    >>> one_band_edited(("≥90%", "≥80%", "≥70%", "<70%"), ("≥95%", "≥90%", "≥85%", "<80%"))
    False
    >>> one_band_edited(("绿地规划比率", "100%", "≥90%", "≥80%"), ("植树比率", "100%", "≥90%", "≥80%"))
    False
    """
    if a == b:
        return False
    na, nb = band_numbers(a), band_numbers(b)
    if sum(1 for x, y in zip(na, nb, strict=True) if x and y) < 3:
        return False
    differing = [i for i in range(4) if a[i] != b[i]]
    if len(differing) == 1:
        return bool(na[differing[0]] and nb[differing[0]])
    return sum(x != y for x, y in zip(na, nb, strict=True)) == 1


# --- ladder validity ------------------------------------------------------------------------

INVALID_ISSUES: frozenset[str] = frozenset(
    _words(
        "gap overlap unreachable_band non_monotonic polarity_mismatch ordinal_inversion "
        "rate_over_100 mixed_units unit_mismatch low_rate_floor"
    )
)
"""Ladder issues that make a ladder logically wrong (the grid check of :mod:`kg.nlp`, plus
:func:`low_rate_floor`). A copied invalid ladder is shared-error evidence (duplicates.md
§3.3–§3.4); milder notes (``shared_endpoint``, ``open_worst_end``, ``unit_missing``,
``point_scale``, ``malformed_cell``) are not."""

_CHANGE_WORDS = tuple(_words("增长 增幅 增加 提高 提升 下降 降低 减少 减低 压减 节约"))
_RATE_FLOOR = re.compile(r"[≥>](\d+(?:\.\d+)?)%")
_RATE_CEILING = re.compile(r"[<≤](\d+(?:\.\d+)?)%")


def low_rate_floor(key: str, ladder: Ladder, limit: float = 5.0) -> bool:
    """True for a rate graded higher-is-better whose 优 needs at most ``limit`` percent.

    ``大型会议控制率`` ≥1% / ≥0.5% / ≥0.3% / <0.3% (000:284, 004:537): any rate worth
    measuring passes a 1% bar, so the ladder grades nothing (domain.md §3.2 reads it as a
    control rate written the wrong way round). The grid check of :mod:`kg.nlp` cannot see
    this, because the bands themselves are consistent and 控制率 has no fixed polarity.
    Change rates (增长率, 下降率, 提高率 …), where a few percent is a real target, are exempt.

    >>> low_rate_floor("大型会议控制率", ("≥1%", "≥0.5%", "≥0.3%", "<0.3%"))
    True
    >>> low_rate_floor("经济增长率", ("≥5%", "≥4%", "≥3%", "<3%"))
    False
    """
    if not key.endswith("率") or any(word in key for word in _CHANGE_WORDS):
        return False
    best, worst = _RATE_FLOOR.fullmatch(ladder[0]), _RATE_CEILING.fullmatch(ladder[3])
    return best is not None and worst is not None and float(best.group(1)) <= limit


# --- standard ladders --------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardLadders:
    """The boilerplate ladders of duplicates.md §3.3, canonicalised, with their kind."""

    kinds: Mapping[Ladder, str]
    version: str = ""

    def __contains__(self, ladder: object) -> bool:
        return ladder in self.kinds

    def __len__(self) -> int:
        return len(self.kinds)


def _parse_standard_ladders(data: object, origin: str) -> StandardLadders:
    if not isinstance(data, dict):
        raise KgError("expected a JSON object {kind: [[优, 良, 中, 差], …]}", origin)
    kinds: dict[Ladder, str] = {}
    for kind, ladders in data.items():
        if kind in ("version", "source"):
            continue
        if not isinstance(ladders, list):
            raise KgError(f"{kind!r} must be a list of four-grade lists", origin)
        for ladder in ladders:
            if not (isinstance(ladder, list) and len(ladder) == 4):
                raise KgError(f"{kind!r}: {ladder!r} is not a list of four grades", origin)
            kinds[canonical_ladder([str(cell) for cell in ladder])] = kind
    return StandardLadders(kinds, str(data.get("version", "")))


@lru_cache(maxsize=1)
def default_standard_ladders() -> StandardLadders:
    """The bundled list (``kg/duplicates/data/standard_ladders.json``)."""
    text = resources.files("kg.duplicates").joinpath("data/standard_ladders.json").read_text()
    return _parse_standard_ladders(json.loads(text), "standard_ladders.json")


def load_standard_ladders(
    source: str | Path | Mapping[str, object] | Iterable[Sequence[str]] | StandardLadders | None,
) -> StandardLadders:
    """The standard-ladder list from a JSON file, a ``{kind: [ladders]}`` mapping, a plain
    list of ladders, or ``None`` for the bundled default."""
    if source is None:
        return default_standard_ladders()
    if isinstance(source, StandardLadders):
        return source
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise KgError(
                f"cannot read the standard-ladder list: {exc.strerror}", str(path)
            ) from exc
        except json.JSONDecodeError as exc:
            raise KgError(f"not valid JSON: {exc.msg}", str(path), exc.lineno) from exc
        return _parse_standard_ladders(data, str(path))
    if isinstance(source, Mapping):
        return _parse_standard_ladders(dict(source), "standard ladders")
    return _parse_standard_ladders(
        {"custom": [list(ladder) for ladder in source]}, "standard ladders"
    )
