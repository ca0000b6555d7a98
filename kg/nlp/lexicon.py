"""The versioned lexicons of domain.md §4.2, loaded once per process from ``kg/nlp/data``.

They are data, not code, so that a reviewer can extend a qualitative scale or a polarity word
without touching the parser; ``Lexicon.version`` travels into every analysis that used it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kg.textnorm import fold

DATA_PACKAGE = "kg.nlp.data"


@dataclass(frozen=True)
class ScaleTerm:
    """One term of a qualitative scale: ``很高`` is rank 1 of ``HIGH4``."""

    term: str
    scale: str
    rank: int


@dataclass(frozen=True)
class Lexicon:
    version: str
    units: dict[str, str]
    magnitudes: dict[str, int]
    scales: dict[str, tuple[tuple[str, ...], ...]]
    scale_terms: tuple[ScaleTerm, ...]  # longest term first
    directive_words: tuple[str, ...]
    degree_cues: tuple[tuple[str, int], ...]  # longest cue first
    levels: tuple[tuple[str, str], ...]  # (word, level), longest first
    rank_positions: tuple[tuple[str, int], ...]
    placeholders: dict[str, str]
    review_cues: tuple[str, ...]
    lower_better_words: tuple[str, ...]
    reduction_words: tuple[str, ...]
    handling_words: tuple[str, ...]  # 查处/整改 of a bad thing: higher is better
    metric_heads: dict[str, str]
    head_synonyms: dict[str, str]
    measure_chars: tuple[str, ...]
    category_labels: frozenset[str]
    directive_verbs: tuple[str, ...]
    jurisdiction: tuple[tuple[str, str], ...]  # (word, placeholder), longest first
    global_replacements: dict[str, str]
    unit_pattern: str  # regex alternation of unit words, longest first


def _by_length(words) -> list[str]:
    return sorted(words, key=lambda w: (-len(w), w))


@cache
def load_lexicon() -> Lexicon:
    """Read ``lexicon.json`` from the package data (cached: one read per process)."""
    # Terms are folded like the text they are matched against (，→, （→( …).
    raw = json.loads(
        fold(resources.files(DATA_PACKAGE).joinpath("lexicon.json").read_text(encoding="utf-8"))
    )
    scales: dict[str, tuple[tuple[str, ...], ...]] = {}
    terms: list[ScaleTerm] = []
    for scale_id, steps in raw["qualitative_scales"].items():
        normalised = tuple((step,) if isinstance(step, str) else tuple(step) for step in steps)
        scales[scale_id] = normalised
        for rank, words in enumerate(normalised, start=1):
            terms.extend(ScaleTerm(word, scale_id, rank) for word in words)
    terms.sort(key=lambda t: (-len(t.term), t.scale))
    cues = [(cue, int(rank)) for rank, words in raw["degree_cues"].items() for cue in words]
    cues.sort(key=lambda c: -len(c[0]))
    levels = [(word, level) for level, words in raw["levels"].items() for word in words]
    levels.sort(key=lambda c: -len(c[0]))
    positions = [(w, int(rank)) for rank, words in raw["rank_positions"].items() for w in words]
    jurisdiction = [(w, ph) for ph, words in raw["jurisdiction"].items() for w in words]
    jurisdiction.sort(key=lambda c: -len(c[0]))
    units = dict(raw["units"])
    unit_pattern = "|".join(re.escape(u) for u in _by_length(units))
    return Lexicon(
        version=raw["version"],
        units=units,
        magnitudes=dict(raw["magnitudes"]),
        scales=scales,
        scale_terms=tuple(terms),
        directive_words=tuple(raw["directive_words"]),
        degree_cues=tuple(cues),
        levels=tuple(levels),
        rank_positions=tuple(positions),
        placeholders=dict(raw["placeholders"]),
        review_cues=tuple(raw["review_cues"]),
        lower_better_words=tuple(raw["polarity"]["lower_better"]),
        reduction_words=tuple(raw["polarity"]["reduction"]),
        handling_words=tuple(raw["polarity"]["handling"]),
        metric_heads=dict(raw["metric_heads"]),
        head_synonyms=dict(raw["head_synonyms"]),
        measure_chars=tuple(raw["measure_chars"]),
        category_labels=frozenset(raw["category_labels"]),
        directive_verbs=tuple(_by_length(raw["directive_verbs"])),
        jurisdiction=tuple(jurisdiction),
        global_replacements=dict(raw["global_replacements"]),
        unit_pattern=unit_pattern,
    )


def user_dictionary_path():
    """The jieba user dictionary (one ``word freq tag`` per line) shipped with the package."""
    return resources.files(DATA_PACKAGE).joinpath("userdict.txt")


def any_word_pattern(words) -> re.Pattern[str]:
    """One alternation over ``words`` (longest first): a cheap "does any of them occur?" test run
    in C before a Python loop that must honour the lexicon's own order.

    >>> any_word_pattern(["差错", "故障"]).search("网络故障次数") is not None
    True
    """
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)) or "(?!)")


def unit_kind(unit: str | None) -> str | None:
    """``count:次`` → ``count``; ``percent`` → ``percent``; ``None`` stays ``None``."""
    if unit is None:
        return None
    return unit.split(":", 1)[0]
