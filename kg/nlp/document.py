"""Fill the NLP fields of an extracted :class:`~kg.model.Document` in batches.

Grade cells and names repeat a lot (one ladder graded 83 indicators in the seeds), so each
distinct text goes through ``nlp.pipe`` once and each distinct ladder is analysed once; every
indicator still gets its own Band objects (copies), so later stages may mutate them freely.
"""

from __future__ import annotations

import re
from typing import TypeVar

from kg.model import GRADES, Band, Document, NameAnalysis, ProjectIndicator, Scheme
from kg.nlp.lexicon import load_lexicon
from kg.nlp.names import analyze_name_text
from kg.nlp.scheme import analyze_scheme
from kg.nlp.segment import cell_reading, pos_cut, segment
from kg.textnorm import fold, simplify

SHIFT_FLAGS = frozenset({"column_shift", "shifted", "column_shifted"})
_PLACE_SUFFIX = re.compile(r"(?:满族自治县|自治县|经济技术开发区|开发区|新区|市|区|县)$")

T = TypeVar("T")

SCHEME_CACHE_SIZE = 4096
"""Distinct ladders kept analysed across documents (a seed has 60-110); the oldest go first."""

_scheme_cache: dict[tuple, tuple[list[Band], Scheme]] = {}


def _remember(key: tuple, value: tuple[list[Band], Scheme]) -> tuple[list[Band], Scheme]:
    """Cache an analysed ladder without letting the cache outgrow ``SCHEME_CACHE_SIZE``."""
    while len(_scheme_cache) >= SCHEME_CACHE_SIZE:
        del _scheme_cache[next(iter(_scheme_cache))]
    _scheme_cache[key] = value
    return value


def document_places(doc: Document) -> tuple[str, ...]:
    """Place names of the issuer, taken from the document's own title (domain.md §4.2)."""
    organisation_words = {word for word, _ in load_lexicon().jurisdiction}
    places: set[str] = set()
    for word, tag in pos_cut(doc.issuer or doc.title):
        if tag in ("ns", "nr") and len(word) >= 2 and word not in organisation_words:
            places.add(word)
            stem = _PLACE_SUFFIX.sub("", word)
            if len(stem) >= 2:
                places.add(stem)
    return tuple(sorted(places, key=lambda w: (-len(w), w)))


def analyze_name(text: str, places: tuple[str, ...] = ()) -> NameAnalysis:
    """Analyse one indicator name (jieba tokens included), as the spaCy pipeline's
    ``pikg_name`` component does."""
    return analyze_name_text(text or "", places, segment(text or ""))


def _copy(obj: T, **changes: object) -> T:
    """A shallow copy of a model dataclass with some fields changed.

    What :func:`dataclasses.replace` gives for these plain dataclasses (no ``__post_init__``,
    no ``InitVar``), without re-running ``__init__`` over every field: about 4x cheaper, and
    it runs once per band of every indicator of every document.
    """
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__, **changes)
    return new


def _own_band(band: Band, **changes: object) -> Band:
    """A private copy: every field is a scalar except ``flags`` and the flat ``deadline`` dict
    (a field-wise copy is ~20x cheaper than ``copy.deepcopy``)."""
    deadline = dict(band.deadline) if band.deadline else None
    return _copy(band, flags=list(band.flags), deadline=deadline, **changes)


def _own_analysis(analysis: NameAnalysis) -> NameAnalysis:
    return _copy(analysis, tokens=list(analysis.tokens))


def _bands_for(texts: list[str], parsed: dict[str, Band]) -> list[Band]:
    return [
        _own_band(parsed[text], grade=grade, rank=rank)
        for rank, (grade, text) in enumerate(zip(GRADES, texts, strict=True), start=1)
    ]


def _mark_shifted(bands: list[Band]) -> None:
    for band in bands:
        band.flags.append("column_shift")
        if band.status == "unparsed":
            band.status = "malformed"
            band.form = "L"
            band.reason = "column-shifted row: this cell holds another column's text"


_COMPARATOR_WORDS = {
    "≥": "≥",
    "≤": "≤",
    ">": ">",
    "<": "<",
    "=": "=",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "大于": ">",
    "小于": "<",
    "等于": "=",
}
_BARE_NUMBER = re.compile(r"[≥≤<>=]?\s*[\d.,]+")


def target_text(indicator: ProjectIndicator) -> str:
    """The target as one cell: the national grids print the comparator (指标性质) and the unit
    (计量单位) in columns of their own, ``≥ | 95 | %``, which read together as ``≥95%``.

    >>> target_text(ProjectIndicator("", "", "合格率", 1, value="95", comparator="≥", unit="%"))
    '≥95%'
    """
    text = simplify(indicator.raw_value or indicator.value or "")
    comparator = _COMPARATOR_WORDS.get(fold(indicator.comparator).strip())
    if comparator and text and not fold(text).lstrip().startswith(tuple("≥≤<>=")):
        text = comparator + text
    if indicator.unit and _BARE_NUMBER.fullmatch(fold(text).strip()):
        text += simplify(indicator.unit)
    return text


def analyze_document(doc: Document) -> Document:
    """Fill ``bands``/``scheme``/``analysis`` of every indicator and ``target``/``analysis``
    of every project indicator; returns the same ``doc``."""
    places = document_places(doc)
    indicators = [ind for _, ind in doc.iter_indicators()]
    project_indicators = [ind for _, ind in doc.iter_project_indicators()]

    names = {ind.name or "" for ind in indicators} | {p.name or "" for p in project_indicators}
    # What the spaCy pipelines of kg.nlp.pipeline give, without importing spaCy (~0.7 s).
    analyses = {text: analyze_name_text(text, places, segment(text)) for text in sorted(names)}

    cells: set[str] = set()
    for ind in indicators:
        cells.update(ind.raw_grades.get(g, ind.grades.get(g, "")) or "" for g in GRADES)
    # Target and actual values of project tables are matched in simplified glyphs (績效 → 绩效,
    # 於 → 于: layouts.md §3); the indicator keeps its raw text.
    cells.update(target_text(p) for p in project_indicators)
    cells.update(simplify(p.actual) for p in project_indicators if p.actual)
    ordered = sorted(cells)
    parsed = {text: cell_reading(text)[0] for text in ordered}

    for ind in indicators:
        texts = [ind.raw_grades.get(g, ind.grades.get(g, "")) or "" for g in GRADES]
        analysis = analyses[ind.name or ""]
        shifted = bool(SHIFT_FLAGS & set(ind.flags))
        key = (
            tuple(texts),
            shifted,
            analysis.direction_hint,
            analysis.metric_kind,
            analysis.declared_unit,
            analysis.measure_head,
            analysis.key,
        )
        cached = _scheme_cache.get(key)
        if cached is None:
            bands = _bands_for(texts, parsed)
            if shifted:
                _mark_shifted(bands)
            cached = _remember(key, (bands, analyze_scheme(bands, analysis)))
        bands, scheme = cached
        ind.bands = [_own_band(band) for band in bands]
        ind.scheme = _copy(scheme, issues=list(scheme.issues))
        ind.analysis = _own_analysis(analysis)

    for pind in project_indicators:
        pind.target = _own_band(parsed[target_text(pind)])
        if pind.actual:
            pind.actual_band = _own_band(parsed[simplify(pind.actual)])
        pind.analysis = _own_analysis(analyses[pind.name or ""])
    return doc
